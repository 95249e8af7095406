"""The CADENCE build: step "cadence" (default, a few minutes) and step "cadence-generator" (optional,
the neural query generator, heavier; `caeser build --only cadence-generator`).

Step "cadence":
1. Catalog: Flipkart, Amazon UK toys and Online Retail descriptions → cleaned titles → query-like
   phrases (extractive summarisation on token self-information).
2. Vectors: each distinct title embedded once (two workers), stored in the Chroma collection
   `products-<fingerprint>`. Titles already there under the same id are not embedded again, so a
   killed build resumes where it stopped and a rebuild on unchanged data embeds nothing.
3. Pseudo-categories: HDBSCAN over the title vectors; NMI/ARI against the Flipkart tree reported.
4. The prefix index (`memory.build.cadence_index` weights): logged WANDS/ESCI/TREC queries, catalog queries
   extracted from the phrases, and the neural generator's queries when that step has run on the
   same data. Products (SQL), the index and its header (fingerprint, vector collection) are written
   last, each atomically, so until then every tool keeps answering from the previous build.

Step "cadence-generator" (CADENCE's offline half): two character LMs sharing one vocabulary — the
query LM on the shipped logs (never AOL, research-only) and the catalog LM on the phrases,
conditioned on their pseudo-category — then generation per category: seeds are the category's most
frequent first words; the mixture 0.7 · catalog LM (category c) + 0.3 · query LM completes them with a
beam whose width grows with the category (4 + size/500, ≤ 12) and a quota ∝ category size; n-gram
blocking and known-word filtering. The LMs are saved with the fingerprint of what they were trained
on and reused when it matches; the generated queries are saved beside the index and merged into it.
Its gain is measured by `caeser eval autosuggest --index`.
"""
from __future__ import annotations

import gzip
import json
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone

import numpy as np
from pydantic import BaseModel, Field
from threadpoolctl import threadpool_limits

from engines.cadence.categories import agreement, name_clusters, pseudo_categories
from engines.cadence.search import BM25
from memory.artifacts import fingerprint
from memory.build.cadence_index import catalog_queries, index_entries, shipped_queries, summarize_catalog
from memory.cadence_store import IndexMeta, cadence_dir, inputs_fingerprint, read_meta, save_index
from memory.catalog import ProductRecord, load_products, read_catalog, save_products
from memory.embeddings import embed_texts
from memory.settings import Settings

CATALOG_WEIGHT = 0.7
EMBED_CHUNK = 512  # titles per embedding call: one progress report each
READ_BATCH = 2000  # ids per Chroma `get` (one call with ~35k ids exceeds SQLite's variable limit)
Report = Callable[[float, str], None]


class GeneratorConfig(BaseModel):
    hidden: int = 192
    max_steps: int = 1500
    epochs: int = 6
    min_word_count: int = Field(default=5, description="A generated word must occur this often in the catalog phrases and retail queries (drops cut-off words such as 'compa').")
    generated_total: int = 20_000
    seeds_per_category: int = 12
    seed: int = 0


def _stored_documents(collection, ids: set[str]) -> dict[str, str]:
    """id → title of what the collection already holds (paged, to stay under SQLite's limits)."""
    out: dict[str, str] = {}
    total = collection.count()
    for offset in range(0, total, READ_BATCH):
        got = collection.get(limit=READ_BATCH, offset=offset, include=["documents"])
        out.update(zip(got["ids"], got["documents"]))
    return out


