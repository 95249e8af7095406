"""Storing imports and reading them back, always scoped to the owner (memory/owner.py).

Idempotence: every sales line gets a 64-bit hash of its natural key (kept per import run as one
sorted array, `ImportedKeyBlock`) — (order id, SKU, its
occurrence in the order) when the file has order ids, else (day, SKU, country, currency,
occurrence) — and a line whose key any of the owner's sales imports already holds is skipped. New
lines are summed into daily rows (day × SKU × country × currency) added to what is stored, so a
re-import changes nothing and a later file extends the history. Catalog products, customers,
respondents and campaigns are upserted by their id: the latest file's values win.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd
from pydantic import BaseModel
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from memory.bulk import insert_columns
from memory.db import get_engine, session_scope
from memory.imports.fields import Kind
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.tables import ImportedDataset, ImportedKeyBlock, ImportedRecord, ImportedSalesDay, utcnow

CHUNK = 5000  # ids per IN (…) list


class Stored(BaseModel):
    new: int = 0
    updated: int = 0
    unchanged: int = 0  # already imported (same key, same values)
    repeated: int = 0  # the same key twice in this file: merged, the last one kept
    dataset: str = ""
    first_day: date | None = None
    last_day: date | None = None
    keys: int = 0  # distinct SKUs / products / respondents … in the dataset after the import
    revenue: dict[str, float] = {}  # currency → net revenue of the lines added now ("" = no currency given)


class DatasetInfo(BaseModel):
    id: int
    owner: str
    kind: str
    name: str
    origin: str
    format: str
    rows: int
    first_day: date | None
    last_day: date | None
    currencies: list[str]
    updated_at: datetime


def dataset_name(text: str) -> str:
    """A name people can say back ("forget q3 survey"): the file stem, lower case, spaces for _ and -."""
    return re.sub(r"\s+", " ", re.sub(r"[_\-.]+", " ", text)).strip().lower()[:120] or "import"


def _dataset(settings: Settings, owner: Owner, kind: Kind, name: str, origin: str, fmt: str) -> int:
    for _ in range(2):  # a concurrent importer may create it between the read and the insert
        with session_scope(settings) as s:
            found = s.exec(select(ImportedDataset.id).where(ImportedDataset.owner == owner.key, ImportedDataset.kind == kind, ImportedDataset.name == name)).first()
            if found is not None:
                s.exec(update(ImportedDataset).where(ImportedDataset.id == found[0]).values(origin=origin[:500], format=fmt, updated_at=utcnow()))
                return int(found[0])
            try:
                row = ImportedDataset(owner=owner.key, kind=kind, name=name, origin=origin[:500], format=fmt)
                s.add(row)
                s.flush()
                return int(row.id)
            except IntegrityError:
                s.rollback()
    raise RuntimeError(f"could not create import {name!r}")


def _owner_ids(settings: Settings, owner: Owner, kind: Kind) -> list[int]:
    with session_scope(settings) as s:
        return list(s.exec(select(ImportedDataset.id).where(ImportedDataset.owner == owner.key, ImportedDataset.kind == kind)).scalars())


def line_keys(frame: pd.DataFrame) -> np.ndarray:
    """The natural key of each sales line as a signed 64-bit hash (see the module docstring)."""
    has_order = frame["order_id"] != ""
    blank = pd.Series("", index=frame.index)
    key = pd.DataFrame({"order": frame["order_id"], "sku": frame["sku"],
                        "day": frame["day"].dt.strftime("%Y-%m-%d").where(~has_order, blank),
                        "country": frame["country"].where(~has_order, blank), "currency": frame["currency"].where(~has_order, blank)})
    key["n"] = key.groupby(list(key.columns), sort=False).cumcount()
    return pd.util.hash_pandas_object(key, index=False).to_numpy().view(np.int64)


def _stored_keys(conn, ids: list[int]) -> np.ndarray:  # noqa: ANN001 - SQLAlchemy connection
    """Every line-key hash of the given imports, from their key blocks."""
    if not ids:
        return np.zeros(0, dtype=np.int64)
    t = ImportedKeyBlock.__table__
    blocks = conn.execute(select(t.c.hashes).where(t.c.dataset_id.in_(ids))).scalars().all()
    return np.concatenate([np.frombuffer(b, dtype="<i8") for b in blocks]) if blocks else np.zeros(0, dtype=np.int64)


def _upsert(conn, table, columns: dict[str, list], keys: list[str], set_: dict) -> int:  # noqa: ANN001
    """INSERT … ON CONFLICT (keys) DO UPDATE, rows given column-wise, on SQLite and Postgres alike."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table)
    stmt = stmt.on_conflict_do_update(index_elements=keys, set_={k: v(table, stmt.excluded) for k, v in set_.items()})
    return insert_columns(conn, table, columns, stmt)


