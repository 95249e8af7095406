"""`caeser build` step "cadence": the offline half of CADENCE, end to end.

1. Catalog: Flipkart, Amazon UK toys and Online Retail descriptions → cleaned titles → query-like
   phrases (extractive summarisation on token self-information) → SQL and the Chroma `products`
   collection (embedded once; the vectors are read back for clustering).
2. Pseudo-categories: HDBSCAN over the title embeddings; NMI/ARI against the Flipkart tree printed.
3. Two character LMs sharing one vocabulary: the query LM on the shipped query logs (WANDS, ESCI and
   TREC 2005 — never AOL, which is research-only and serves the eval alone) and the catalog LM on
   the phrases, conditioned on their pseudo-category. Saved as safetensors.
4. Generation per category: seeds are the category's most frequent first words; the mixture
   0.7 · catalog LM (category c) + 0.3 · query LM completes them with a beam whose width grows with
   the category (dynamic beam: 4 + size/500, at most 12) and a quota ∝ category size; n-gram
   blocking and deduplication. The share of generated queries whose best BM25 product lies in the
   constraining category is printed.
5. The prefix index. Weights: retail-log queries (WANDS, ESCI) 1 + ln(1 + count), always above
   generated ones, exp(per-character log-probability) ∈ (0, 1); TREC 2005 queries are web-search
   queries, not shopping ones, so they get 0.5 · ln(1 + count) = 0.35 (their ids are not counts):
   they fill gaps but rank below any generated catalog query with per-character log-probability
   above ln 0.35 ≈ −1.05.
"""
from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timezone

import numpy as np
import torch
from chromadb.api.models.Collection import Collection
from pydantic import BaseModel, Field

from engines.cadence.categories import agreement, name_clusters, pseudo_categories
from engines.cadence.generate import Component, generate_for_category
from engines.cadence.index import Entry
from engines.cadence.lm import CadenceLM, LMConfig, TrainConfig, train_lm
from engines.cadence.search import BM25
from engines.cadence.text import clean_title, document_frequency, normalize_query, summarize_title
from engines.cadence.vocab import CharVocab
from memory.cadence_store import IndexMeta, cadence_dir, save_index, save_lm
from memory.catalog import ProductRecord, read_catalog, save_products
from memory.datadir import load_esci_queries, load_trec05_queries, load_wands_queries
from memory.settings import Settings
from memory.vectors import EmbeddingModelChanged, get_collection, upsert_texts
from tools.base import ToolContext
from tools.builders import build_step
from tools.cadence_search import reset_catalog_cache

CATALOG_WEIGHT = 0.7


class BuildConfig(BaseModel):
    hidden: int = 192
    max_steps: int = 1500
    epochs: int = 6
    min_word_count: int = Field(default=5, description="A generated word must occur this often in the catalog phrases and retail queries (drops cut-off words such as 'compa').")
    generated_total: int = 20_000
    seeds_per_category: int = 12
    seed: int = 0


def shipped_queries(settings: Settings) -> tuple[list[str], list[str]]:
    """(retail queries, web queries): the logs the product may learn from; AOL is deliberately absent."""
    d = settings.data_dir

    def clean(raw) -> list[str]:
        return [q for q in (normalize_query(str(x)) for x in raw) if q]

    return clean(list(load_wands_queries(d)["query"]) + list(load_esci_queries(d)["query"])), clean(load_trec05_queries(d)["query"])


def index_entries(retail: list[str], web: list[str], generated: dict[str, tuple[float, int]]) -> dict[str, Entry]:
    """The weights of the module docstring; a text in several sources keeps its highest weight."""
    entries = {t: Entry(math.exp(s), "generated", c) for t, (s, c) in generated.items()}
    for q, n in Counter(web).items():
        if q not in entries or entries[q].weight < 0.5 * math.log1p(n):
            entries[q] = Entry(0.5 * math.log1p(n), "log", entries[q].category if q in entries else -1)
    for q, n in Counter(retail).items():
        entries[q] = Entry(1.0 + math.log1p(n), "log", entries[q].category if q in entries else -1)
    return entries


def summarize_catalog(records: list[ProductRecord]) -> list[str]:
    cleaned = [clean_title(r.title) for r in records]
    df = document_frequency(cleaned)
    return [summarize_title(t, df, len(cleaned)) or t for t in cleaned]


def read_back(collection: Collection, ids: list[str], include: list[str], batch: int = 2000) -> dict[str, list]:
    """`collection.get` in batches (one call with ~35k ids exceeds SQLite's variable limit)."""
    out: dict[str, list] = {"ids": [], **{k: [] for k in include}}
    for start in range(0, len(ids), batch):
        got = collection.get(ids=ids[start : start + batch], include=include)
        out["ids"].extend(got["ids"])
        for k in include:
            out[k].extend(got[k])
    return out


def embed_catalog(settings: Settings, records: list[ProductRecord]) -> np.ndarray:
    """The title vectors from Chroma `products`: reused when the collection already holds exactly
    these ids and titles (embedding ~35k titles is the slowest part of the build), otherwise the
    collection is rebuilt and the vectors read back — one embedding pass either way. A changed
    embedding model makes `get_collection` refuse the old collection, and it is rebuilt."""
    ids = [r.item_id for r in records]
    titles = [r.title for r in records]
    try:
        collection = get_collection(settings, "products")
        stored = read_back(collection, ids, ["documents", "embeddings"]) if collection.count() == len(ids) else None
    except EmbeddingModelChanged:
        stored = None
    if stored is None or dict(zip(stored["ids"], stored["documents"])) != dict(zip(ids, titles)):
        collection = get_collection(settings, "products", recreate=True)
        upsert_texts(collection, ids, titles, [{"source": r.source, "category": (r.category_path or [""])[0], "price": r.price} for r in records])
        stored = read_back(collection, ids, ["embeddings"])
    by_id = dict(zip(stored["ids"], stored["embeddings"]))
    return np.asarray([by_id[i] for i in ids], dtype=np.float32)


