"""The PDF form of a stored result, laid out as a document (ReportLab platypus): headings, page
numbers, the date and the product on every page, DejaVu fonts (they print every glyph we use: – × ½ “ ”).

A launch readout (`data.readout`): page 1 answers the question (verdict, key numbers, actions, main
risk, the hero chart); then one section per engine (full-width chart, what to see in it, a few
sentences, a small formatted table); then what could not be answered, said once; then an appendix
with the plumbing — result ids, sources, exact arguments, the plan's figures, the formulas. Any other
result: its summary, its charts at full width and its tables with formatted cells, then the same
appendix. The body never shows a result id or a raw float; the appendix holds them.
"""
from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, Image, KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from memory.dashboard import result_subject
from memory.tables import StoredResult
from tools.formatting import TOOL_TITLES, cell, day, tool_title

MARGIN = 1.8 * cm
BODY_ROWS = 30  # rows of a generic table in the body; the CSV export has every row
BODY_COLUMNS = 6
APPENDIX = "Appendix: evidence"
INK, MUTED, RULE = colors.HexColor("#1a1a1a"), colors.HexColor("#5f5f5f"), colors.HexColor("#d0d0d0")
VERDICT_COLOURS = {"go": "#009E73", "go with changes": "#E69F00", "hold": "#D55E00"}  # Okabe–Ito, as the charts

# What to see in each tool's chart: the caption under it.
CAPTIONS = {"forecast_demand": "The blue line is the forecast and the band its 80% interval; the grey line is recent history and the yellow span the peak window.",
            "compare_audiences": "Each cell is the share of the audience who love the item; its colour is the lift against everyone (purple above 1×, orange below; grey: "
                                 "no survey asked that audience about it).",
            "hype_score": "Posts per day (bars) and their mean sentiment (line); the shaded span is the scored window.",
            "simulate_launch": "Each panel is one scenario's new buyers per week with its 5–95% range across seeds; the dashed line repeats the best scenario."}


def _fonts() -> str:
    """Register DejaVu Sans from matplotlib's own copy (no extra font package) once; its family name."""
    if "DejaVu" not in pdfmetrics.getRegisteredFontNames():
        spec = importlib.util.find_spec("matplotlib")  # its folder, without importing it (an export draws no chart)
        ttf = Path(next(iter(spec.submodule_search_locations))) / "mpl-data" / "fonts" / "ttf"
        for name, file in (("DejaVu", "DejaVuSans.ttf"), ("DejaVu-Bold", "DejaVuSans-Bold.ttf"), ("DejaVu-Oblique", "DejaVuSans-Oblique.ttf"),
                           ("DejaVu-BoldOblique", "DejaVuSans-BoldOblique.ttf")):
            pdfmetrics.registerFont(TTFont(name, str(ttf / file)))
        pdfmetrics.registerFontFamily("DejaVu", normal="DejaVu", bold="DejaVu-Bold", italic="DejaVu-Oblique", boldItalic="DejaVu-BoldOblique")
    return "DejaVu"


def _styles() -> dict[str, ParagraphStyle]:
    f = _fonts()
    base = ParagraphStyle("body", fontName=f, fontSize=9.5, leading=13, textColor=INK, alignment=TA_LEFT, spaceAfter=4)
    return {"body": base,
            "title": ParagraphStyle("title", base, fontName=f"{f}-Bold", fontSize=18, leading=22, spaceAfter=2),
            "subtitle": ParagraphStyle("subtitle", base, textColor=MUTED, fontSize=9, spaceAfter=10),
            "h2": ParagraphStyle("h2", base, fontName=f"{f}-Bold", fontSize=13, leading=16, spaceBefore=10, spaceAfter=6),
            "h3": ParagraphStyle("h3", base, fontName=f"{f}-Bold", fontSize=10.5, leading=13, spaceBefore=6, spaceAfter=3),
            "verdict": ParagraphStyle("verdict", base, fontName=f"{f}-Bold", fontSize=11.5, leading=15, textColor=colors.white),
            "caption": ParagraphStyle("caption", base, fontName=f"{f}-Oblique", fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=2, spaceAfter=6),
            "label": ParagraphStyle("label", base, fontSize=7.5, leading=9, textColor=MUTED, spaceAfter=0),
            "value": ParagraphStyle("value", base, fontName=f"{f}-Bold", fontSize=14, leading=17, spaceAfter=0),
            "note": ParagraphStyle("note", base, fontSize=7.5, leading=9.5, textColor=MUTED, spaceAfter=0),
            "cell": ParagraphStyle("cell", base, fontSize=8, leading=10, spaceAfter=0),
            "small": ParagraphStyle("small", base, fontSize=7, leading=9, spaceAfter=2, wordWrap="CJK")}


