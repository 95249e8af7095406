"""The autosuggest front door: what `suggest_queries` serves and `caeser eval autosuggest` scores.

WHY: the prefix index alone is most-popular completion (MPC), which cannot answer a prefix no
indexed query starts with — most held-out queries of a log. Measured on the held-out part of the AOL
log (`docs/cadence.md`), completing the partial last word beats MPC, and completing it *in context*
(the word that most often follows the previous one or two words) beats completing it alone. So a
suggestion list is filled in tiers, each only while fewer than k suggestions are found:

1. indexed texts starting with the prefix, by index weight (the built index: logged, catalog and
   generated queries);
2. the typed words kept, the partial last word completed by the words that follow the previous two
   words, then the previous word, in indexed texts, by the summed index weight of those n-grams;
3. the partial last word completed by all indexed words, by summed index weight (MPC+last-word);
4. one-edit typo matches of the index, only when nothing above matched;
5. the partial last word's ending completed from the endings of indexed words: its last 5, then 4,
   then 3 characters looked up among the word endings (every proper suffix of an indexed word) that
   start with them, by summed index weight. A word no indexed word starts with ("www.nevadaappea",
   "plecostomu") still gets "…appeal.com", "…mus": on the AOL validation part this tier lifted
   unseen-prefix success@10 from 0.124 to 0.188 (docs/cadence.md). It comes after the typo tier
   although before it scored a little higher there (MRR@10 0.223 vs 0.220): the eval's prefixes hold
   no typos, and a typed "xbox controllr" should get "xbox controller", not an invented ending.

A completion's weight is its n-gram weight × `CONTEXT_SCALE` (tier 2) or × `WORD_SCALE` (tier 3),
small enough to sort below indexed texts in the personal rerank (judgements, not fitted); tier 5's
is `TAIL_SCALE` / (1 + its rank in the tier), so the rerank keeps its order and puts it last.
Completions are not category-constrained: with a category filter only tiers 1 and 4 answer.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable

from engines.cadence.index import Entry, Hit, PrefixIndex
from engines.cadence.text import split_last_word

CONTEXT_SCALE = 0.01
WORD_SCALE = 0.005
TAIL_SCALE = 0.001
TAIL_CONTEXTS = (5, 4, 3)  # characters of the partial word an ending must start with, longest first
NO_TYPOS = 10**9


def _ngram_index(texts: list[str], weights: list[float], orders: tuple[int, ...]) -> PrefixIndex:
    """Every contiguous word n-gram of the given orders, weighted by the summed weight of the texts holding it."""
    counts: Counter[str] = Counter()
    for text, weight in zip(texts, weights, strict=True):
        words = text.split()
        for n in orders:
            for i in range(len(words) - n + 1):
                counts[" ".join(words[i:i + n])] += weight
    return PrefixIndex({g: Entry(w, "log") for g, w in counts.items()}, typo_min_len=NO_TYPOS)


def _tail_index(words: list[str], weights: list[float]) -> PrefixIndex:
    """Every proper suffix of each word longer than the shortest tail context, weighted by the summed
    weight of the words ending with it (the 1-gram weights: summed index weight of their texts)."""
    counts: Counter[str] = Counter()
    shortest = min(TAIL_CONTEXTS)
    for word, weight in zip(words, weights, strict=True):
        for i in range(1, len(word) - shortest):
            counts[word[i:]] += weight
    return PrefixIndex({t: Entry(w, "log") for t, w in counts.items()}, typo_min_len=NO_TYPOS)


class Suggester:
    """Tiers 1–5 of the module docstring over one prefix index.

    The n-gram and ending tables of tiers 2, 3 and 5 are built on first need (a few seconds for 100k
    texts): most prefixes fill k from tier 1, so a one-shot process (`caeser chat --once`) rarely pays for them,
    and a server pays once, on the first prefix that needs them (or at start, by calling `warm()`)."""

    def __init__(self, index: PrefixIndex):
        self.index = index

    @functools.cached_property
    def words(self) -> PrefixIndex:
        return _ngram_index(*self.index.texts_and_weights(), (1,))

    @functools.cached_property
    def contexts(self) -> PrefixIndex:
        return _ngram_index(*self.index.texts_and_weights(), (2, 3))

    @functools.cached_property
    def tails(self) -> PrefixIndex:
        return _tail_index(*self.words.texts_and_weights())

    def warm(self) -> "Suggester":
        """Build the n-gram and ending tables now."""
        _ = self.words, self.contexts, self.tails
        return self

    def suggest(self, prefix: str, k: int = 10, category: int | None = None) -> list[Hit]:
        hits = self.index.search(prefix, k, category, typos=False)
        seen = {h.text for h in hits}

        def add(text: str, weight: float) -> None:
            if len(hits) < k and text not in seen:
                hits.append(Hit(text, weight, "completed", -1))
                seen.add(text)
        if category is None and len(hits) < k:
            head, partial = split_last_word(prefix)
            before = head.split()
            for n in (2, 1):
                if len(before) >= n:
                    context = " ".join(before[-n:]) + " "
                    for h in self.contexts.search(context + partial, k):
                        add(head + h.text[len(context):], h.weight * CONTEXT_SCALE)
            if partial:
                for h in self.words.search(partial, k):
                    add(head + h.text, h.weight * WORD_SCALE)
            if not hits:
                hits.extend(self.index.search(prefix, k))  # tier 4
                seen.update(h.text for h in hits)
            self._add_tails(prefix, partial, k, hits, add)
        return hits or self.index.search(prefix, k, category)

    def _add_tails(self, prefix: str, partial: str, k: int, hits: list[Hit], add: Callable[[str, float], None]) -> None:
        """Tier 5: `prefix` with its last n characters replaced by a word ending that starts with them."""
        start = len(hits)
        for n in TAIL_CONTEXTS:
            if len(hits) >= k:
                return
            if len(partial) > n:
                for h in self.tails.search(partial[-n:], k + 1):
                    if len(h.text) > n:  # an ending equal to the context would suggest the prefix itself
                        add(prefix[:-n] + h.text, TAIL_SCALE / (1 + len(hits) - start))

    def suggest_many(self, prefixes: list[str], k: int = 10) -> list[list[str]]:
        return [[h.text for h in self.suggest(p, k)] for p in prefixes]


@functools.lru_cache(maxsize=4)
def suggester_for(index: PrefixIndex) -> Suggester:
    """One Suggester per loaded index (its n-gram tables take about a second for 50k texts)."""
    return Suggester(index)