def store_sales(settings: Settings, owner: Owner, name: str, origin: str, fmt: str, lines: pd.DataFrame) -> Stored:
    """Add the lines not imported before (by natural key) to the owner's daily sales, in one transaction."""
    dataset_id = _dataset(settings, owner, "sales", name, origin, fmt)
    keys = line_keys(lines)
    with session_scope(settings) as s:
        conn = s.connection()
        seen = np.isin(keys, _stored_keys(conn, _owner_ids(settings, owner, "sales")))
        new = lines.loc[~seen]
        if len(new):
            conn.execute(ImportedKeyBlock.__table__.insert().values(dataset_id=dataset_id, lines=len(new), hashes=np.sort(keys[~seen]).astype("<i8").tobytes()))
        daily = new.groupby(["sku", "day", "country", "currency"], sort=True, as_index=False).agg(units=("units", "sum"), revenue=("revenue", "sum"))
        table = ImportedSalesDay.__table__
        _upsert(conn, table, {"dataset_id": [dataset_id] * len(daily), "sku": daily["sku"].tolist(), "day": daily["day"].dt.date.tolist(),
                              "country": daily["country"].tolist(), "currency": daily["currency"].tolist(), "units": daily["units"].astype(float).tolist(),
                              "revenue": daily["revenue"].astype(float).tolist()},
                ["dataset_id", "sku", "day", "country", "currency"], {"units": lambda t, ex: t.c.units + ex.units, "revenue": lambda t, ex: t.c.revenue + ex.revenue})
        titles = new.loc[new["title"] != ""].drop_duplicates("sku", keep="last").set_index("sku")["title"].to_dict()
        stats = conn.execute(select(table.c.sku, func.min(table.c.day), func.max(table.c.day), func.sum(table.c.units))
                             .where(table.c.dataset_id == dataset_id).group_by(table.c.sku)).all()
        old = {k: d for k, d in conn.execute(select(ImportedRecord.__table__.c.key, ImportedRecord.__table__.c.data).where(ImportedRecord.__table__.c.dataset_id == dataset_id)).all()}
        products = [{"dataset_id": dataset_id, "key": sku, "data": {"title": titles.get(sku) or (old.get(sku) or {}).get("title", ""), "first_day": str(first),
                     "last_day": str(last), "units": float(units)}} for sku, first, last, units in stats]
        _upsert(conn, ImportedRecord.__table__, _columns(products), ["dataset_id", "key"], {"data": lambda t, ex: ex.data})
        span = conn.execute(select(func.min(table.c.day), func.max(table.c.day), func.count()).where(table.c.dataset_id == dataset_id)).one()
        currencies = sorted(c for c in conn.execute(select(table.c.currency).where(table.c.dataset_id == dataset_id).distinct()).scalars() if c)
        lines = conn.execute(select(func.coalesce(func.sum(ImportedKeyBlock.__table__.c.lines), 0)).where(ImportedKeyBlock.__table__.c.dataset_id == dataset_id)).scalar_one()
        conn.execute(update(ImportedDataset.__table__).where(ImportedDataset.__table__.c.id == dataset_id)
                     .values(rows=lines, first_day=span[0], last_day=span[1], currencies=",".join(currencies)[:200], updated_at=utcnow()))
    revenue = {c: round(float(v), 2) for c, v in new.groupby("currency")["revenue"].sum().items()}
    return Stored(new=len(new), unchanged=int(seen.sum()), dataset=name, first_day=span[0], last_day=span[1], keys=len(stats), revenue=revenue)


def _columns(rows: list[dict]) -> dict[str, list]:
    return {k: [r[k] for r in rows] for k in rows[0]} if rows else {"dataset_id": [], "key": [], "data": []}


def _jsonable(value: object) -> object:
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def store_records(settings: Settings, owner: Owner, kind: Kind, name: str, origin: str, fmt: str, frame: pd.DataFrame, key: str) -> Stored:
    """Upsert rows by `key` (the last of a repeated key wins); counts new, changed and unchanged ones."""
    dataset_id = _dataset(settings, owner, kind, name, origin, fmt)
    repeated = int(frame.duplicated(key, keep="last").sum())
    frame = frame.drop_duplicates(key, keep="last")
    fields = [c for c in frame.columns if c not in ("line", key)]
    records = {str(row[key]): {f: _jsonable(row[f]) for f in fields} for row in frame.to_dict("records")}
    table = ImportedRecord.__table__
    with session_scope(settings) as s:
        conn = s.connection()
        old: dict[str, dict] = {}
        ids = list(records)
        for i in range(0, len(ids), CHUNK):
            old.update(conn.execute(select(table.c.key, table.c.data).where(table.c.dataset_id == dataset_id, table.c.key.in_(ids[i:i + CHUNK]))).all())
        changed = [k for k, v in records.items() if old.get(k) != v]
        _upsert(conn, table, {"dataset_id": [dataset_id] * len(changed), "key": changed, "data": [records[k] for k in changed]}, ["dataset_id", "key"], {"data": lambda t, ex: ex.data})
        total = conn.execute(select(func.count()).where(table.c.dataset_id == dataset_id)).scalar_one()
        conn.execute(update(ImportedDataset.__table__).where(ImportedDataset.__table__.c.id == dataset_id).values(rows=total, updated_at=utcnow()))
    updated = sum(k in old for k in changed)
    return Stored(new=len(changed) - updated, updated=updated, unchanged=len(records) - len(changed), repeated=repeated, dataset=name, keys=total)