def _read_vectors(collection, ids: list[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(ids), READ_BATCH):
        got = collection.get(ids=ids[start:start + READ_BATCH], include=["embeddings"])
        out.update(zip(got["ids"], np.asarray(got["embeddings"], dtype=np.float32)))
    return out


def embed_catalog(settings: Settings, records: list[ProductRecord], name: str = "products", report: Report | None = None) -> np.ndarray:
    """The title vectors, one row per record, from the Chroma collection `name`: records whose id is
    stored with the same title are read back; the rest are embedded (each distinct title once, in
    chunks spread over two workers) and upserted chunk by chunk, so an interrupted run loses at most
    a chunk. Ids no longer in the catalog are deleted. A collection made by another embedding model
    is rebuilt."""
    from memory.vectors import EmbeddingModelChanged, get_collection, upsert_texts

    try:
        collection = get_collection(settings, name)
    except EmbeddingModelChanged:
        collection = get_collection(settings, name, recreate=True)
    wanted = {r.item_id: r.title for r in records}
    stored = _stored_documents(collection, set(wanted))
    gone = [i for i in stored if i not in wanted]
    for start in range(0, len(gone), READ_BATCH):
        collection.delete(ids=gone[start:start + READ_BATCH])
    todo = [r for r in records if stored.get(r.item_id) != r.title]
    titles = list(dict.fromkeys(r.title for r in todo))
    by_title: dict[str, list[ProductRecord]] = {}
    for r in todo:
        by_title.setdefault(r.title, []).append(r)
    vectors: dict[str, np.ndarray] = {}
    chunks = [titles[i:i + EMBED_CHUNK] for i in range(0, len(titles), EMBED_CHUNK)]
    done = 0
    # One BLAS thread per worker for the whole pool: each encode sets and restores the limit on its
    # own, and a worker restoring it mid-way through the other's products would change their
    # summation order (vectors, hence clusters, would vary from run to run).
    with threadpool_limits(limits=1, user_api="blas"), ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        for chunk, rows in zip(chunks, pool.map(lambda c: embed_texts(settings, c), chunks)):
            batch = [(r, row) for title, row in zip(chunk, rows) for r in by_title[title]]
            upsert_texts(collection, [r.item_id for r, _ in batch], [r.title for r, _ in batch],
                         [{"source": r.source, "category": (r.category_path or [""])[0], "price": r.price} for r, _ in batch],
                         embeddings=np.stack([row for _, row in batch]))
            vectors.update((r.item_id, row) for r, row in batch)
            done += len(chunk)
            if report is not None:
                report(done / len(titles), f"embedded {done:,} of {len(titles):,} new titles")
    vectors.update(_read_vectors(collection, [r.item_id for r in records if r.item_id not in vectors]))
    return np.stack([vectors[r.item_id] for r in records]) if records else np.zeros((0, 1), dtype=np.float32)


def _drop_other_collections(settings: Settings, keep: str) -> None:
    """Earlier builds' product collections (and the pre-fingerprint `products`), once the new one is in use."""
    from memory.vectors import get_chroma_client

    client = get_chroma_client(settings)
    for c in client.list_collections():
        if c.name != keep and (c.name == "products" or c.name.startswith("products-")):
            client.delete_collection(c.name)


def generated_path(settings: Settings):
    return cadence_dir(settings) / "generated.jsonl.gz"


def load_generated(settings: Settings, key: str) -> dict[str, tuple[float, int]]:
    """The neural generator's queries for data fingerprint `key` ({} when absent or made from other data)."""
    path = generated_path(settings)
    if not path.is_file():
        return {}
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        if json.loads(fh.readline()).get("fingerprint") != key:
            return {}
        return {t: (s, c) for t, s, c in map(json.loads, fh)}


def save_generated(settings: Settings, key: str, generated: dict[str, tuple[float, int]]) -> None:
    path = generated_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with gzip.open(tmp, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"fingerprint": key}) + "\n")
        for text, (score, cat) in generated.items():
            fh.write(json.dumps([text, score, cat]) + "\n")
    tmp.replace(path)


def assemble_index(settings: Settings, phrases: list[str], labels: list[int], names: dict[int, str], key: str, collection: str) -> tuple[int, int, int]:
    """Write the index from the logs, the catalog queries and any neural queries for `key`;
    (entries, logged, neural) counts."""
    retail, web = shipped_queries(settings)
    generated = catalog_queries(phrases, labels)
    neural = load_generated(settings, key)
    for text, (score, cat) in neural.items():
        if score > generated.get(text, (float("-inf"), -1))[0]:
            generated[text] = (score, cat)
    entries = index_entries(retail, web, generated)
    n_log = sum(e.source == "log" for e in entries.values())
    meta = IndexMeta(categories=names, sources={"log": n_log, "generated": len(entries) - n_log}, built_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
                     fingerprint=key, products_collection=collection, generator="catalog phrases" + (" + neural LM" if neural else ""))
    save_index(settings, entries, meta)
    return len(entries), n_log, len(neural)


