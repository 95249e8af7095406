"""The online prefix index: prefix → top-k entries by weight, in microseconds.

Structure (an equivalent of a trie with precomputed top-k per node, in flat arrays):
- the entries are kept sorted, so the entries starting with a prefix p form one contiguous range
  `[bisect_left(p), bisect_left(p + U+10FFFF))` — two binary searches, O(|p| log n);
- every "heavy" node, a prefix whose range holds more than `heavy` entries, stores its top `k_max`
  entry ids, computed once at build time; a light range is ranked on the fly with `argpartition`
  over at most `heavy` weights. So a query costs two bisects plus either a dict lookup or a
  bounded partial sort, whatever the index size.
- a category filter uses a sub-index built over that category's entries only (same structure).
- one-edit typo tolerance from `typo_min_len` characters on: when the exact prefix matches nothing
  (a prefix that still matches is most likely typed right, and the fallback costs hundreds of
  lookups), every prefix at one deletion, substitution, insertion or transposition is tried. Only
  edits at positions ≤ m, where m is the length of the longest prefix of p present in the index,
  can produce a present prefix (any variant that keeps p[:m+1] intact is absent), and substituted
  or inserted characters are drawn from the children of the node they branch from. Typo matches are
  weighted by `typo_penalty`.
"""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

_TOP = "\U0010ffff"
SOURCES = ("log", "generated")


@dataclass(frozen=True)
class Entry:
    """What the index holds per text: its weight, where it came from and its category (-1 = none)."""

    weight: float
    source: str = "log"
    category: int = -1


@dataclass(frozen=True)
class Hit:
    text: str
    weight: float
    source: str
    category: int
    typo: bool = False


class _Ranges:
    """Sorted texts with their weights and precomputed top-k of heavy nodes."""

    def __init__(self, texts: list[str], weights: np.ndarray, k_max: int, heavy: int):
        self.texts = texts
        self.weights = weights
        self.k_max = k_max
        self.heavy = heavy
        self.top: dict[str, np.ndarray] = {}
        self._precompute()

    def _ranked(self, lo: int, hi: int, k: int) -> np.ndarray:
        seg = self.weights[lo:hi]
        if hi - lo > k:
            part = np.argpartition(-seg, k - 1)[:k]
        else:
            part = np.arange(hi - lo)
        return (part[np.argsort(-seg[part], kind="stable")] + lo).astype(np.int64)

    def _precompute(self) -> None:
        stack = [("", 0, len(self.texts))]
        while stack:
            prefix, lo, hi = stack.pop()
            if hi - lo <= self.heavy:
                continue
            self.top[prefix] = self._ranked(lo, hi, self.k_max)
            stack.extend(self.children(prefix, lo, hi))

    def children(self, prefix: str, lo: int, hi: int) -> list[tuple[str, int, int]]:
        """The child nodes (prefix + one character) of a node, each with its range."""
        depth = len(prefix)
        out = []
        i = lo
        if i < hi and len(self.texts[i]) == depth:  # the prefix itself is an entry (sorts first)
            i += 1
        while i < hi:
            child = prefix + self.texts[i][depth]
            j = bisect_left(self.texts, prefix + chr(ord(child[-1]) + 1), i, hi)
            out.append((child, i, j))
            i = j
        return out

    def span(self, prefix: str) -> tuple[int, int]:
        lo = bisect_left(self.texts, prefix)
        return lo, bisect_left(self.texts, prefix + _TOP, lo)

    def topk_outside(self, prefix: str, k: int, excluded: list[str]) -> np.ndarray:
        """The top-k texts starting with `prefix` but with none of `excluded` (longer prefixes)."""
        lo, hi = self.span(prefix)
        cuts = sorted(self.span(e) for e in excluded)
        ranges, start = [], lo
        for a, b in cuts:
            if a > start:
                ranges.append((start, min(a, hi)))
            start = max(start, b)
        if start < hi:
            ranges.append((start, hi))
        found = np.concatenate([self._ranked(a, b, k) for a, b in ranges if b > a] or [np.empty(0, dtype=np.int64)])
        return found[np.argsort(-self.weights[found], kind="stable")][:k].astype(np.int64)

    def topk(self, prefix: str, k: int) -> np.ndarray:
        cached = self.top.get(prefix)
        if cached is not None:
            return cached[:k]
        lo, hi = self.span(prefix)
        return self._ranked(lo, hi, k) if hi > lo else np.empty(0, dtype=np.int64)


