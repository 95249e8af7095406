"""Typed rows from text cells: every check vectorised over the whole column (a million order lines
are checked in about a second), and every failing row reported once, by line, with all its reasons.

A bad row is left out and reported; the rest import. What counts as bad is what would make a
stored figure wrong or unreadable: a date that is not a date, a quantity that is not a number, an
empty id. An empty optional field is not an error.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import pandas as pd

from memory.imports.fields import SPECS, Kind
from memory.imports.readers import RawTable, RowError

AGE_BAND = r"^\s*(\d{1,3})\s*(?:-|–|to)\s*(\d{1,3})\s*$"
GENDERS = {"m": "male", "male": "male", "man": "male", "f": "female", "female": "female", "woman": "female"}


@dataclass
class Checked:
    frame: pd.DataFrame  # typed, one row per good input row, with `line`
    errors: list[RowError]
    identical: int = 0  # rows dropped as exact repeats of an earlier row of the same file
    notes: list[str] | None = None


class _Problems:
    def __init__(self, lines: np.ndarray):
        self.lines = lines
        self.by_row: dict[int, list[str]] = defaultdict(list)

    def add(self, mask: np.ndarray, message) -> None:  # noqa: ANN001 - str or row → str
        for i in np.flatnonzero(mask):
            self.by_row[int(i)].append(message(int(i)) if callable(message) else message)

    def bad(self) -> np.ndarray:
        mask = np.zeros(len(self.lines), dtype=bool)
        mask[list(self.by_row)] = True
        return mask

    def errors(self) -> list[RowError]:
        return [RowError(line=int(self.lines[i]), message="; ".join(reasons)) for i, reasons in sorted(self.by_row.items())]


def per_value(values: pd.Series | list[str], convert) -> pd.Series:  # noqa: ANN001 - Series of distinct values → Series
    """`convert` applied once per distinct value and spread back: a million order lines hold a few
    hundred dates, a few thousand SKUs and prices, so parsing the distinct ones is ~100× less work."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
    converted = convert(pd.Series(uniques, dtype=object))
    return pd.Series(np.asarray(converted)[codes])


def _text(table: RawTable, mapping: dict[str, str], name: str) -> pd.Series:
    """The field's cells, stripped."""
    column = mapping.get(name)
    if not column:
        return pd.Series([""] * len(table), dtype=object)
    return per_value(table.cells[column], lambda u: u.str.strip()).astype(object)


def parse_dates(text: pd.Series) -> pd.Series:
    """ISO dates (and timestamps: the day is the shop's local day as written) fast; anything else
    through pandas' mixed parser (month first when ambiguous, as in US exports)."""
    return pd.Series(pd.DatetimeIndex(per_value(text, _parse_distinct_dates)), index=text.index)


def _parse_distinct_dates(text: pd.Series) -> pd.Series:
    days = pd.to_datetime(text.str.slice(0, 10), format="%Y-%m-%d", errors="coerce")
    rest = days.isna() & (text != "")
    if rest.any():
        days[rest] = pd.to_datetime(text[rest], format="mixed", errors="coerce").map(lambda t: t.tz_localize(None) if t is not pd.NaT and t.tzinfo else t)
    return days.dt.normalize()


def _parse_distinct_numbers(raw: pd.Series) -> pd.Series:
    values = pd.to_numeric(raw, errors="coerce")  # plain numbers: the C parser; only the rest is cleaned
    odd = values.isna() & (raw != "")
    if odd.any():
        cleaned = raw[odd].str.replace(r"^[^\d\-+.(]+|[^\d)]+$", "", regex=True).str.replace(",", "", regex=False)  # "$1,299.00", "12 units"
        values[odd] = pd.to_numeric(cleaned.str.replace(r"^\((.*)\)$", r"-\1", regex=True), errors="coerce")  # accounting negatives
    return values


def _label(mapping: dict[str, str], name: str) -> str:
    """How a message names a field: by the file's own column ("column 'Lineitem quantity' (units)")."""
    column = mapping.get(name)
    return f"column {column!r} ({name})" if column and column != name else name


