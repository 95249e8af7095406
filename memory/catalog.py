"""The product catalog in SQL: Flipkart, Amazon UK toys and the Online Retail stock descriptions,
read through `memory.datadir` and stored as `CatalogProduct` rows (id, title, category path, price)."""
from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
from pydantic import BaseModel
from sqlmodel import delete, select

from memory.datadir import DataFileMissing, load_amazon_toys, load_flipkart, load_online_retail_daily
from memory.db import session_scope
from memory.settings import Settings
from memory.tables import CatalogProduct

log = logging.getLogger(__name__)
#: the currency each shared source prices in (Amazon UK lists pounds; Online Retail is a UK shop);
#: Flipkart's rows carry no price
SOURCE_CURRENCY = {"amazon_uk": "GBP", "online_retail": "GBP"}


class ProductRecord(BaseModel):
    item_id: str
    source: str
    title: str
    category_path: list[str] = []
    price: float | None = None


def read_catalog(data_dir: Path) -> list[ProductRecord]:
    """Every product with a title; ids are prefixed by source (`fk:`, `az:`, `or:`) so they never
    collide. A missing source file is skipped with a warning: the others still make a catalog."""
    out: list[ProductRecord] = []
    for reader in (_flipkart, _amazon, _online_retail):
        try:
            out.extend(reader(data_dir))
        except DataFileMissing as exc:
            log.warning("%s", exc)
    return out


def _flipkart(data_dir: Path) -> list[ProductRecord]:
    return [ProductRecord(item_id=f"fk:{row.uniq_id}", source="flipkart", title=row.product_name.strip(), category_path=list(row.category_path))
            for row in load_flipkart(data_dir).itertuples() if isinstance(row.product_name, str) and row.product_name.strip()]


def _amazon(data_dir: Path) -> list[ProductRecord]:
    out = []
    for row in load_amazon_toys(data_dir).itertuples():
        if isinstance(row.product_name, str) and row.product_name.strip():
            path = [p.strip() for p in str(row.amazon_category_and_sub_category).split(">")] if isinstance(row.amazon_category_and_sub_category, str) else []
            price = None if pd.isna(row.price) else float(row.price)
            out.append(ProductRecord(item_id=f"az:{row.uniq_id}", source="amazon_uk", title=row.product_name.strip(), category_path=path, price=price))
    return out


def _online_retail(data_dir: Path) -> list[ProductRecord]:
    """Each stock code's description and its price: revenue over units across the days it sold
    (returns left out), the average unit price it was sold at, in pounds."""
    daily = load_online_retail_daily(data_dir)
    if "revenue" in daily:
        sold = daily.loc[(daily["quantity"] > 0) & (daily["revenue"] > 0)].groupby("stock_code")[["revenue", "quantity"]].sum()
        price = (sold["revenue"] / sold["quantity"]).round(2)
    else:  # a sales file without revenue (an optional column) prices nothing
        price = pd.Series(dtype=float)
    retail = daily[["stock_code", "description"]].dropna().drop_duplicates("stock_code")
    return [ProductRecord(item_id=f"or:{code}", source="online_retail", title=desc.strip(), price=float(price[code]) if code in price.index else None)
            for code, desc in retail.itertuples(index=False) if desc.strip()]


def save_products(settings: Settings, records: list[ProductRecord], phrases: list[str], categories: list[int]) -> int:
    """Replace the stored rows of these sources in one transaction: a failed load leaves the old catalog."""
    sources = sorted({r.source for r in records})
    with session_scope(settings) as session:
        session.exec(delete(CatalogProduct).where(CatalogProduct.source.in_(sources)))
        session.add_all(
            CatalogProduct(item_id=r.item_id, source=r.source, title=r.title, phrase=ph[:300], category_path=" > ".join(r.category_path)[:500], pseudo_category=c, price=r.price)
            for r, ph, c in zip(records, phrases, categories)
        )
    return len(records)


def load_products(settings: Settings) -> list[CatalogProduct]:
    with session_scope(settings) as session:
        return list(session.exec(select(CatalogProduct).order_by(CatalogProduct.item_id)))


def get_product(settings: Settings, item_id: str) -> CatalogProduct | None:
    with session_scope(settings) as session:
        return session.get(CatalogProduct, item_id)


def get_products(settings: Settings, item_ids: list[str]) -> dict[str, CatalogProduct]:
    if not item_ids:
        return {}
    with session_scope(settings) as session:
        rows = session.exec(select(CatalogProduct).where(CatalogProduct.item_id.in_(sorted(set(item_ids)))))
        return {r.item_id: r for r in rows}
