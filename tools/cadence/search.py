"""`search_products`' retrieval: BM25 over the catalog titles and Chroma vector search, fused by
reciprocal rank fusion (`engines.cadence.search`), filtered, then reranked by the user's profile.

Before the first build finishes there is no stored catalog and no product vectors: the catalog is
then read straight from the data dir and searched by BM25 alone (`Catalog.built` is False), so the
tool answers on a fresh install. The catalog is cached per process and re-read when a build (in any
process) writes a new index, whose header names the vector collection of that build."""
from __future__ import annotations

import threading

import numpy as np
from pydantic import BaseModel, Field

from engines.cadence.personalize import Profile, rescore
from engines.cadence.search import BM25, rrf
from memory.artifacts import files_fingerprint
from memory.cadence_store import CADENCE_INPUTS, read_meta
from memory.catalog import SOURCE_CURRENCY, load_products, read_catalog
from memory.tables import CatalogProduct
from tools.base import ToolContext, ToolError

POOL = 100  # candidates each ranking contributes before fusion


class ProductHit(BaseModel):
    item_id: str
    title: str
    source: str
    category_path: str
    price: float | None
    currency: str | None = Field(default=None, description="ISO code of the price; None where the source does not say (an imported catalog).")
    score: float
    lexical_rank: int | None
    vector_rank: int | None


class SearchData(BaseModel):
    query: str
    results: list[ProductHit]
    personalised: bool
    coverage: float | None = Field(default=None, description="Share of the query's words the best title holds (engines/cadence/coverage.py); below 0.5 the results are only the closest things.")


class Catalog:
    def __init__(self, products: list[CatalogProduct], collection: str | None):
        self.products = products
        self.collection = collection  # the Chroma collection of these products' vectors; None before a build
        self.position = {p.item_id: i for i, p in enumerate(products)}
        self.bm25 = BM25([p.title for p in products])
        self.paths = [p.category_path.lower() for p in products]
        self.prices = np.array([np.nan if p.price is None else p.price for p in products])


    @property
    def built(self) -> bool:
        return self.collection is not None


_CACHE: dict[str, tuple[str, Catalog]] = {}
_LOCK = threading.Lock()


def _raw_products(ctx: ToolContext) -> list[CatalogProduct]:
    """The catalog files as unsaved rows (no phrase, no pseudo-category): what BM25 needs."""
    return [CatalogProduct(item_id=r.item_id, source=r.source, title=r.title, phrase="", category_path=" > ".join(r.category_path)[:500], pseudo_category=-1, price=r.price)
            for r in read_catalog(ctx.settings.data_dir)]


def catalog(ctx: ToolContext) -> Catalog:
    """The stored catalog with its BM25 index once a build has written one, else the catalog files
    read directly; built once per process and again after a build writes a new index."""
    meta = read_meta(ctx.settings)
    if meta is not None:
        stamp = f"built:{meta.fingerprint}:{meta.built_at}"
    else:
        stamp = "raw:" + files_fingerprint(ctx.settings.data_dir / f for f in CADENCE_INPUTS)
    key = ctx.settings.sql_url
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is None or hit[0] != stamp:
            ctx.report(0.1, "loading the product catalog" if meta is not None else "reading the catalog files (the search index is not built yet)")
            products = load_products(ctx.settings) if meta is not None else _raw_products(ctx)
            if not products:
                raise ToolError("not_available", f"No product catalog is in the data dir ({ctx.settings.data_dir}): get one with `caeser data fetch flipkart amazon_toys`.")
            hit = _CACHE[key] = (stamp, Catalog(products, meta.products_collection if meta is not None else None))
            _NEIGHBOURS.clear()
        return hit[1]


def reset_catalog_cache() -> None:
    with _LOCK:
        _CACHE.clear()
        _NEIGHBOURS.clear()


_NEIGHBOURS: dict[tuple[str, str], list[str]] = {}
N_NEIGHBOURS = 3