def _number(table: RawTable, mapping: dict[str, str], name: str, problems: _Problems, *, required: bool = False) -> pd.Series:
    raw = _text(table, mapping, name)
    values = per_value(raw, _parse_distinct_numbers).astype(float)
    if required:
        problems.add((raw == "").to_numpy(), f"empty {_label(mapping, name)}")
    problems.add(((raw != "") & values.isna()).to_numpy(), lambda i: f"{_label(mapping, name)}: {raw.iat[i]!r} is not a number")
    return values


def _required_text(table: RawTable, mapping: dict[str, str], name: str, problems: _Problems, width: int) -> pd.Series:
    values = _text(table, mapping, name)
    problems.add((values == "").to_numpy(), f"empty {_label(mapping, name)}")
    problems.add((values.str.len() > width).to_numpy(), f"{_label(mapping, name)} longer than {width} characters")
    return values


def _date(table: RawTable, mapping: dict[str, str], name: str, problems: _Problems, *, required: bool) -> pd.Series:
    raw = _text(table, mapping, name)
    days = parse_dates(raw)
    if required:
        problems.add((raw == "").to_numpy(), f"empty {_label(mapping, name)}")
    problems.add(((raw != "") & days.isna()).to_numpy(), lambda i: f"{_label(mapping, name)}: {raw.iat[i]!r} is not a date")
    return days


def _finish(table: RawTable, frame: pd.DataFrame, problems: _Problems, notes: list[str] | None = None) -> Checked:
    frame = frame.assign(line=table.lines)
    good = frame.loc[~problems.bad()]
    content = [c for c in good.columns if c != "line"]
    repeat = good.duplicated(subset=content, keep="first")
    return Checked(good.loc[~repeat].reset_index(drop=True), table.errors + problems.errors(), int(repeat.sum()), notes or [])


def check_sales(table: RawTable, mapping: dict[str, str], default_currency: str = "") -> Checked:
    p = _Problems(table.lines)
    day = _date(table, mapping, "date", p, required=True)
    sku = _required_text(table, mapping, "sku", p, 80)
    units = _number(table, mapping, "units", p, required=True)
    revenue = _number(table, mapping, "revenue", p) if "revenue" in mapping else None
    price = _number(table, mapping, "price", p) if "price" in mapping else None
    currency = per_value(_text(table, mapping, "currency"), lambda u: u.str.upper().replace("", default_currency.upper())).astype(object)
    p.add(~per_value(currency, lambda u: u.str.fullmatch(r"[A-Z]{3}|")).astype(bool).to_numpy(), lambda i: f"currency {currency.iat[i]!r} is not a 3-letter code such as EUR")
    notes = []
    if revenue is None:
        revenue = (units * price) if price is not None else pd.Series(0.0, index=units.index)
        notes.append("revenue = units × price" if price is not None else "no revenue or price column: revenue not recorded")
    frame = pd.DataFrame({"day": day, "sku": sku, "units": units, "revenue": revenue.fillna(0.0), "currency": currency,
                          "country": _text(table, mapping, "country").str.slice(0, 80), "title": _text(table, mapping, "title").str.slice(0, 300),
                          "order_id": _text(table, mapping, "order_id")})
    return _finish(table, frame, p, notes)


def _age(table: RawTable, mapping: dict[str, str], p: _Problems) -> tuple[pd.Series, pd.Series]:
    """(age_min, age_max): an exact age gives both; a band such as "18-29" or "45 to 60" gives its bounds."""
    raw = _text(table, mapping, "age")
    band = raw.str.extract(AGE_BAND)
    exact = pd.to_numeric(raw.str.replace(r"[+>]$|^[>]", "", regex=True), errors="coerce")
    low = pd.to_numeric(band[0], errors="coerce").fillna(exact)
    high = pd.to_numeric(band[1], errors="coerce").fillna(exact.where(~raw.str.contains(r"\+|>"), 120))
    p.add(((raw != "") & low.isna()).to_numpy(), lambda i: f"age {raw.iat[i]!r} is neither an age nor a band such as 18-29")
    p.add(((low < 0) | (high > 120) | (low > high)).fillna(False).to_numpy(), lambda i: f"age {raw.iat[i]!r} is out of range")
    return low, high


def _gender(table: RawTable, mapping: dict[str, str]) -> pd.Series:
    return _text(table, mapping, "gender").str.lower().map(GENDERS).fillna("")


