"""Sales history in SQL: the Online Retail daily table loaded once, and the queries the forecast
tool needs (one product's or a group's daily totals, product lookup, close matches).

WHY SQL rather than re-reading the CSV per request: a forecast needs a few thousand rows of one
product out of 310k; an indexed query returns them in milliseconds and the same code serves a
deployment whose sales arrive in Postgres from elsewhere. Aggregation to weeks and months is done
by the engine (`engines.forecast.history.to_periods`), which also knows which periods are complete.

Categories: the Online Retail data has none, so a category is the set of products whose description
contains every word asked for ("lunch bag", "christmas"), summed.
"""
from __future__ import annotations

import difflib
import re
import threading
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import func, insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from memory.bulk import insert_columns
from memory.db import get_engine
from memory.settings import Settings
from memory.tables import SalesDay, SalesLoad, SalesProduct

ONLINE_RETAIL = "online_retail"


_LOAD_LOCK = threading.Lock()


@dataclass(frozen=True)
class SalesSpan:
    first_day: date
    last_day: date


def load_frame(settings: Settings, daily: pd.DataFrame, source: str) -> int:
    """Insert daily rows (columns date, stock_code, description, country, quantity[, revenue,
    invoices, customers]) under `source`, with one product row per new stock code; returns rows."""
    engine = get_engine(settings)
    frame = daily.assign(day=pd.to_datetime(daily["date"]).dt.date)
    columns = _day_columns(frame, source)
    products = frame.groupby("stock_code").agg(description=("description", "first"), first_day=("day", "min"),
                                                last_day=("day", "max"), total_quantity=("quantity", "sum")).reset_index()
    with Session(engine) as session:
        known = set(session.exec(select(SalesProduct.stock_code).where(SalesProduct.stock_code.in_(products["stock_code"].astype(str).tolist()))).all())
        rows = insert_columns(session.connection(), SalesDay.__table__, columns)
        new_products = [{"stock_code": str(p.stock_code), "source": source, "description": str(p.description or "")[:300],
                         "first_day": p.first_day, "last_day": p.last_day, "total_quantity": float(p.total_quantity)}
                        for p in products.itertuples(index=False) if str(p.stock_code) not in known]
        if new_products:
            session.execute(insert(SalesProduct.__table__), new_products)
        session.add(SalesLoad(source=source, rows=rows, first_day=frame["day"].min(), last_day=frame["day"].max()))
        session.commit()
    return rows


def _day_columns(frame: pd.DataFrame, source: str) -> dict[str, list]:
    """The daily rows column-wise, for `memory.bulk.insert_columns` (a per-row dict path spent more
    time in SQLAlchemy than in SQLite on the first load's 310k rows); an optional column that is
    absent (or a 0/None value) counts as 0."""
    def optional(name: str, cast: type) -> list:
        return [cast(v or 0) for v in frame[name].tolist()] if name in frame else [cast(0)] * len(frame)

    return {"source": [source] * len(frame), "day": frame["day"].tolist(), "stock_code": [str(v) for v in frame["stock_code"].tolist()],
            "country": [str(v) for v in frame["country"].tolist()], "quantity": [float(v) for v in frame["quantity"].tolist()],
            "revenue": optional("revenue", float), "invoices": optional("invoices", int), "customers": optional("customers", int)}


def is_loaded(settings: Settings, source: str = ONLINE_RETAIL) -> bool:
    with Session(get_engine(settings)) as session:
        return session.get(SalesLoad, source) is not None


def ensure_loaded(settings: Settings) -> int:
    """Load the Online Retail daily table from the data dir unless it is already in SQL; returns
    the rows loaded now (0 if it was there, or if a concurrent process won the race). Raises
    `DataFileMissing` without the file."""
    if is_loaded(settings):
        return 0
    from memory.datadir import load_online_retail_daily

    # One loader per process: a launch readout's forecast call that overran its budget keeps loading
    # in its thread, and the next turn's call must wait for that load, not queue a second 310k-row
    # insert behind it on SQLite's write lock until the busy timeout gives up.
    with _LOAD_LOCK:
        if is_loaded(settings):
            return 0
        try:
            return load_frame(settings, load_online_retail_daily(settings.data_dir), ONLINE_RETAIL)
        except IntegrityError:
            # another process loaded it first; the whole load is one transaction, so nothing is half-written
            if is_loaded(settings):
                return 0
            raise


