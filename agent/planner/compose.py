"""The planner's written answers: results of tool calls, errors, help and greetings, as plain text.

Tool outputs already carry a one-paragraph summary written by the engine from its own figures, so
the answer leads with it, adds the key figures a reader scans for, and points at charts and files.
"""
from __future__ import annotations

import json
from typing import Any

from agent.planner.method import explain
from agent.planner.style import Style, restyle
from tools.formatting import PERIOD_WORD, price_label
from tools.registry import load_tools

MAX_FIGURES = 6
ECHOED = {"product", "subject", "query", "prefix", "user_id", "label"}  # what the user just said: not a figure


def format_number(value: float) -> str:
    """Thousands with separators, small numbers with three significant digits: never 1.8e+04."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if abs(value) >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def key_figures(data: Any) -> list[str]:
    """Top-level scalar fields of a result's data, in order: the numbers a reader looks for first."""
    if not isinstance(data, dict):
        return []
    lines = []
    for key, value in data.items():
        if isinstance(value, bool) or value is None or key in ECHOED:
            continue
        if isinstance(value, (int, float)):
            lines.append(f"{key.replace('_', ' ')}: {format_number(value)}")
        elif isinstance(value, str) and len(value) <= 60:
            lines.append(f"{key.replace('_', ' ')}: {value}")
        if len(lines) >= MAX_FIGURES:
            break
    return lines


def render_result(tool: str, payload: dict[str, Any], style: Style | None = None) -> str:
    """One tool message's payload (as the tool node wrote it) as readable text; with a `style`,
    the summary as bullets or one line and without the key-figure line."""
    if "error" in payload:
        err = payload["error"]
        text = f"⚠️ {err.get('message', 'The tool failed.')}"
        if err.get("options"):
            text += (" Closest: " if err.get("code") == "not_found" else " Known values: ") + ", ".join(err["options"]) + "."
        return text
    summary = payload.get("summary", "").strip()
    parts = [explain(tool, payload) + "\n" + restyle(summary, Style("short")) if style and style.kind == "method" else restyle(summary, style) if style else summary]
    listing = numbered_rows(payload.get("data"))
    if listing:
        parts.append(listing)
    figures = [] if style else key_figures(payload.get("data"))
    if figures:
        parts.append(" · ".join(figures))
    for chart in payload.get("charts", []):
        parts.append(f"📈 {chart.get('title', 'chart')}: {chart.get('path')}")
    for path in payload.get("files", []):
        parts.append(f"📄 {path}")
    footer = [f"source: {payload['source']}"] if payload.get("source") else []
    if payload.get("result_id"):
        footer.append(f"result id: {payload['result_id']}")
    if footer:
        parts.append("(" + "; ".join(footer) + ")")
    return "\n".join(p for p in parts if p)


def forecasts_side_by_side(payloads: list[dict[str, Any]]) -> str:
    """One line setting several forecasts of one turn against each other ("forecast 84879 and
    22423"): each total with its change on the same periods a year earlier, then the larger and the
    faster-growing. Empty for fewer than two forecasts that answered."""
    rows = [p["data"] for p in payloads if "error" not in p and isinstance(p.get("data"), dict) and isinstance(p["data"].get("total"), (int, float))]
    if len(rows) < 2:
        return ""

    def growth(d: dict[str, Any]) -> float | None:
        before = d.get("year_before")
        return d["total"] / before - 1 if isinstance(before, (int, float)) and before > 0 else None

    def span(d: dict[str, Any]) -> str:
        return f"{d.get('horizon')} {PERIOD_WORD.get(d.get('frequency', 'W'), 'period')}s"

    same = len({span(d) for d in rows}) == 1
    cells = [f"{d['target']} about {d['total']:,.0f} units" + ("" if same else f" over {span(d)}")
             + (f" ({g:+.0%} on the same {PERIOD_WORD.get(d.get('frequency', 'W'), 'period')}s a year earlier)" if (g := growth(d)) is not None else "") for d in rows]
    text = ("Side by side over the next " + span(rows[0]) if same else "Side by side") + ": " + "; ".join(cells) + "."
    if same:
        top = max(rows, key=lambda d: d["total"])
        text += f" Most units: {top['target']}."
    grown = [d for d in rows if growth(d) is not None]
    if len(grown) >= 2:
        text += f" Growing most against last year: {max(grown, key=lambda d: growth(d) or 0.0)['target']}."
    return text