class PrefixIndex:
    """Prefix → top-k entries (see the module docstring for the structure and its costs)."""

    def __init__(self, entries: Mapping[str, Entry], *, k_max: int = 50, heavy: int = 256, typo_min_len: int = 4, typo_penalty: float = 0.3):
        texts = sorted(t for t in entries if t)
        self.k_max = k_max
        self.typo_min_len = typo_min_len
        self.typo_penalty = typo_penalty
        self._sources = np.array([SOURCES.index(entries[t].source) for t in texts], dtype=np.int8)
        self._categories = np.array([entries[t].category for t in texts], dtype=np.int32)
        weights = np.array([entries[t].weight for t in texts], dtype=np.float64)
        self._all = _Ranges(texts, weights, k_max, heavy)
        self._by_category: dict[int, tuple[_Ranges, np.ndarray]] = {}
        for cat in np.unique(self._categories):
            if cat < 0:
                continue
            ids = np.flatnonzero(self._categories == cat)
            self._by_category[int(cat)] = (_Ranges([texts[i] for i in ids], weights[ids], k_max, heavy), ids)

    def __len__(self) -> int:
        return len(self._all.texts)

    @property
    def heavy_nodes(self) -> int:
        """How many prefixes have their top-k precomputed."""
        return len(self._all.top)

    def weight(self, text: str) -> float | None:
        """The weight of `text` if it is indexed (one bisect), else None."""
        texts = self._all.texts
        i = bisect_left(texts, text)
        return float(self._all.weights[i]) if i < len(texts) and texts[i] == text else None

    def contains(self, text: str) -> bool:
        return self.weight(text) is not None

    @property
    def categories(self) -> list[int]:
        return sorted(self._by_category)

    def _lookup(self, prefix: str, k: int, category: int | None, excluded: list[str] | None = None) -> np.ndarray:
        """Top-k ids under `prefix` (in `category` when given), leaving out the `excluded` prefixes' ranges when given."""
        if category is None:
            ranges, ids = self._all, None
        elif (sub := self._by_category.get(category)) is not None:
            ranges, ids = sub
        else:
            return np.empty(0, dtype=np.int64)
        found = ranges.topk_outside(prefix, k, excluded) if excluded else ranges.topk(prefix, k)
        return found if ids is None else ids[found]

    def search_outside(self, prefix: str, k: int, excluded: list[str], category: int | None = None) -> list[Hit]:
        """The top-k entries starting with `prefix` and with none of the `excluded` prefixes
        (weight-descending): what else completes a prefix one brand's texts crowd ("lap" but not "lapguard ")."""
        return [self._hit(int(i)) for i in self._lookup(prefix, k, category, excluded)]

    def _hit(self, i: int, typo: bool = False) -> Hit:
        weight = float(self._all.weights[i]) * (self.typo_penalty if typo else 1.0)
        return Hit(self._all.texts[i], weight, SOURCES[self._sources[i]], int(self._categories[i]), typo)

    def texts_and_weights(self) -> tuple[list[str], list[float]]:
        """Every indexed text with its weight (sorted by text)."""
        return self._all.texts, self._all.weights.tolist()

    def search(self, prefix: str, k: int = 10, category: int | None = None, typos: bool = True) -> list[Hit]:
        """The top-k entries starting with `prefix` (weight-descending); one-edit matches if there are
        none and `typos`."""
        k = min(k, self.k_max)
        hits = [self._hit(int(i)) for i in self._lookup(prefix, k, category)]
        if typos and not hits and len(prefix) >= self.typo_min_len:
            extra = {int(i) for v in self.one_edit_prefixes(prefix) for i in self._lookup(v, k, category)}
            hits = sorted((self._hit(i, typo=True) for i in extra), key=lambda h: (-h.weight, h.text))[:k]
        return hits

    def one_edit_prefixes(self, prefix: str) -> list[str]:
        """The strings one edit from `prefix` that start at least one entry (the typo fallback's lookups)."""
        return [v for v in self._one_edit_variants(prefix) if self.starts_some(v)]

    def starts_some(self, prefix: str) -> bool:
        """Whether any entry starts with `prefix` (one bisect, cheaper than a full span)."""
        texts = self._all.texts
        lo = bisect_left(texts, prefix)
        return lo < len(texts) and texts[lo].startswith(prefix)

    def _present_depth(self, prefix: str) -> int:
        """Length of the longest prefix of `prefix` that starts at least one entry (binary search)."""
        lo, hi = 0, len(prefix)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.starts_some(prefix[:mid]):
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _one_edit_variants(self, prefix: str) -> Iterable[str]:
        m = self._present_depth(prefix)
        variants: set[str] = set()
        for j in range(min(m, len(prefix) - 1) + 1):
            head, tail = prefix[:j], prefix[j:]
            variants.add(head + tail[1:])  # deletion of prefix[j]
            if len(tail) > 1:
                variants.add(head + tail[1] + tail[0] + tail[2:])  # transposition
            lo, hi = self._all.span(head)
            for child, _, _ in self._all.children(head, lo, hi) if hi > lo else ():
                variants.add(child + tail[1:])  # substitution
                variants.add(child + tail)  # insertion
        variants.discard(prefix)
        return variants
