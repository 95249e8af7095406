"""Search demand of a product's terms read straight from raw text: catalog titles and a query log.

WHY: the launch readout's search section normally comes from CADENCE's built index and catalog
(`caeser build`); before a build it would be empty. Counting how many catalog titles and logged
queries contain each of the product's words is a real, cheap signal of existing demand and supply,
and the most frequent matching queries are the terms people already type. Pure: texts in, counts out.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class TermDemand:
    term: str
    titles: int  # catalog titles containing the term
    queries: int  # logged queries containing it, repeats counted (the log's frequency)


@dataclass(frozen=True)
class Demand:
    terms: list[TermDemand]
    titles: int  # titles containing any term
    queries: int  # logged queries containing any term
    top_queries: list[tuple[str, int]]  # most frequent distinct matching queries, most terms matched first


def _stem(term: str) -> str:
    word = term.lower().strip()
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def term_pattern(term: str) -> re.Pattern[str]:
    """The term as a whole word, singular or plural ("sneakers" finds "sneaker" and "sneakers")."""
    return re.compile(rf"\b{re.escape(_stem(term))}s?\b", re.IGNORECASE)


def _hits(texts: Sequence[str], terms: list[str]) -> list[list[bool]]:
    """texts × terms: whether each text contains each term. A plain substring test on the stem
    discards almost every text before the (slower) whole-word pattern runs."""
    lowered = [t.lower() for t in texts]
    hits = [[False] * len(terms) for _ in texts]
    for j, term in enumerate(terms):
        stem, pattern = _stem(term), term_pattern(term)
        for i, text in enumerate(lowered):
            if stem in text and pattern.search(text):
                hits[i][j] = True
    return hits


def term_demand(terms: Sequence[str], titles: Sequence[str], queries: Sequence[str], top: int = 10) -> Demand:
    """Per-term and overall counts over `titles` and `queries` (queries with their repeats)."""
    terms = list(dict.fromkeys(t.lower().strip() for t in terms if t.strip()))
    title_hits = _hits(titles, terms)
    frequency = Counter(queries)
    query_hits = dict(zip(frequency, _hits(list(frequency), terms)))
    per_term = [TermDemand(t, sum(h[i] for h in title_hits), sum(n for q, n in frequency.items() if query_hits[q][i])) for i, t in enumerate(terms)]
    matched = [(q, n, sum(query_hits[q])) for q, n in frequency.items() if any(query_hits[q])]
    ranked = sorted(matched, key=lambda m: (-m[2], -m[1], m[0]))[:top]
    return Demand(per_term, sum(any(h) for h in title_hits), sum(n for _, n, _ in matched), [(q, n) for q, n, _ in ranked])
