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
   a typed word before the partial one that is unknown and one edit from known words is replaced
   by the heaviest of them, and tiers 2–3 run on that reading first ("ninteno swi" → "nintendo
   switch"), then on the typed one with weights × `TYPED_READING_SCALE` (so that the personal
   rerank, which orders by weight, keeps it below the corrected one);
3. the partial last word completed by all indexed words, by summed index weight (MPC+last-word);
4. one-edit typo matches of the index, only when nothing above matched;
4b. when no indexed word starts with the partial word (4+ characters): its one-edit corrections that
   some do ("controllr" → "controller"), completed as in tiers 2–3, weights × the typo penalty;
5. only when no indexed word starts with the partial word and no correction was found: its ending
   completed from the endings of indexed words — its last 5, then 4, then 3 characters looked up
   among the word endings (proper suffixes shared by 2+ distinct indexed words) that start with
   them, by summed index weight. A word no indexed word starts with ("www.nevadaappea",
   "plecostomu") still gets "…appeal.com", "…mus": on the AOL validation part this tier lifted
   unseen-prefix success@10 from 0.124 to 0.188 (docs/cadence.md). Unrestricted, it invented words
   for typos ("xbox controllr" → "xbox controllroom", from "ballroom") and after known completions
   ("plecostomu" → "plecostomuniclalamaddrastra"); these conditions cost 0.021 of that gain on
   validation (0.167), the corrections of tiers 2 and 4b a further 0.008 (0.159; the eval's
   prefixes are cut from logged queries, so a correction can only miss there).

A completion's weight is its n-gram weight × `CONTEXT_SCALE` (tier 2) or × `WORD_SCALE` (tier 3),
small enough to sort below indexed texts in the personal rerank (judgements, not fitted); tier 5's
is `TAIL_SCALE` / (1 + its rank in the tier), so the rerank keeps its order and puts it last.
Completions are not category-constrained: with a category filter only tiers 1 and 4 answer.
"""
from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import replace

from engines.cadence.index import Entry, Hit, PrefixIndex
from engines.cadence.text import split_last_word

CONTEXT_SCALE = 0.01
WORD_SCALE = 0.005
TAIL_SCALE = 0.001
TAIL_CONTEXTS = (5, 4, 3)
TAIL_MIN_WORDS = 2  # distinct words an ending must end to be offered  # characters of the partial word an ending must start with, longest first
NO_TYPOS = 10**9
TYPED_READING_SCALE = 0.01
PER_WORD = 3  # tier-1 suggestions completing the typed word the same way, before the others (a judgement)
PER_PHRASE = 2  # … of which with the same next word too
OVERFLOW_SCALE = 0.01  # the weight of a suggestion past PER_WORD: after the others, in its order
CORRECT_MIN_LEN = 4  # a shorter partial word is one edit from too many words to guess which


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
    """Every proper suffix of each word longer than the shortest tail context that ends at least
    `TAIL_MIN_WORDS` distinct words, weighted by the summed weight of those words (their 1-gram
    weights: summed index weight of their texts). An ending of one word only ("…uniclalamaddrastra")
    is that word's own spelling, not a pattern to complete a new word with."""
    counts: Counter[str] = Counter()
    words_with: Counter[str] = Counter()
    shortest = min(TAIL_CONTEXTS)
    for word, weight in zip(words, weights, strict=True):
        for i in range(1, len(word) - shortest):
            counts[word[i:]] += weight
            words_with[word[i:]] += 1
    return PrefixIndex({t: Entry(w, "log") for t, w in counts.items() if words_with[t] >= TAIL_MIN_WORDS}, typo_min_len=NO_TYPOS)


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
        hits = self._diverse(prefix, k, category)
        seen = {h.text for h in hits}

        def add(text: str, weight: float) -> None:
            if len(hits) < k and text not in seen:
                hits.append(Hit(text, weight, "completed", -1))
                seen.add(text)
        if category is None and len(hits) < k:
            head, partial = split_last_word(prefix)
            fixed = self._corrected_head(head)  # "ninteno swi" → "nintendo switch"
            readings = [(fixed, 1.0), (head, TYPED_READING_SCALE)] if fixed != head else [(head, 1.0)]
            for words, scale in readings:  # the typed reading holds a word nobody indexed: second, weights lowered
                self._complete(words, partial, k, add, CONTEXT_SCALE * scale, WORD_SCALE * scale)
            if not hits:
                hits.extend(self.index.search(prefix, k))  # tier 4
                seen.update(h.text for h in hits)
            if len(hits) < k and not self.words.starts_some(partial) and not self._add_corrections(fixed, partial, k, add):
                self._add_tails(prefix, partial, k, hits, add)
        return hits or self.index.search(prefix, k, category)

    def _diverse(self, prefix: str, k: int, category: int | None) -> list[Hit]:
        """Tier 1: the k heaviest texts starting with the prefix, at most `PER_WORD` of them completing
        the typed word the same way before the others (`diversify`); the others are looked up outside
        the crowding words' ranges, so "lap" finds "laptop …" below 30 "lapguard …" texts."""
        hits = self.index.search(prefix, k, category, typos=False)
        at = _word_at(prefix)
        counts = Counter(" ".join(h.text.split()[:at + 1]) + " " for h in hits)
        crowding = [w for w, n in counts.items() if n > PER_WORD]
        if crowding:
            seen = {h.text for h in hits}
            hits += [h for h in self.index.search_outside(prefix, 2 * k, crowding, category) if h.text not in seen]
        return diversify(sorted(hits, key=lambda h: -h.weight), prefix, k)

    def _complete(self, head: str, partial: str, k: int, add: Callable[[str, float], None], context_scale: float, word_scale: float) -> None:
        """Tiers 2–3: the partial word completed after the previous two words, then the previous word
        (n-gram weight × `context_scale`), then by any word (× `word_scale`)."""
        before = head.split()
        for n in (2, 1):
            if len(before) >= n:
                context = " ".join(before[-n:]) + " "
                for h in self.contexts.search(context + partial, k):
                    add(head + h.text[len(context):], h.weight * context_scale)
        if partial:
            for h in self.words.search(partial, k):
                add(head + h.text, h.weight * word_scale)

    def _corrected_head(self, head: str) -> str:
        """The typed words before the partial one, each unknown word of `CORRECT_MIN_LEN`+ characters
        that is one edit from known ones replaced by the heaviest of them ("ninteno " → "nintendo "),
        so that tiers 2–3 complete in a context the index holds."""
        fixed = []
        for word in head.split():
            if len(word) >= CORRECT_MIN_LEN and not self.words.contains(word):
                longer = [h.text for h in self.words.search(word, 10) if len(h.text) == len(word) + 1]  # "wireles" → "wireless"
                known = {v: w for v in self.words.one_edit_prefixes(word) + longer if (w := self.words.weight(v)) is not None}
                word = max(known, key=lambda v: (known[v], v)) if known else word
            fixed.append(word)
        return " ".join(fixed) + " " if fixed else head

    def _add_corrections(self, head: str, partial: str, k: int, add: Callable[[str, float], None]) -> bool:
        """Tier 4b: a partial word no indexed word starts with, one edit away from one that some do
        ("controllr" → "controller"), completed as in tiers 2–3 (weights × the index's typo penalty).
        The corrections that keep the most typed characters come first (an insertion, then a
        substitution or transposition, then a deletion), then the heavier word; the best one is
        completed. Whether one was found."""
        if len(partial) < CORRECT_MIN_LEN:
            return False
        best = {v: self.words.search(v, 1, typos=False)[0].weight for v in self.words.one_edit_prefixes(partial)}
        if not best:
            return False
        penalty = self.index.typo_penalty
        self._complete(head, min(best, key=lambda v: (-len(v), -best[v], v)), k, add, CONTEXT_SCALE * penalty, WORD_SCALE * penalty)
        return True

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