def run_build(settings: Settings, report: Report) -> str:
    """Step "cadence" (module docstring); `report(fraction, message)` drives the progress bars."""
    started = time.perf_counter()
    key = inputs_fingerprint(settings)
    report(0.0, "reading the catalog")
    records = read_catalog(settings.data_dir)
    phrases = summarize_catalog([r.title for r in records])
    report(0.05, "embedding product titles")
    collection = f"products-{key[:12]}"
    vectors = embed_catalog(settings, records, collection, lambda f, m: report(0.05 + 0.8 * f, m))
    report(0.85, "clustering products into pseudo-categories")
    clustering = pseudo_categories(vectors)
    labels = clustering.labels
    names = name_clusters(phrases, labels)
    fk = [i for i, r in enumerate(records) if r.source == "flipkart" and r.category_path]
    nmi, ari = agreement([labels[i] for i in fk], [records[i].category_path[0] for i in fk]) if fk else (float("nan"), float("nan"))
    report(0.92, "writing the catalog and the index")
    save_products(settings, records, phrases, labels)
    n_entries, n_log, n_neural = assemble_index(settings, phrases, labels, names, key, collection)
    _drop_other_collections(settings, collection)
    report(1.0, "done")
    neural = f"{n_neural:,} from the neural generator" if n_neural else "the optional step cadence-generator adds neural ones"
    return (f"{len(records):,} products; {clustering.n_clusters} pseudo-categories, NMI vs Flipkart tree {nmi:.3f} (ARI {ari:.3f}); "
            f"index of {n_entries:,} queries ({n_log:,} logged; {neural}) in {time.perf_counter() - started:.0f}s")