def check_catalog(table: RawTable, mapping: dict[str, str]) -> Checked:
    p = _Problems(table.lines)
    frame = pd.DataFrame({"item_id": _required_text(table, mapping, "item_id", p, 120), "title": _required_text(table, mapping, "title", p, 500),
                          "category": _text(table, mapping, "category").str.replace(r"\s*(>>|/|\|)\s*", " > ", regex=True).str.slice(0, 500),
                          "price": _number(table, mapping, "price", p), "brand": _text(table, mapping, "brand").str.slice(0, 120)})
    p.add((frame["price"] < 0).to_numpy(), lambda i: f"negative price {frame['price'].iat[i]}")
    return _finish(table, frame, p)


def check_customers(table: RawTable, mapping: dict[str, str]) -> Checked:
    p = _Problems(table.lines)
    low, high = _age(table, mapping, p)
    birth = _number(table, mapping, "birth_year", p)
    this_year = pd.Timestamp.today().year
    p.add(((birth < this_year - 110) | (birth > this_year)).fillna(False).to_numpy(), lambda i: f"birth_year {int(birth.iat[i])} is not plausible")
    low, high = low.fillna(this_year - birth), high.fillna(this_year - birth)
    frame = pd.DataFrame({"customer_id": _required_text(table, mapping, "customer_id", p, 120), "country": _text(table, mapping, "country"),
                          "age_min": low, "age_max": high, "gender": _gender(table, mapping), "orders": _number(table, mapping, "orders", p),
                          "spend": _number(table, mapping, "spend", p), "segment": _text(table, mapping, "segment")})
    return _finish(table, frame, p)


def check_campaigns(table: RawTable, mapping: dict[str, str]) -> Checked:
    p = _Problems(table.lines)
    frame = pd.DataFrame({"campaign_id": _required_text(table, mapping, "campaign_id", p, 120), "date": _date(table, mapping, "date", p, required=False),
                          "channel": _text(table, mapping, "channel"), "audience": _text(table, mapping, "audience"),
                          **{n: _number(table, mapping, n, p) for n in ("reached", "responses", "revenue", "spend")}})
    p.add((frame["responses"] > frame["reached"]).fillna(False).to_numpy(), "more responses than people reached")
    return _finish(table, frame, p)


def check_survey(table: RawTable, mapping: dict[str, str]) -> Checked:
    """Respondents with demographics; every unmapped column whose answers are numbers (at least 90%
    of those given) is an item rated. Other columns (free text) are left out and named in a note."""
    p = _Problems(table.lines)
    low, high = _age(table, mapping, p)
    frame = pd.DataFrame({"respondent_id": _required_text(table, mapping, "respondent_id", p, 120), "age_min": low, "age_max": high,
                          "gender": _gender(table, mapping), "region": _text(table, mapping, "region")})
    used = set(mapping.values())
    items, skipped = {}, []
    for column in table.columns:
        if column in used:
            continue
        raw = pd.Series(table.cells[column], dtype=object).str.strip()
        values = pd.to_numeric(raw, errors="coerce")
        given = raw.replace({"N/A": "", "NA": "", "n/a": ""}) != ""
        if given.sum() and values[given].notna().mean() >= 0.9:
            items[column] = values.where(given)
        else:
            skipped.append(column)
    if not items:
        from memory.imports.readers import ImportFailed

        raise ImportFailed(f"{table.label} line 1: no column of numeric ratings besides the respondent and demographic fields "
                           f"(columns: {', '.join(table.columns)}); a survey needs at least one rated item")
    frame = pd.concat([frame, pd.DataFrame({f"item:{c}": v for c, v in items.items()})], axis=1)
    notes = [f"{len(items)} rated items"] + ([f"left out (not numeric ratings): {', '.join(skipped[:8])}{'…' if len(skipped) > 8 else ''}"] if skipped else [])
    return _finish(table, frame, p, notes)


CHECKS = {"sales": check_sales, "catalog": check_catalog, "customers": check_customers, "survey": check_survey, "campaigns": check_campaigns}


def check(kind: Kind, table: RawTable, mapping: dict[str, str], default_currency: str = "") -> Checked:
    assert kind in SPECS
    if kind == "sales":
        return check_sales(table, mapping, default_currency)
    return CHECKS[kind](table, mapping)