def _word_at(prefix: str) -> int:
    """The index of the word being typed: the last word, or the next one after a space."""
    return len(prefix.split()) - (0 if prefix.endswith(" ") or not prefix.strip() else 1)


def diversify(hits: list[Hit], prefix: str, k: int) -> list[Hit]:
    """Tier 1's k best, at most `PER_WORD` of them completing the typed word the same way and
    `PER_PHRASE` of them with the same next word too: the rest keep their order but sort after the
    others (weight × `OVERFLOW_SCALE`). WHY: one brand with many catalog titles ("lapguard hp …",
    22 products) filled all ten slots for "lap", hiding "laptop", and a phrase with its extensions
    ("laptop case", "laptop case macbook", "laptop case macbook inch") says one thing three times;
    CADENCE diversifies its generated queries by category for the same reason. `hits` are weight-sorted."""
    at = _word_at(prefix)
    kept: list[Hit] = []
    later: list[Hit] = []
    per_word: Counter[str] = Counter()
    per_phrase: Counter[str] = Counter()
    for hit in hits:
        words = hit.text.split()
        word, phrase = " ".join(words[:at + 1]), " ".join(words[:at + 2])
        if per_word[word] < PER_WORD and per_phrase[phrase] < PER_PHRASE:
            per_word[word] += 1
            per_phrase[phrase] += 1
            kept.append(hit)
        else:
            later.append(replace(hit, weight=hit.weight * OVERFLOW_SCALE))
    return (kept + later)[:k]


@functools.lru_cache(maxsize=4)
def suggester_for(index: PrefixIndex) -> Suggester:
    """One Suggester per loaded index (its n-gram tables take about a second for 50k texts)."""
    return Suggester(index)
