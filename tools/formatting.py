"""Numbers and dates as a marketer reads them: "$128,384", "1.3%", "1,337", "5 Apr 2027", "17–24 Feb 2015".

WHY one module: the readout, its PDF and the chat answers show the same figures; raw floats
(2982.77, 0.01749) and dates without years read as plumbing. Every function takes the stored
value and returns the text, so the stored figures stay exact for the appendix and the JSON export.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$")
# Column names whose values are money, shares (0–1) or counts: a table cell is formatted by its column.
MONEY_WORDS = ("revenue", "price", "income", "budget", "willingness")
SHARE_WORDS = ("share", "adoption", "affinity", "confidence", "level", "weight", "similarity", "coverage")
# What each tool's result is called where people read it (the PDF's title, the dashboard's lists).
TOOL_TITLES = {"forecast_demand": "Demand forecast", "compare_audiences": "Audience comparison", "audience_affinity": "Audience affinity", "hype_score": "Hype",
               "simulate_launch": "Launch simulation", "build_personas": "Buyer personas", "search_products": "Product search", "suggest_queries": "Search suggestions",
               "analyze_launch": "Launch readout"}


#: the currencies prices are asked and shown in
CURRENCY_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€"}
#: a forecast frequency's period, in words: "12 weeks", "the same months a year earlier"
PERIOD_WORD = {"D": "day", "W": "week", "M": "month"}


def money(x: float, currency: str = "USD") -> str:
    """Whole units with thousands separators ("$128,384", "£9.99"); cents only under 100."""
    sign = CURRENCY_SYMBOLS.get(currency, "$")
    return f"{sign}{x:,.0f}" if abs(x) >= 100 else f"{sign}{x:,.2f}".replace(".00", "")


def price_label(amount: float, currency: str | None) -> str:
    """"£12.95": a product's price in its own currency, pence kept; a bare number where the source does not say which."""
    symbol = CURRENCY_SYMBOLS.get(currency or "", "")
    return f"{symbol}{amount:,.2f}" if symbol or not currency else f"{amount:,.2f} {currency}"


def pct(x: float) -> str:
    """A share 0–1 as a percentage: one decimal under 10% ("1.3%"), none above ("42%")."""
    return f"{x:.1%}" if abs(x) < 0.1 else f"{x:.0%}"


def count(x: float) -> str:
    """A count with thousands separators, rounded to a whole number ("1,337")."""
    return f"{x:,.0f}"


def number(x: float) -> str:
    """Any other measure: whole numbers from 10 up (a column of 824, 61.26, 1,155 reads as one
    scale), at most two decimals below (0.47 units a week is still worth showing)."""
    if abs(x) >= 10:
        return f"{x:,.0f}"
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else f"{int(x)}"


def span(low: float, high: float, fmt: Any = count) -> str:
    """A range as "1,120–1,560"."""
    return f"{fmt(low)}–{fmt(high)}"


def day(d: date | datetime | str) -> str:
    """"5 Apr 2027"."""
    d = _as_date(d)
    return f"{d.day} {d:%b %Y}"


def month(d: date | datetime | str) -> str:
    """"Apr 2027"."""
    return f"{_as_date(d):%b %Y}"


def period(start: date | datetime | str, end: date | datetime | str) -> str:
    """A date range said once: "17–24 Feb 2015", "28 Feb–3 Mar 2015", "28 Dec 2026–3 Jan 2027"."""
    a, b = _as_date(start), _as_date(end)
    if a == b:
        return day(a)
    if a.year != b.year:
        return f"{day(a)}–{day(b)}"
    if a.month != b.month:
        return f"{a.day} {a:%b}–{day(b)}"
    return f"{a.day}–{day(b)}"


def tool_title(tool: str) -> str:
    return TOOL_TITLES.get(tool, tool.replace("_", " ").capitalize())


def result_title(tool: str, subject: str) -> str:
    """"Hype: Stanley": what a result is and what it is about."""
    return f"{tool_title(tool)}: {subject}" if subject else tool_title(tool)


def cell(column: str, value: Any) -> str:
    """A table cell by its column's meaning: money, share, date, count or plain number."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    name = column.lower()
    if isinstance(value, (int, float)):
        if any(w in name for w in MONEY_WORDS):
            return money(value)
        if any(w in name for w in SHARE_WORDS) and -1.0 <= value <= 1.0:
            return pct(value)
        return count(value) if isinstance(value, int) else number(value)
    if isinstance(value, str) and ISO_DAY.match(value):
        return day(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(column, v) for v in value)
    return str(value)


def _as_date(d: date | datetime | str) -> date:
    if isinstance(d, str):
        d = datetime.fromisoformat(d)
    return d.date() if isinstance(d, datetime) else d


def counted(count: int, word: str) -> str:
    """"1 week", "3 weeks", "1 product"."""
    return f"{count} {word}{'' if count == 1 else 's'}"