def neighbours(ctx: ToolContext, product: CatalogProduct) -> list[str]:
    """Ids of the product's nearest catalog neighbours in embedding space (Chroma), cached per
    process until the next build: each product costs one vector query."""
    from memory.vectors import EmbeddingModelChanged, get_collection, query_texts  # chromadb: only once a catalog is built

    key = (ctx.settings.sql_url, product.item_id)
    if key not in _NEIGHBOURS:
        cat = catalog(ctx)
        if not cat.built:
            return []  # no vectors yet: personalise from the product alone
        try:
            hits = query_texts(get_collection(ctx.settings, cat.collection), product.title, N_NEIGHBOURS + 1)
        except EmbeddingModelChanged:
            hits = []  # stale vectors: personalise from the product alone until the next build
        _NEIGHBOURS[key] = [h.id for h in hits if h.id != product.item_id][:N_NEIGHBOURS]
    return _NEIGHBOURS[key]


def _mask(cat: Catalog, category: str | None, min_price: float | None, max_price: float | None) -> np.ndarray:
    mask = np.ones(len(cat.products), dtype=bool)
    if category:
        wanted = category.lower().strip()
        mask &= np.array([wanted in path for path in cat.paths])
        if not mask.any():
            tops = sorted({p.split(" > ")[0] for p in (q.category_path for q in cat.products) if p})
            raise ToolError("invalid_argument", f"No product is in a category matching {category!r}.", field="filters.category", options=tops)
    with np.errstate(invalid="ignore"):
        if min_price is not None:
            mask &= cat.prices >= min_price
        if max_price is not None:
            mask &= cat.prices <= max_price
    return mask


def search_catalog(ctx: ToolContext, query: str, k: int, category: str | None, min_price: float | None, max_price: float | None, profile: Profile) -> tuple[SearchData, str]:
    if not query:
        raise ToolError("invalid_argument", "The query is blank.", field="query")
    from tools.cadence.own_catalog import own_catalog  # beside this module's Catalog, which it builds on

    own = own_catalog(ctx)  # the owner's imported catalog comes first: their shop, not the sample catalogs
    cat = own.catalog if own else catalog(ctx)
    from memory.vectors import EmbeddingModelChanged, get_collection, query_texts  # chromadb: only once a catalog is built

    mask = _mask(cat, category, min_price, max_price)
    lexical = cat.bm25.top(query, POOL, mask)
    vector: list[int] = []
    if cat.built:
        try:
            hits = query_texts(get_collection(ctx.settings, cat.collection), query, POOL * 3)
        except EmbeddingModelChanged:
            raise ToolError("not_available", "The product vectors were made with another embedding model: run `caeser build` to re-embed the catalog.") from None
        vector = [i for i in (cat.position.get(h.id) for h in hits) if i is not None and mask[i]][:POOL]
    fused = rrf([lexical, vector])
    lex_rank = {d: r for r, d in enumerate(lexical, start=1)}
    vec_rank = {d: r for r, d in enumerate(vector, start=1)}
    items = [(cat.products[d].phrase or cat.products[d].title.lower(), s, cat.products[d].pseudo_category) for d, s in fused]
    scores = rescore(items, profile)
    results = []
    for j in sorted(range(len(fused)), key=lambda j: -scores[j])[:k]:
        d, score = fused[j][0], scores[j]
        p = cat.products[d]
        results.append(ProductHit(item_id=p.item_id, title=p.title, source=p.source, category_path=p.category_path, price=p.price, currency=SOURCE_CURRENCY.get(p.source), score=round(score, 6), lexical_rank=lex_rank.get(d), vector_rank=vec_rank.get(d)))
    data = SearchData(query=query, results=results, personalised=not profile.empty)
    if own:
        return data, f"{own.label[0].upper()}{own.label[1:]}: BM25 over the titles (imported products are not embedded)"
    how = "BM25 + Chroma vectors, reciprocal rank fusion" if cat.built else "BM25 alone over the catalog files (no product vectors until the build finishes)"
    return data, f"catalog of {len(cat.products):,} products (Flipkart, Amazon UK, Online Retail): {how}"
