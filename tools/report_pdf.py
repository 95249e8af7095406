"""The PDF form of a stored result: summary (and a launch plan with its evidence), then each chart,
then its tables.

Drawn with matplotlib's PdfPages so that no extra dependency is needed: text pages are figure text,
charts are the PNGs the tool already made (never redrawn), tables are matplotlib tables, paginated.
Every text has math parsing off: prices like "$40 … $60" would otherwise be read as TeX.
"""
from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402 - the backend must be chosen first
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.backends.backend_pdf import PdfPages  # noqa: E402

from memory.tables import StoredResult  # noqa: E402

PAGE = (8.27, 11.69)  # A4 portrait, inches
LINES_PER_PAGE = 60
WRAP = 100
ROWS_PER_PAGE = 28
MAX_COLUMNS = 7
MAX_ROWS = 200  # per table: a PDF is a readout, the CSV export holds everything
CELL_CHARS = 28


def text_lines(stored: StoredResult) -> list[str]:
    """The summary, then (for launch readouts) each recommendation with the figures it rests on."""
    out = stored.output
    lines = [f"{stored.tool} — {stored.result_id}", *textwrap.wrap(f"Source: {out.get('source', '')}", WRAP), ""]
    lines += textwrap.wrap(str(out.get("summary", "")), WRAP) + [""]
    data = out.get("data") if isinstance(out.get("data"), dict) else {}
    plan = data.get("plan") or []
    if plan:
        lines.append("PLAN")
        for rec in plan:
            lines += textwrap.wrap(f"• [{rec.get('topic', '')}] {rec.get('text', '')}", WRAP, subsequent_indent="   ")
            for e in rec.get("evidence", []):
                lines += textwrap.wrap(f"– {e.get('figure')} = {e.get('value')} ({e.get('tool')} {e.get('result_id') or 'not stored'})", WRAP, initial_indent="     ", subsequent_indent="       ")
        lines.append("")
    for m in data.get("missing") or []:
        lines += textwrap.wrap(f"Missing: {m.get('tool')} — {m.get('reason')}", WRAP)
    return lines


def _text_pages(pdf: PdfPages, lines: list[str]) -> None:
    for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
        fig = plt.figure(figsize=PAGE)
        fig.text(0.06, 0.96, "\n".join(lines[start:start + LINES_PER_PAGE]), va="top", ha="left", family="DejaVu Sans", fontsize=8.5, linespacing=1.35, parse_math=False)
        pdf.savefig(fig)
        plt.close(fig)


def _chart_pages(pdf: PdfPages, charts: list[dict[str, Any]]) -> int:
    drawn = 0
    for chart in charts:
        path = Path(str(chart.get("path", "")))
        if not path.is_file():
            continue
        fig = plt.figure(figsize=PAGE)
        ax = fig.add_axes((0.04, 0.08, 0.92, 0.84))
        ax.imshow(mpimg.imread(path))
        ax.axis("off")
        fig.suptitle(str(chart.get("title", path.name)), fontsize=11, parse_math=False)
        pdf.savefig(fig)
        plt.close(fig)
        drawn += 1
    return drawn


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def _table_pages(pdf: PdfPages, tables: dict[str, list[dict[str, Any]]]) -> None:
    for name, rows in tables.items():
        columns: list[str] = []
        for row in rows:
            columns.extend(c for c in row if c not in columns)
        columns = columns[:MAX_COLUMNS]
        rows = rows[:MAX_ROWS]
        for start in range(0, len(rows), ROWS_PER_PAGE):
            chunk = rows[start:start + ROWS_PER_PAGE]
            fig = plt.figure(figsize=PAGE)
            ax = fig.add_axes((0.03, 0.05, 0.94, 0.88))
            ax.axis("off")
            table = ax.table(cellText=[[_cell(r.get(c)) for c in columns] for r in chunk], colLabels=[_cell(c) for c in columns], loc="upper center", cellLoc="left")
            table.auto_set_font_size(False)
            table.set_fontsize(6.5)
            for cell in table.get_celld().values():
                cell.get_text().set_parse_math(False)
            fig.suptitle(f"Table {name} (rows {start + 1}–{start + len(chunk)} of {len(rows)})", fontsize=10, parse_math=False)
            pdf.savefig(fig)
            plt.close(fig)


def write_pdf(stored: StoredResult, tables: dict[str, list[dict[str, Any]]], out_dir: Path) -> list[str]:
    """One PDF: text pages, chart pages, table pages. Returns its path in a list like the other writers."""
    path = out_dir / f"{stored.result_id}.pdf"
    with PdfPages(path) as pdf:
        _text_pages(pdf, text_lines(stored))
        _chart_pages(pdf, list(stored.output.get("charts") or []))
        _table_pages(pdf, tables)
        info = pdf.infodict()
        info["Title"] = f"caeser {stored.tool} {stored.result_id}"
    return [str(path)]
