"""The raw search texts of the data directory — catalog titles and the query log — read once per process.

WHY: before `caeser build` there is no CADENCE catalog or index, yet the files they are built from
already say how much a product's words are searched for and sold (`engines.cadence.demand`).
Reading them takes well under a second; they are kept per directory and re-read only when one
of the files changes (size or modification time), so later calls cost nothing.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from memory import datadir
from memory.artifacts import files_fingerprint

TITLE_FILES: dict[str, Callable[[Path], list[str]]] = {
    "catalog/flipkart_products.csv": lambda d: datadir.load_flipkart_titles(d).dropna().astype(str).tolist(),
    "catalog/amazon_uk_toys.csv": lambda d: datadir.load_amazon_toys(d)["product_name"].dropna().astype(str).tolist(),
}
QUERY_FILE = "queries/aol_100k.txt.gz"


@dataclass(frozen=True)
class SearchCorpus:
    titles: list[str]
    queries: list[str]  # the log in order, with repeats
    files: list[str]  # the files read (relative to the data dir)
    missing: list[str]  # readable "file … is missing" lines


_CACHE: dict[Path, tuple[str, SearchCorpus]] = {}
_LOCK = threading.Lock()


def load_search_corpus(data_dir: Path) -> SearchCorpus:
    """Every title and logged query found under `data_dir`; a missing file drops only its own part."""
    data_dir = Path(data_dir).resolve()
    stamp = files_fingerprint(data_dir / name for name in [*TITLE_FILES, QUERY_FILE])
    with _LOCK:
        hit = _CACHE.get(data_dir)
        if hit is not None and hit[0] == stamp:
            return hit[1]
        titles: list[str] = []
        queries: list[str] = []
        files: list[str] = []
        missing: list[str] = []
        for name, load in [*TITLE_FILES.items(), (QUERY_FILE, datadir.load_aol_queries)]:
            try:
                texts = load(data_dir)
            except datadir.DataFileMissing as exc:
                missing.append(str(exc))
                continue
            (queries if name == QUERY_FILE else titles).extend(texts)
            files.append(name)
        corpus = SearchCorpus(titles, queries, files, missing)
        _CACHE[data_dir] = (stamp, corpus)
        return corpus