MAX_ROWS = 10


def numbered_rows(data: Any) -> str:
    """Search hits and suggestions as a numbered list with their ids: "the first one" and
    record_engagement refer to these numbers and ids. Suggestions show their text only."""
    if not isinstance(data, dict):
        return ""
    lines = []
    for i, row in enumerate((data.get("results") or [])[:MAX_ROWS], 1):
        if isinstance(row, dict) and row.get("item_id"):
            price = f" — {price_label(row['price'], row.get('currency'))}" if isinstance(row.get("price"), (int, float)) else ""
            lines.append(f"{i}. {row.get('title', '')}{price} (id {row['item_id']})")
    for i, row in enumerate((data.get("suggestions") or [])[:MAX_ROWS], 1):
        if isinstance(row, dict) and row.get("text"):
            lines.append(f"{i}. {row['text']}")  # its pseudo-category ("bottle vitamin-e") is CADENCE's internal cluster name, not a shopper's word
    return "\n".join(lines)


def render_call(tool: str, args: dict[str, Any]) -> str:
    """How the planner says what it is doing, so a follow-up's reused arguments are visible."""
    shown = json.dumps(args, ensure_ascii=False, default=str)
    return f"→ {tool} {shown}"


def help_text() -> str:
    lines = ["I'm caeser. I answer with numbers from real data. Ask me things like:"]
    for spec in load_tools().values():
        first = " ".join(spec.description.split()).split(". ")[0].split(": ")[0].rstrip(".")
        lines.append(f"• {spec.name}: {first}.")
    lines.append("Follow-ups work: \"and for Europe?\", \"try it at $79\", \"export that as a pdf\".")
    return "\n".join(lines)


DECLINE = ("That's outside what I can do — I don't write copy, look up weather, prices or market share, or answer general questions. "
           "I answer with numbers from data: an audience's tastes, a product's hype, demand forecasts, launch simulations and readouts, "
           "buyer personas, search suggestions and alerts. Try \"how will our matcha drink do with gen z in the UK?\" or say \"what can you do?\".")
DATA_SOURCES = ("Every number comes from real public data (or yours, once you import it), and each answer ends with a source line naming the data "
                "and the model behind it. Where the figures come from:\n"
                "• Tastes: Qloo's Insights API when a key is set; otherwise surveys — FiveThirtyEight's food, Star Wars, steak-and-risk and Thanksgiving "
                "surveys of US adults, WHO drinking figures for 193 countries, and the Young People Survey (1,010 Slovak 15–30-year-olds: music, film, "
                "hobbies, spending).\n"
                "• Hype: posts you import, plus 14,485 tweets to six US airlines (Feb 2015) and 9,093 SXSW 2011 brand tweets; sentiment by caeser's own "
                "models, trained on about 155,000 labelled posts from 13 sources: a fast one for new posts, and a MiniLM transformer "
                "fine-tuned here that re-scores stored posts once `caeser build` has made it (on unseen tweets, TweetEval test: 0.69 "
                "macro-recall, against 0.57 for the VADER lexicon).\n"
                "• Forecasts: UCI Online Retail, a UK gift retailer's daily sales of 4,070 products (Dec 2010–Dec 2011), or your own sales.\n"
                "• Launch simulations and personas: US Census (ACS 2022, CPS 2023) and UN population tables, and a retailer's customer table "
                "for shopping channels.\n"
                "• Search and suggestions: a 33,958-product catalog (Flipkart, Amazon UK toys, Online Retail) and logged queries (Wayfair WANDS, Amazon "
                "ESCI, TREC).\n"
                "The data are public but some are old (the sales end in Dec 2011), and answers say so when it matters. `caeser data list` shows "
                "every file with its origin and licence; docs/ holds each formula.")
GREETING = "Hi! Ask me about an audience's tastes, a product's hype, a demand forecast, a launch simulation, personas or search suggestions — or say \"what can you do?\"."