# --- reading back ---------------------------------------------------------------------------------

def datasets(settings: Settings, owner: Owner, kind: Kind | None = None) -> list[DatasetInfo]:
    """The owner's imports (every owner's in admin scope), most recently updated first."""
    stmt = select(ImportedDataset).where(visible_to(ImportedDataset.owner, owner))
    if kind:
        stmt = stmt.where(ImportedDataset.kind == kind)
    with session_scope(settings) as s:
        rows = s.exec(stmt.order_by(ImportedDataset.updated_at.desc(), ImportedDataset.id.desc())).scalars().all()
        return [DatasetInfo(id=r.id, owner=r.owner, kind=r.kind, name=r.name, origin=r.origin, format=r.format, rows=r.rows, first_day=r.first_day,
                            last_day=r.last_day, currencies=[c for c in r.currencies.split(",") if c], updated_at=r.updated_at) for r in rows]


def find_datasets(settings: Settings, owner: Owner, name: str) -> list[DatasetInfo]:
    """The owner's imports called `name` ("q3 survey", "Q3_survey.csv", "our q3 survey" all find q3 survey)."""
    wanted = dataset_name(re.sub(r"^(our|the|my)\s+", "", name.strip(), flags=re.I))
    stem = dataset_name(re.sub(r"\.(csv|jsonl|parquet|json|txt)$", "", name.strip(), flags=re.I))
    mine = [d for d in datasets(settings, owner) if d.owner == owner.key]
    exact = [d for d in mine if d.name in (wanted, stem)]
    return exact or [d for d in mine if wanted and (wanted in d.name or f"{d.name} {d.kind}" == wanted or f"{d.name} {d.kind}".endswith(wanted))]


def forget(settings: Settings, owner: Owner, dataset_ids: Iterable[int]) -> int:
    """Delete the owner's imports (and everything imported under them); returns how many went."""
    ids = list(dataset_ids)
    with session_scope(settings) as s:
        ids = list(s.exec(select(ImportedDataset.id).where(ImportedDataset.id.in_(ids), ImportedDataset.owner == owner.key)).scalars())
        for table in (ImportedKeyBlock, ImportedSalesDay, ImportedRecord):
            s.exec(delete(table).where(table.dataset_id.in_(ids)))
        s.exec(delete(ImportedDataset).where(ImportedDataset.id.in_(ids)))
    return len(ids)


def records(settings: Settings, dataset_ids: list[int]) -> list[tuple[int, str, dict]]:
    """(dataset id, key, data) of the given imports."""
    if not dataset_ids:
        return []
    table = ImportedRecord.__table__
    with get_engine(settings).connect() as conn:
        return [(d, k, v) for d, k, v in conn.execute(select(table.c.dataset_id, table.c.key, table.c.data).where(table.c.dataset_id.in_(dataset_ids)).order_by(table.c.dataset_id, table.c.key)).all()]


def daily_units(settings: Settings, dataset_ids: list[int], skus: list[str], countries: list[str] | None = None) -> pd.DataFrame:
    """Net units per day summed over SKUs (and countries, if given) of the given sales imports: columns day, quantity."""
    t = ImportedSalesDay.__table__
    stmt = select(t.c.day, func.sum(t.c.units)).where(t.c.dataset_id.in_(dataset_ids), t.c.sku.in_(skus))
    if countries:
        stmt = stmt.where(func.lower(t.c.country).in_([c.strip().lower() for c in countries]))
    with get_engine(settings).connect() as conn:
        rows = conn.execute(stmt.group_by(t.c.day).order_by(t.c.day)).all()
    return pd.DataFrame(rows, columns=["day", "quantity"])


def sales_countries(settings: Settings, dataset_ids: list[int]) -> list[str]:
    """The countries the given sales imports have sales in, biggest first ("" = rows without a country)."""
    t = ImportedSalesDay.__table__
    stmt = select(t.c.country).where(t.c.dataset_id.in_(dataset_ids)).group_by(t.c.country).order_by(func.sum(t.c.units).desc(), t.c.country)
    with get_engine(settings).connect() as conn:
        return list(conn.execute(stmt).scalars())
