"""The owner's imported catalog as `search_products` and `suggest_queries` read it.

WHY separate from the CADENCE build: that build embeds and indexes the shared catalogs and takes
minutes; an owner's import must be searchable at once. So the owner's products get their own
small indexes — BM25 over the titles and a prefix index of the queries their titles summarise to
(the extractive catalog queries of `memory.build.cadence_index`) — made from the owner's rows alone (about
a second for 10,000 products), in this process, the first time they are asked for after an
import; the shared index is never rebuilt for it. Imported products have no vectors: search is
BM25 alone, and says so.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

from engines.cadence.index import PrefixIndex
from engines.cadence.suggest import Suggester
from memory.build.cadence_index import catalog_queries, index_entries, summarize_catalog
from memory.imports import store
from memory.tables import CatalogProduct
from tools.base import ToolContext
from tools.cadence.search import Catalog


@dataclass(frozen=True)
class OwnCatalog:
    names: list[str]
    catalog: Catalog
    index: PrefixIndex
    suggester: Suggester

    @property
    def label(self) -> str:
        names = ", ".join(f"'{n}'" for n in self.names)
        return f"your catalog import{'s' if len(self.names) > 1 else ''} {names} ({len(self.catalog.products):,} products)"


_CACHE: dict[tuple[str, str], tuple[tuple, OwnCatalog]] = {}
_LOCK = threading.Lock()


def _build(settings, mine: list[store.DatasetInfo]) -> OwnCatalog:  # noqa: ANN001 - Settings
    names = {d.id: d.name for d in mine}
    rows = store.records(settings, list(names))
    titles = [data.get("title") or key for _, key, data in rows]
    phrases = summarize_catalog(titles)
    products = [CatalogProduct(item_id=key, source=f"import:{names[ds]}", title=title, phrase=phrase[:300], category_path=(data.get("category") or "")[:500],
                               pseudo_category=-1, price=data.get("price")) for (ds, key, data), title, phrase in zip(rows, titles, phrases)]
    index = PrefixIndex(index_entries([], [], catalog_queries(phrases, [-1] * len(phrases))))
    return OwnCatalog([d.name for d in mine], Catalog(products, None), index, Suggester(index))


def own_catalog(ctx: ToolContext) -> OwnCatalog | None:
    """The owner's imported catalog (every catalog import of theirs together), or None without one."""
    mine = [d for d in store.datasets(ctx.settings, ctx.owner, "catalog") if d.owner == ctx.owner.key and d.rows]
    if not mine:
        return None
    stamp = tuple((d.id, d.rows, d.updated_at) for d in mine)
    key = (ctx.settings.sql_url, ctx.owner.key)
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None or hit[0] != stamp:
            ctx.report(0.1, "indexing your imported catalog")
            hit = _CACHE[key] = (stamp, _build(ctx.settings, mine))
        return hit[1]
