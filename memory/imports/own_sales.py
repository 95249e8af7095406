"""The owner's imported sales as the forecast reads them: which products, over which days, and
their daily units summed across every sales import of the owner (a later file extends the history).

WHY a view of its own rather than rows in the shared sales tables: the Online Retail product table
is keyed by stock code for everyone, and an owner's `SKU 1001` must neither collide with a sample
code nor ever be seen by another tenant.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
import pandas as pd

from memory.imports import store
from memory.owner import Owner
from memory.sales import SalesSpan
from memory.settings import Settings


@dataclass(frozen=True)
class OwnProduct:
    sku: str
    title: str
    units: float


@dataclass(frozen=True)
class OwnSales:
    ids: list[int]
    names: list[str]
    span: SalesSpan
    products: list[OwnProduct]  # best seller first
    currencies: list[str]

    @property
    def label(self) -> str:
        """How answers name the data: "your sales import 'shop orders' (6 Jan 2025–25 May 2025)"."""
        names = ", ".join(f"'{n}'" for n in self.names)
        plural = "s" if len(self.names) > 1 else ""
        return f"your sales import{plural} {names} ({self.span.first_day:%d %b %Y}–{self.span.last_day:%d %b %Y})"

    def daily_totals(self, settings: Settings, skus: list[str], countries: list[str] | None = None) -> pd.DataFrame:
        return store.daily_units(settings, self.ids, skus, countries)

    def countries(self, settings: Settings) -> list[str]:
        return [c for c in store.sales_countries(settings, self.ids) if c]

    def by_sku(self, text: str) -> OwnProduct | None:
        wanted = text.strip().lower()
        return next((p for p in self.products if p.sku.lower() == wanted), None)

    def matching(self, words: str) -> list[OwnProduct]:
        """Products whose SKU is `words`, else whose title has every word at a word start (a plural's
        final s dropped), best seller first — the rule the sample data's product lookup uses."""
        exact = self.by_sku(words)
        if exact:
            return [exact]
        stems = [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in re.findall(r"[\w'-]+", words.lower())]
        patterns = [re.compile(rf"(?<![a-z0-9]){re.escape(s)}") for s in stems]
        return [p for p in self.products if patterns and all(q.search(p.title.lower()) for q in patterns)]


def own_sales(settings: Settings, owner: Owner) -> OwnSales | None:
    """The owner's sales imports as one view, or None when the owner has imported none."""
    mine = [d for d in store.datasets(settings, owner, "sales") if d.owner == owner.key and d.first_day]
    if not mine:
        return None
    ids = [d.id for d in mine]
    units: dict[str, float] = {}
    titles: dict[str, str] = {}
    for _, sku, data in store.records(settings, ids):
        units[sku] = units.get(sku, 0.0) + float(data.get("units") or 0.0)
        titles[sku] = data.get("title") or titles.get(sku, "")
    products = sorted((OwnProduct(sku, titles[sku], units[sku]) for sku in units), key=lambda p: (-p.units, p.sku))
    span = SalesSpan(min(d.first_day for d in mine), max(d.last_day for d in mine if d.last_day))
    return OwnSales(ids, [d.name for d in mine], span, products, sorted({c for d in mine for c in d.currencies}))