def _esc(text: Any) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _Numbered(Canvas):
    """A canvas that knows the page count when it saves, for "page 2 of 9" footers."""

    header = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        for state in self._pages:
            self.__dict__.update(state)
            self._frame(len(self._pages))
            super().showPage()
        super().save()

    def _frame(self, total: int) -> None:
        width, height = A4
        self.setFont("DejaVu", 7.5)
        self.setFillColor(MUTED)
        self.drawString(MARGIN, height - MARGIN + 14, self.header)
        self.drawRightString(width - MARGIN, height - MARGIN + 14, f"caeser · {day(date.today())}")
        self.drawCentredString(width / 2, MARGIN - 22, f"page {self._pageNumber} of {total}")
        self.setStrokeColor(RULE)
        self.line(MARGIN, height - MARGIN + 10, width - MARGIN, height - MARGIN + 10)


def _chart(path: str, width: float, max_height: float) -> Flowable | None:
    """The chart PNG at the full text width (never narrower: charts are drawn 8 in wide, so this
    scales down); a chart too tall for the page is allowed to shrink only to keep its ratio."""
    if not Path(path).is_file():
        return None
    w, h = ImageReader(path).getSize()
    height = width * h / w
    if height > max_height:
        width, height = max_height * w / h, max_height
    return Image(path, width=width, height=height)


def _table(columns: list[str], rows: list[list[str]], st: dict[str, ParagraphStyle], width: float, shares: list[float] | None = None) -> Table:
    """A small table: header rule, thin row rules; columns share the width by their longest text
    (between 8 and 40 characters' worth, so a long label wraps less than a short number) unless `shares` says."""
    data = [[Paragraph(f"<b>{_esc(c)}</b>", st["cell"]) for c in columns]] + [[Paragraph(_esc(v), st["cell"]) for v in r] for r in rows]
    if shares is None:
        longest = [min(40, max(8, len(c), *(len(str(r[i])) for r in rows))) for i, c in enumerate(columns)]
        shares = [n / sum(longest) for n in longest]
    table = Table(data, colWidths=[width * s for s in shares], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.8, INK), ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 2.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5)]))
    return table


def _figure(chart: dict[str, Any] | None, caption: str, st: dict[str, ParagraphStyle], width: float, max_height: float) -> list[Flowable]:
    image = _chart(str(chart.get("path", "")), width, max_height) if chart else None
    if image is None:
        return []
    return [KeepTogether([image, Paragraph(_esc(caption or chart.get("title", "")), st["caption"])])]


# --- a launch readout -----------------------------------------------------------------------------

def _audience_line(args: dict[str, Any]) -> str:
    """"$120 · under-35s in North America" from the readout's arguments."""
    a = args.get("audience") or {}
    ages = ""
    if a.get("age_min") and a.get("age_max"):
        ages = f"ages {a['age_min']}–{a['age_max']}"
    elif a.get("age_max"):
        ages = f"under-{a['age_max'] + 1}s"
    elif a.get("age_min"):
        ages = f"{a['age_min']}+"
    who = " ".join(p for p in (a.get("gender", ""), ages) if p) or "everyone"
    parts = [f"${args['price']:,.0f}" if args.get("price") else "", f"{who} in {a['region']}" if a.get("region") else who]
    return " · ".join(p for p in parts if p)


