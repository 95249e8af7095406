"""What the persona engine reads and keeps: the channel table from the customer file, priced analog
products (Amazon UK toys, Online Retail) for reference prices, archetypes in
the Chroma `personas` collection, and archetype exports (CSV, JSON, Parquet) under the exports dir.

WHY here: engines stay free of files and stores; the tools call these.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from engines.persona.pricing import Analogs, weekly_buyers
from engines.persona.traits import ChannelTable, channel_table, default_channel_table
from memory.datadir import DataFileMissing, load_amazon_toys, load_marketing_campaign, load_online_retail_daily
from memory.owner import Owner
from memory.settings import Settings

if TYPE_CHECKING:  # chromadb is imported only when archetypes are stored or searched
    from memory.vectors import VectorHit

_TABLES: dict[Path, ChannelTable] = {}


def load_channel_table(data_dir: Path) -> ChannelTable:
    """The channel table fitted on `marketing_campaign.csv` (read once per directory); the built-in
    overall mix when the file is missing."""
    key = Path(data_dir).resolve()
    if key not in _TABLES:
        try:
            customers = load_marketing_campaign(key)
        except DataFileMissing:
            return default_channel_table()
        _TABLES[key] = channel_table(customers, reference_year=int(customers["Dt_Customer"].dt.year.max()))
    return _TABLES[key]


#: Pounds per PPP US dollar for the UK (OECD purchasing-power parities, 2011, the Online Retail and
#: Amazon UK samples' years): the analogs' GBP prices are compared with PPP-dollar incomes.
GBP_PER_PPP_USD = 0.70
#: units of each currency a request may use per PPP US dollar (OECD 2011: UK as above, euro area 0.80):
#: a reference price in pounds or euros is the analogs' dollars times this
PER_PPP_USD: dict[str, float] = {"USD": 1.0, "GBP": GBP_PER_PPP_USD, "EUR": 0.80}
_ANALOGS: dict[Path, Analogs | None] = {}


def load_price_analogs(data_dir: Path) -> Analogs | None:
    """Priced products for `pricing.analog_reference`, read once per directory: Amazon UK toys (list
    price) and Online Retail (each stock code's median weekly price, `pricing.weekly_buyers`), in PPP
    dollars. None when neither file is there."""
    key = Path(data_dir).resolve()
    if key not in _ANALOGS:
        names: list[str] = []
        prices: list[float] = []
        try:
            toys = load_amazon_toys(key).dropna(subset=["price"])
            names += toys["product_name"].astype(str).str.strip().tolist()
            prices += toys["price"].astype(float).tolist()
        except DataFileMissing:
            pass
        try:
            daily = load_online_retail_daily(key)
            weekly = weekly_buyers(daily).groupby("stock_code")["price"].median()
            described = daily.drop_duplicates("stock_code").set_index("stock_code")["description"].dropna()
            both = weekly.index.intersection(described.index)
            names += described[both].str.strip().str.lower().tolist()
            prices += weekly[both].tolist()
        except DataFileMissing:
            pass
        _ANALOGS[key] = Analogs(names, np.asarray(prices) / GBP_PER_PPP_USD) if names else None
    return _ANALOGS[key]


def archetype_id(owner: Owner, product: str, audience: str, name: str) -> str:
    """One id per tenant: two tenants' personas for the same product never overwrite each other."""
    return hashlib.sha1(f"{owner.key}|{product}|{audience}|{name}".encode()).hexdigest()[:16]


def store_archetypes(settings: Settings, owner: Owner, product: str, audience: str, rows: list[dict[str, object]]) -> list[str]:
    """Upsert one document per archetype (its description) with owner, product, audience, name and
    share as metadata, so later questions ("who were the bargain hunters?") retrieve it. Returns the ids."""
    from memory.vectors import PERSONAS, get_collection, upsert_texts

    ids = [archetype_id(owner, product, audience, str(r["name"])) for r in rows]
    texts = [str(r["description"]) for r in rows]
    metas = [{"owner": owner.key, "product": product, "audience": audience, "name": str(r["name"]), "share": float(r["share"])} for r in rows]  # type: ignore[arg-type]
    upsert_texts(get_collection(settings, PERSONAS), ids, texts, metas)
    return ids


def search_archetypes(settings: Settings, owner: Owner, text: str, k: int = 5, product: str | None = None) -> list[VectorHit]:
    """`owner`'s stored archetypes nearest to `text` (every tenant's in admin scope)."""
    from memory.vectors import PERSONAS, get_collection, query_texts

    clauses = ([] if owner.admin else [{"owner": owner.key}]) + ([{"product": product}] if product else [])
    where = None if not clauses else clauses[0] if len(clauses) == 1 else {"$and": clauses}
    return query_texts(get_collection(settings, PERSONAS), text, k, where=where)


def export_archetypes(out_dir: Path, stem: str, rows: list[dict[str, object]]) -> list[Path]:
    """`stem`.csv, .json and .parquet in `out_dir` (the owner's exports). The CSV and Parquet are flat
    tables: list fields are joined with "; " and dict fields written as JSON text; the JSON keeps both."""
    out_dir.mkdir(parents=True, exist_ok=True)
    base = out_dir / stem
    flat = pd.DataFrame([{k: _flat(v) for k, v in r.items()} for r in rows])
    csv, js, pq = base.with_suffix(".csv"), base.with_suffix(".json"), base.with_suffix(".parquet")
    flat.to_csv(csv, index=False)
    js.write_text(json.dumps(rows, indent=2, default=str), encoding="utf-8")
    flat.to_parquet(pq, index=False)
    return [csv, js, pq]


def _flat(value: object) -> object:
    if isinstance(value, list):
        return "; ".join(map(str, value))
    if isinstance(value, dict):
        return json.dumps(value)
    return value