def generate(phrases: list[str], labels: list[int], query_lm, catalog_lm, vocab, known_words: set[str], cfg: GeneratorConfig, report: Report) -> dict[str, tuple[float, int]]:
    """Generated text → (per-character log-probability, category), best category kept on collisions;
    every word of a generated query must be a known shopping word of 3+ characters
    (`min_word_count` occurrences in the catalog phrases and retail queries): what a character LM
    emits when it stops mid-word ("co", "viha co") is dropped, at the price of "tv"-like words."""
    from engines.cadence.generate import Component, generate_for_category

    sizes = Counter(labels)
    out: dict[str, tuple[float, int]] = {}
    for n, (c, size) in enumerate(sorted(sizes.items())):
        firsts = Counter(p.split()[0] for p, l in zip(phrases, labels) if l == c and p.split())
        seeds = [w + " " for w, _ in firsts.most_common(cfg.seeds_per_category)]
        quota = max(1, round(cfg.generated_total * size / len(labels)))
        beam = min(12, 4 + size // 500)
        comps = [Component(catalog_lm, CATALOG_WEIGHT, c + 1), Component(query_lm, 1 - CATALOG_WEIGHT, 0)]
        for text, score in generate_for_category(comps, vocab, seeds, quota, known_words=known_words, beam=beam, per_seed=max(4, quota // max(len(seeds), 1))):
            if score > out.get(text, (float("-inf"), -1))[0]:
                out[text] = (score, c)
        report((n + 1) / len(sizes), f"generated queries for {n + 1} of {len(sizes)} categories")
    return out


def category_respect(generated: dict[str, tuple[float, int]], phrases: list[str], labels: list[int], sample: int = 1000) -> float:
    """Share of generated queries whose best BM25 product (over phrases) is in the constraining category."""
    bm25 = BM25(phrases)
    items = sorted(generated.items())[:: max(1, len(generated) // sample)]
    hits = [bm25.top(text, 1) for text, _ in items]
    judged = [(h[0], c) for h, (_, (_, c)) in zip(hits, items) if h]
    return float(np.mean([labels[d] == c for d, c in judged])) if judged else float("nan")


def _trained_lm(settings: Settings, name: str, texts: list[str], categories: list[int] | None, n_categories: int, vocab, cfg: GeneratorConfig, report: Report):
    """The LM saved under `name` when it was trained on exactly these texts with this config, else a new one (saved)."""
    from engines.cadence.lm import LMConfig, TrainConfig, train_lm
    from memory.cadence_store import lm_fingerprint, load_lm, save_lm

    path = cadence_dir(settings) / f"{name}.safetensors"
    key = fingerprint(cfg.model_dump_json(), vocab.model_dump_json(), json.dumps(texts), json.dumps(categories))
    if lm_fingerprint(path) == key:
        report(1.0, f"{name}: reused (same data)")
        return load_lm(path)[0]
    train = TrainConfig(epochs=cfg.epochs, max_steps=cfg.max_steps, seed=cfg.seed)
    model = train_lm(texts, vocab, LMConfig(vocab_size=vocab.size, hidden=cfg.hidden, n_categories=n_categories), train, categories=categories,
                     progress=lambda f: report(f, f"training the {name.replace('_', ' ')}"))
    save_lm(path, model, vocab, key)
    return model


def neural_queries(settings: Settings, retail: list[str], web: list[str], phrases: list[str], labels: list[int], cfg: GeneratorConfig,
                   report: Report, prefix: str = "") -> dict[str, tuple[float, int]]:
    """Train (or reuse) the two LMs on these queries and phrases and generate; the LMs are saved as
    `{prefix}query_lm` and `{prefix}catalog_lm` (the eval passes its own prefix, so the shipped ones stay)."""
    import torch

    from engines.cadence.vocab import CharVocab

    torch.manual_seed(cfg.seed)
    queries = retail + web
    vocab = CharVocab.build(queries + phrases)
    query_lm = _trained_lm(settings, f"{prefix}query_lm", list(dict.fromkeys(queries)), None, 1, vocab, cfg, lambda f, m: report(0.4 * f, m))
    pairs = list(dict.fromkeys(zip(phrases, labels)))
    catalog_lm = _trained_lm(settings, f"{prefix}catalog_lm", [p for p, _ in pairs], [c + 1 for _, c in pairs], max(labels, default=0) + 2, vocab, cfg,
                             lambda f, m: report(0.4 + 0.4 * f, m))
    word_counts = Counter(w for text in phrases + retail for w in text.split())
    known_words = {w for w, n in word_counts.items() if n >= cfg.min_word_count and len(w) >= 3}
    return generate(phrases, labels, query_lm, catalog_lm, vocab, known_words, cfg, lambda f, m: report(0.8 + 0.2 * f, m))


def run_generator(settings: Settings, cfg: GeneratorConfig, report: Report) -> str:
    """Step "cadence-generator" (module docstring). Needs the "cadence" step's catalog and index."""
    meta = read_meta(settings)
    key = inputs_fingerprint(settings)
    if meta is None or meta.fingerprint != key:
        raise RuntimeError("the catalog and index are not built for the current data: run `caeser build` first")
    started = time.perf_counter()
    products = load_products(settings)
    phrases = [p.phrase or p.title.lower() for p in products]
    labels = [p.pseudo_category for p in products]
    retail, web = shipped_queries(settings)
    generated = neural_queries(settings, retail, web, phrases, labels, cfg, lambda f, m: report(0.98 * f, m))
    respect = category_respect(generated, phrases, labels)
    save_generated(settings, key, generated)
    n_entries, n_log, _ = assemble_index(settings, phrases, labels, meta.categories, key, meta.products_collection)
    report(1.0, "done")
    return (f"{len(generated):,} generated queries, {respect:.1%} land in their constraining category; "
            f"index of {n_entries:,} queries ({n_log:,} logged) in {time.perf_counter() - started:.0f}s")
