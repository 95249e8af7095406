"""How much of a query a product title covers: the confidence behind "no good match".

Ranked retrieval always returns something, so its best score says nothing about whether the top
product is what was asked for ("wireless earbuds" → a diecast hearse). Coverage is plain and
explainable: the share of the query's content words that start a word of the title (plural "s"
dropped on both sides). Below MATCH_FLOOR the search answer says the match is weak and offers the
results as the closest things, never as the answer.
"""
from __future__ import annotations

import re

MATCH_FLOOR = 0.5  # at least half the query's content words must appear in a title for it to count as a match
STOP = frozenset("a an the and or of for with in on to by at from my our your me some any new best cheap good nice gift gifts set sets item items product products under over".split())


def _stems(text: str) -> list[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return [w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words]


def content_words(query: str) -> list[str]:
    """The words of a query that name what is wanted (no stopwords, no bare numbers)."""
    return [w for w in dict.fromkeys(_stems(query)) if w not in STOP and not w.isdigit()]


def coverage(query: str, title: str) -> float:
    """Share of the query's content words that begin a word of the title; 1.0 for a query with none."""
    wanted = content_words(query)
    if not wanted:
        return 1.0
    have = _stems(title)
    return sum(any(h.startswith(w) for h in have) for w in wanted) / len(wanted)
