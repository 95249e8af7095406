"""Most-popular completion (MPC): the k most frequent logged queries starting with the prefix.

WHY its own module: it needs only the prefix index, not the query language model (torch), so the
launch readout can complete from the raw query log before `caeser build` without importing torch.
`engines.cadence.completion` builds its baselines and the engine on it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from engines.cadence.index import Entry, PrefixIndex

NO_TYPOS = 10**9  # the baselines are exact-prefix methods


def popularity_index(counts: Counter[str], typo_min_len: int = NO_TYPOS) -> PrefixIndex:
    return PrefixIndex({q: Entry(float(n), "log") for q, n in counts.items()}, typo_min_len=typo_min_len)


class MPC:
    def __init__(self, queries: Sequence[str]):
        self.counts = Counter(q for q in queries if q)
        self.index = popularity_index(self.counts)

    def suggest(self, prefix: str, k: int = 10) -> list[str]:
        return [h.text for h in self.index.search(prefix, k)]

    def suggest_many(self, prefixes: Sequence[str], k: int = 10) -> list[list[str]]:
        return [self.suggest(p, k) for p in prefixes]