def span(settings: Settings, source: str = ONLINE_RETAIL) -> SalesSpan:
    """The first and last day the source covers (periods are complete only inside it)."""
    with Session(get_engine(settings)) as session:
        load = session.get(SalesLoad, source)
        if load is None:
            raise LookupError(f"sales source {source!r} is not loaded")
        return SalesSpan(load.first_day, load.last_day)


def daily_totals(settings: Settings, stock_codes: list[str], countries: list[str] | None = None) -> pd.DataFrame:
    """Net quantity per day summed over the given codes (and countries, if given): columns day, quantity."""
    stmt = select(SalesDay.day, func.sum(SalesDay.quantity)).where(SalesDay.stock_code.in_(stock_codes))
    if countries:
        stmt = stmt.where(func.lower(SalesDay.country).in_([c.strip().lower() for c in countries]))
    stmt = stmt.group_by(SalesDay.day).order_by(SalesDay.day)
    with Session(get_engine(settings)) as session:
        rows = session.exec(stmt).all()
    return pd.DataFrame(rows, columns=["day", "quantity"])


def product(settings: Settings, stock_code: str) -> SalesProduct | None:
    """The product with this code (exact first, then case-insensitive: `85123a` finds `85123A`)."""
    with Session(get_engine(settings)) as session:
        found = session.get(SalesProduct, stock_code)
        if found is None:
            found = session.exec(select(SalesProduct).where(func.lower(SalesProduct.stock_code) == stock_code.lower())).first()
        return found


def products_matching(settings: Settings, words: str, limit: int = 500, source: str = ONLINE_RETAIL) -> list[SalesProduct]:
    """Products whose description has every word at the start of one of its words (case-insensitive;
    a plural's final s is dropped so "holders" finds "HOLDER"), best sellers first. Word starts, not
    substrings: "cup" must not find "CUPCAKE CASES" nor "ear" "HEART"."""
    stems = [word[:-1] if len(word) > 3 and word.endswith("s") else word for word in re.findall(r"[\w'-]+", words.lower())]
    stmt = select(SalesProduct).where(SalesProduct.source == source)
    for stem in stems:
        stmt = stmt.where(func.lower(SalesProduct.description).contains(stem))
    patterns = [re.compile(rf"(?<![a-z0-9]){re.escape(stem)}") for stem in stems]
    with Session(get_engine(settings)) as session:
        rows = session.exec(stmt.order_by(SalesProduct.total_quantity.desc())).all()
    return [r for r in rows if all(p.search((r.description or "").lower()) for p in patterns)][:limit]


def close_matches(settings: Settings, text: str, n: int = 5, source: str = ONLINE_RETAIL) -> list[str]:
    """Codes or names close to `text` ("CODE — DESCRIPTION"), for an unknown SKU or name."""
    with Session(get_engine(settings)) as session:
        catalog = session.exec(select(SalesProduct.stock_code, SalesProduct.description).where(SalesProduct.source == source)).all()
    by_code = {code.lower(): f"{code} — {desc}" for code, desc in catalog}
    by_name = {desc.lower(): f"{code} — {desc}" for code, desc in catalog if desc}
    hits = difflib.get_close_matches(text.lower(), list(by_code), n=n, cutoff=0.6)
    hits += difflib.get_close_matches(text.lower(), list(by_name), n=n, cutoff=0.5)
    labels = [by_code.get(h) or by_name[h] for h in hits]
    return list(dict.fromkeys(labels))[:n]


def countries(settings: Settings, source: str = ONLINE_RETAIL) -> list[str]:
    """Every country with sales in the source, biggest market first."""
    stmt = (select(SalesDay.country).where(SalesDay.source == source).group_by(SalesDay.country)
            .order_by(func.sum(SalesDay.quantity).desc(), SalesDay.country))
    with Session(get_engine(settings)) as session:
        return list(session.exec(stmt).all())


def all_products(settings: Settings, source: str = ONLINE_RETAIL) -> list[SalesProduct]:
    with Session(get_engine(settings)) as session:
        return list(session.exec(select(SalesProduct).where(SalesProduct.source == source)).all())