def _page_one(r: dict[str, Any], product: str, args: dict[str, Any], st: dict[str, ParagraphStyle], width: float, frame_h: float) -> list[Flowable]:
    story: list[Flowable] = [Paragraph(f"{_esc(product)}: launch readout", st["title"]),
                             Paragraph(_esc(f"{_audience_line(args)} · prepared {day(date.today())}"), st["subtitle"])]
    verdict = Table([[Paragraph(_esc(r["verdict_text"]), st["verdict"])]], colWidths=[width])
    verdict.setStyle(TableStyle([("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(VERDICT_COLOURS.get(r["verdict"], "#0072B2"))),
                                 ("LEFTPADDING", (0, 0), (-1, -1), 9), ("RIGHTPADDING", (0, 0), (-1, -1), 9), ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
    story += [verdict, Spacer(1, 8)]
    cards = [[Paragraph(_esc(k["label"]), st["label"]), Paragraph(_esc(k["value"]), st["value"]),
              Paragraph(_esc((f"range {k['range']} · " if k.get("range") else "") + k["basis"]), st["note"])] for k in r["key_numbers"]]
    per_row = 3
    grid = [cards[i:i + per_row] + [""] * (per_row - len(cards[i:i + per_row])) for i in range(0, len(cards), per_row)]
    if grid:
        t = Table(grid, colWidths=[width / per_row] * per_row)
        t.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEABOVE", (0, 0), (-1, -1), 0.8, INK), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 10), ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 8)]))
        story += [t, Spacer(1, 4)]
    if r["actions"]:
        story.append(Paragraph("Top actions", st["h3"]))
        story += [Paragraph(f"{i + 1}. {_esc(a)}", st["body"]) for i, a in enumerate(r["actions"])]
    story += [Paragraph(f"<b>Main risk.</b> {_esc(r['main_risk'])}", st["body"]), Spacer(1, 4)]
    story += _figure(r.get("hero"), "Simulated revenue of each what-if scenario (bars) with its 5–95% range across seeds (whiskers); blue is the recommended one, "
                                    "orange those at the asked price.", st, width, frame_h * 0.42)
    return story


def _launch_story(stored: StoredResult, st: dict[str, ParagraphStyle], width: float, frame_h: float) -> list[Flowable]:
    data = stored.output["data"]
    r = data["readout"]
    story = _page_one(r, data.get("product", ""), stored.arguments, st, width, frame_h)
    for section in r["sections"]:
        story += [PageBreak() if section is r["sections"][0] else CondPageBreak(frame_h * 0.45), Paragraph(_esc(section["title"]), st["h2"])]
        story += _figure(section.get("chart"), section.get("caption", ""), st, width, frame_h * 0.5)
        text: list[Flowable] = [Paragraph(_esc(" ".join(section["sentences"])), st["body"])]
        if section.get("rows"):
            text += [Spacer(1, 3), _table(section["columns"], [row["cells"] for row in section["rows"]], st, width)]
        story.append(KeepTogether(text))
    if r["gaps"]:
        story += [CondPageBreak(frame_h * 0.25), Paragraph("What could not be answered", st["h2"]),
                  _table(["Engine", "What and why", "What would fix it"], [[g["engine"], g["what"], g["fix"]] for g in r["gaps"]], st, width, [0.2, 0.45, 0.35])]
    return story


# --- any other result -----------------------------------------------------------------------------

def scalar_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Columns worth a body table: plain values (nested lists and objects, JSON in a cell, stay in the CSV)."""
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    return [c for c in columns if not any(isinstance(r.get(c), str) and r[c][:1] in "[{" for r in rows)][:BODY_COLUMNS]


def _result_story(stored: StoredResult, tables: dict[str, list[dict[str, Any]]], st: dict[str, ParagraphStyle], width: float, frame_h: float) -> list[Flowable]:
    out = stored.output
    title = tool_title(stored.tool)
    subject = result_subject(out.get("data"))
    story: list[Flowable] = [Paragraph(_esc(f"{title}: {subject}" if subject else title), st["title"]),
                             Paragraph(_esc(f"prepared {day(date.today())}"), st["subtitle"]), Paragraph(_esc(out.get("summary", "")), st["body"]), Spacer(1, 6)]
    for chart in out.get("charts") or []:
        story += _figure(chart, CAPTIONS.get(stored.tool, str(chart.get("title", ""))), st, width, frame_h * 0.5)
    for name, rows in tables.items():
        columns = scalar_columns(rows)
        if not columns:
            continue
        shown = rows[:BODY_ROWS]
        more = f" (first {len(shown)} of {len(rows):,}; the CSV export has every row)" if len(rows) > len(shown) else ""
        story += [CondPageBreak(frame_h * 0.2), Paragraph(_esc(name.replace("_", " ").replace(".", " › ").capitalize() + more), st["h3"]),
                  _table([c.replace("_", " ").capitalize() for c in columns], [[cell(c, r.get(c)) for c in columns] for r in shown], st, width)]
    return story


# --- the appendix ---------------------------------------------------------------------------------

FORMULAS = [
    "Verdict: hold when no simulation answered or the best scenario's adoption is under 0.5%; go with changes when a price other than the asked one earns "
    "over 1% more simulated revenue, or a risk was found (≥ 30% negative posts on at least the scoring minimum, or a bot-like burst); go otherwise.",
    "Segments: age bands ranked by adoption in the best scenario × the mean lift of the product's themes in the band (compare_audiences); bands without survey "
    "data rank after measured ones.",
    "Scenarios: each value of price, channel, launch month and region is judged by its best scenario's simulated revenue (mean over seeds; range 5–95%).",
    "Forecast range: the sum of the analogs' weighted 10th and 90th percentiles per week (docs/forecast.md).",
]


def _appendix(stored: StoredResult, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out = stored.output
    data = out.get("data") if isinstance(out.get("data"), dict) else {}
    story: list[Flowable] = [PageBreak(), Paragraph(APPENDIX, st["h2"]),
                             Paragraph(_esc(f"This document is the stored result {stored.result_id} ({stored.tool}), made {stored.created_at:%d %b %Y %H:%M} UTC. "
                                            "Every figure in the body comes from the results listed here; the JSON export holds them whole."), st["body"]),
                             Paragraph(f"<b>Source.</b> {_esc(out.get('source', ''))}", st["small"]),
                             Paragraph(f"<b>Arguments.</b> {_esc(json.dumps(stored.arguments, ensure_ascii=False, default=str))}", st["small"])]
    sections = data.get("sections") or []
    if sections:
        story.append(Paragraph("Engine calls", st["h3"]))
        rows = [[s.get("key", ""), s.get("tool", ""), s.get("status", ""), s.get("result_id") or "–", f"{s.get('seconds', 0):.1f} s",
                 json.dumps(s.get("arguments", {}), ensure_ascii=False, default=str)] for s in sections]
        story.append(_small_table(["Section", "Tool", "Status", "Result id", "Took", "Exact arguments"], rows, st, width, [0.11, 0.15, 0.09, 0.18, 0.08, 0.39]))
        story += [Paragraph(f"<b>{_esc(s.get('key'))}</b> — {_esc(s.get('source') or s.get('reason') or '')}", st["small"]) for s in sections]
    plan = data.get("plan") or []
    if plan:
        story.append(Paragraph("Figures behind the plan", st["h3"]))
        rows = [[rec.get("topic", ""), e.get("figure", ""), str(e.get("value")), e.get("tool", ""), e.get("result_id") or "–"] for rec in plan for e in rec.get("evidence", [])]
        story.append(_small_table(["Topic", "Figure", "Value", "Tool", "Result id"], rows, st, width, [0.12, 0.34, 0.14, 0.17, 0.23]))
    if stored.tool == "analyze_launch":
        story.append(Paragraph("Formulas", st["h3"]))
        story += [Paragraph(_esc(f), st["small"]) for f in FORMULAS]
    return story


def _small_table(columns: list[str], rows: list[list[str]], st: dict[str, ParagraphStyle], width: float, shares: list[float]) -> Table:
    data = [[Paragraph(f"<b>{_esc(c)}</b>", st["small"]) for c in columns]] + [[Paragraph(_esc(v), st["small"]) for v in r] for r in rows]
    table = Table(data, colWidths=[width * s for s in shares], repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, 0), 0.6, INK), ("LINEBELOW", (0, 1), (-1, -1), 0.2, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]))
    return table


def write_pdf(stored: StoredResult, tables: dict[str, list[dict[str, Any]]], out_dir: Path) -> list[str]:
    """One PDF: the readout (or the result), then the appendix. Returns its path in a list like the other writers."""
    path = out_dir / f"{stored.result_id}.pdf"
    st = _styles()
    data = stored.output.get("data") if isinstance(stored.output.get("data"), dict) else {}
    title = TOOL_TITLES.get(stored.tool, stored.tool)
    subject = result_subject(data)
    doc = SimpleDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
                            title=f"{subject} — {title}" if subject else title, author="caeser", subject=title)
    frame_h = A4[1] - 2 * MARGIN
    story = _launch_story(stored, st, doc.width, frame_h) if isinstance(data.get("readout"), dict) else _result_story(stored, tables, st, doc.width, frame_h)
    story += _appendix(stored, st, doc.width)
    canvas = type("Canvas", (_Numbered,), {"header": f"{subject} · {title.lower()}" if subject else title})
    doc.build(story, canvasmaker=canvas)
    return [str(path)]