def generate(records_phrases: list[str], labels: list[int], query_lm: CadenceLM, catalog_lm: CadenceLM, vocab: CharVocab, known_words: set[str], cfg: BuildConfig) -> dict[str, tuple[float, int]]:
    """Generated text → (per-character log-probability, category), best category kept on collisions;
    every word of a generated query must be a known shopping word of 3+ characters
    (`min_word_count` occurrences in the catalog phrases and retail queries): what a character LM
    emits when it stops mid-word ("co", "viha co") is dropped, at the price of "tv"-like words."""
    sizes = Counter(labels)
    out: dict[str, tuple[float, int]] = {}
    for c, size in sorted(sizes.items()):
        firsts = Counter(p.split()[0] for p, l in zip(records_phrases, labels) if l == c and p.split())
        seeds = [w + " " for w, _ in firsts.most_common(cfg.seeds_per_category)]
        quota = max(1, round(cfg.generated_total * size / len(labels)))
        beam = min(12, 4 + size // 500)
        comps = [Component(catalog_lm, CATALOG_WEIGHT, c + 1), Component(query_lm, 1 - CATALOG_WEIGHT, 0)]
        for text, score in generate_for_category(comps, vocab, seeds, quota, known_words=known_words, beam=beam, per_seed=max(4, quota // max(len(seeds), 1))):
            if score > out.get(text, (float("-inf"), -1))[0]:
                out[text] = (score, c)
    return out


def category_respect(generated: dict[str, tuple[float, int]], phrases: list[str], labels: list[int], sample: int = 1000) -> float:
    """Share of generated queries whose best BM25 product (over phrases) is in the constraining category."""
    bm25 = BM25(phrases)
    items = sorted(generated.items())[:: max(1, len(generated) // sample)]
    hits = [bm25.top(text, 1) for text, _ in items]
    judged = [(h[0], c) for h, (_, (_, c)) in zip(hits, items) if h]
    return float(np.mean([labels[d] == c for d, c in judged])) if judged else float("nan")


def run_build(settings: Settings, cfg: BuildConfig, log: Callable[[str], None] = print) -> str:
    torch.manual_seed(cfg.seed)
    started = time.perf_counter()
    records = read_catalog(settings.data_dir)
    phrases = summarize_catalog(records)
    vectors = embed_catalog(settings, records)
    log(f"cadence: {len(records):,} products embedded into Chroma `products` ({time.perf_counter() - started:.0f}s)")
    clustering = pseudo_categories(vectors)
    labels = clustering.labels
    names = name_clusters(phrases, labels)
    save_products(settings, records, phrases, labels)
    fk = [i for i, r in enumerate(records) if r.source == "flipkart" and r.category_path]
    nmi, ari = agreement([labels[i] for i in fk], [records[i].category_path[0] for i in fk])
    log(f"cadence: {clustering.n_clusters} pseudo-categories (noise {clustering.noise_share:.1%} reassigned); vs Flipkart top level NMI={nmi:.3f} ARI={ari:.3f} (n={len(fk):,})")

    retail, web = shipped_queries(settings)
    queries = retail + web
    vocab = CharVocab.build(queries + phrases)
    train = TrainConfig(epochs=cfg.epochs, max_steps=cfg.max_steps, seed=cfg.seed)
    query_lm = train_lm(list(dict.fromkeys(queries)), vocab, LMConfig(vocab_size=vocab.size, hidden=cfg.hidden), train)
    pairs = list(dict.fromkeys(zip(phrases, labels)))
    catalog_lm = train_lm([p for p, _ in pairs], vocab, LMConfig(vocab_size=vocab.size, hidden=cfg.hidden, n_categories=clustering.n_clusters + 1), train, categories=[c + 1 for _, c in pairs])
    save_lm(cadence_dir(settings) / "query_lm.safetensors", query_lm, vocab)
    save_lm(cadence_dir(settings) / "catalog_lm.safetensors", catalog_lm, vocab)
    log(f"cadence: query LM on {len(set(queries)):,} queries, catalog LM on {len(pairs):,} phrases ({time.perf_counter() - started:.0f}s)")

    word_counts = Counter(w for text in phrases + retail for w in text.split())
    known_words = {w for w, n in word_counts.items() if n >= cfg.min_word_count and len(w) >= 3}
    generated = generate(phrases, labels, query_lm, catalog_lm, vocab, known_words, cfg)
    respect = category_respect(generated, phrases, labels)
    entries = index_entries(retail, web, generated)
    n_log = sum(e.source == "log" for e in entries.values())
    meta = IndexMeta(categories=names, sources={"log": n_log, "generated": len(entries) - n_log}, built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    save_index(settings, entries, meta)
    reset_catalog_cache()
    return (f"{len(records):,} products; {clustering.n_clusters} pseudo-categories, NMI vs Flipkart tree {nmi:.3f} (ARI {ari:.3f}); "
            f"{len(generated):,} generated queries, {respect:.1%} land in their constraining category; "
            f"index of {len(entries):,} queries ({n_log:,} logged) in {time.perf_counter() - started:.0f}s")


@build_step("cadence", order=60)
def build_cadence(ctx: ToolContext) -> str:
    return run_build(ctx.settings, BuildConfig(), log=lambda m: print(m, flush=True))
