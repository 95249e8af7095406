"""What goes into the CADENCE prefix index, and the popularity index served until it is built.

Torch-free on purpose: `suggest_queries` answers from `popular_index` on a fresh install while the
build runs in the background, and the build (`memory.build.cadence`) assembles the full index from
the same functions, so both rank logged queries by the same weights.

Index weights (docs/cadence.md):
- retail-log queries (WANDS, ESCI): 1 + ln(1 + count), always above the rest;
- catalog queries, extracted from product titles (`catalog_queries`): 1 − 1/(1 + n) ∈ [0.5, 1) for
  a text that n products summarise to (or start with, for its 2- and 3-word heads);
- queries from the optional neural generator: exp(per-character log-probability) ∈ (0, 1);
- TREC 2005 queries are web searches, not shopping ones: 0.5 · ln(1 + count) = 0.35 (their ids are
  not counts), so they fill gaps below any catalog query.
A text in several sources keeps its highest weight (a logged query always counts as logged).
"""
from __future__ import annotations

import logging
import math
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence

from engines.cadence.index import Entry, PrefixIndex
from engines.cadence.text import clean_title, document_frequency, normalize_query, summarize_title
from memory.artifacts import files_fingerprint
from memory.datadir import DataFileMissing, load_esci_queries, load_trec05_queries, load_wands_queries
from memory.settings import Settings

log = logging.getLogger(__name__)

QUERY_FILES = ("queries/wands_queries.csv", "queries/esci_us_queryset.json", "queries/trec05.completions")
HEADS = (2, 3)  # word counts of the phrase heads added as catalog queries


def _clean(raw: Sequence[object]) -> list[str]:
    return [q for q in (normalize_query(str(x)) for x in raw) if q]


def shipped_queries(settings: Settings) -> tuple[list[str], list[str]]:
    """(retail queries, web queries): the logs the product may learn from; AOL is deliberately absent
    (research-only: the eval alone reads it). A missing file drops only its own queries."""
    parts: dict[str, list[str]] = {}
    for name, load in (("wands", load_wands_queries), ("esci", load_esci_queries), ("trec", load_trec05_queries)):
        try:
            parts[name] = _clean(list(load(settings.data_dir)["query"]))
        except DataFileMissing as exc:
            log.warning("%s", exc)
            parts[name] = []
    return parts["wands"] + parts["esci"], parts["trec"]


def summarize_catalog(titles: Sequence[str]) -> list[str]:
    """Each title as a query-like phrase: its most informative tokens (`summarize_title`)."""
    cleaned = [clean_title(t) for t in titles]
    df = document_frequency(cleaned)
    return [summarize_title(t, df, len(cleaned)) or t for t in cleaned]


def catalog_queries(phrases: Sequence[str], labels: Sequence[int]) -> dict[str, tuple[float, int]]:
    """Extractive generated queries: every product phrase and its 2- and 3-word heads, as
    text → (ln weight, category), weight 1 − 1/(1 + n) for n products behind the text, the category
    the most common among them. Cheap (counting), so the default build has catalog coverage for
    prefixes no log has, without training a language model."""
    by_text: dict[str, Counter[int]] = defaultdict(Counter)
    for phrase, label in zip(phrases, labels):
        words = phrase.split()
        texts = {phrase} | {" ".join(words[:h]) for h in HEADS if len(words) > h}
        for text in texts:
            if len(text) >= 3:
                by_text[text][label] += 1
    out = {}
    for text, cats in by_text.items():
        n = sum(cats.values())
        out[text] = (math.log(1 - 1 / (1 + n)), cats.most_common(1)[0][0])
    return out


def index_entries(retail: list[str], web: list[str], generated: dict[str, tuple[float, int]]) -> dict[str, Entry]:
    """The weights of the module docstring; `generated` maps text → (ln weight, category)."""
    entries = {t: Entry(math.exp(s), "generated", c) for t, (s, c) in generated.items()}
    for q, n in Counter(web).items():
        if q not in entries or entries[q].weight < 0.5 * math.log1p(n):
            entries[q] = Entry(0.5 * math.log1p(n), "log", entries[q].category if q in entries else -1)
    for q, n in Counter(retail).items():
        entries[q] = Entry(1.0 + math.log1p(n), "log", entries[q].category if q in entries else -1)
    return entries


_POPULAR: dict[str, tuple[str, PrefixIndex]] = {}
_LOCK = threading.Lock()


def popular_index(settings: Settings) -> PrefixIndex:
    """The logged queries alone, weighted as in the full index: what `suggest_queries` serves until
    the build is done. Built once per process (about a second) and again when a log file changes."""
    stamp = files_fingerprint(settings.data_dir / f for f in QUERY_FILES)
    key = str(settings.data_dir)
    with _LOCK:
        hit = _POPULAR.get(key)
        if hit is None or hit[0] != stamp:
            retail, web = shipped_queries(settings)
            hit = _POPULAR[key] = (stamp, PrefixIndex(index_entries(retail, web, {})))
        return hit[1]
