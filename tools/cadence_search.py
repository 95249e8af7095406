"""`search_products`' retrieval: BM25 over the catalog titles and Chroma vector search, fused by
reciprocal rank fusion (`engines.cadence.search`), filtered, then reranked by the user's profile."""
from __future__ import annotations

import threading

import numpy as np
from pydantic import BaseModel

from engines.cadence.personalize import Profile, rescore
from engines.cadence.search import BM25, rrf
from memory.catalog import load_products
from memory.tables import CatalogProduct
from tools.base import ToolContext, ToolError

POOL = 100  # candidates each ranking contributes before fusion


class ProductHit(BaseModel):
    item_id: str
    title: str
    source: str
    category_path: str
    price: float | None
    score: float
    lexical_rank: int | None
    vector_rank: int | None


class SearchData(BaseModel):
    query: str
    results: list[ProductHit]
    personalised: bool


class _Catalog:
    def __init__(self, products: list[CatalogProduct]):
        self.products = products
        self.position = {p.item_id: i for i, p in enumerate(products)}
        self.bm25 = BM25([p.title for p in products])
        self.paths = [p.category_path.lower() for p in products]
        self.prices = np.array([np.nan if p.price is None else p.price for p in products])


_CACHE: dict[str, _Catalog] = {}
_LOCK = threading.Lock()


def catalog(ctx: ToolContext) -> _Catalog:
    """The stored catalog with its BM25 index, built once per process (reset by `caeser build`)."""
    key = ctx.settings.sql_url
    with _LOCK:
        if key not in _CACHE:
            products = load_products(ctx.settings)
            if not products:
                raise ToolError("not_available", "The product catalog has not been loaded yet: run `caeser build` first.")
            _CACHE[key] = _Catalog(products)
        return _CACHE[key]


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
        try:
            hits = query_texts(get_collection(ctx.settings, "products"), product.title, N_NEIGHBOURS + 1)
        except EmbeddingModelChanged:
            hits = []  # stale vectors: personalise from the product alone until the next build
        _NEIGHBOURS[key] = [h.id for h in hits if h.id != product.item_id][:N_NEIGHBOURS]
    return _NEIGHBOURS[key]


def _mask(cat: _Catalog, category: str | None, min_price: float | None, max_price: float | None) -> np.ndarray:
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
    cat = catalog(ctx)
    from memory.vectors import EmbeddingModelChanged, get_collection, query_texts  # chromadb: only once a catalog is built

    mask = _mask(cat, category, min_price, max_price)
    lexical = cat.bm25.top(query, POOL, mask)
    try:
        hits = query_texts(get_collection(ctx.settings, "products"), query, POOL * 3)
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
        results.append(ProductHit(item_id=p.item_id, title=p.title, source=p.source, category_path=p.category_path, price=p.price, score=round(score, 6), lexical_rank=lex_rank.get(d), vector_rank=vec_rank.get(d)))
    return SearchData(query=query, results=results, personalised=not profile.empty), f"catalog of {len(cat.products):,} products (Flipkart, Amazon UK, Online Retail): BM25 + Chroma vectors, reciprocal rank fusion"
