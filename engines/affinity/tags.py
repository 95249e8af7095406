"""Free text ("sneakers", "hip hop", "sci-fi") → the survey items it means.

WHY two steps: a name that appears in an item's label or question ("metal" in "Metal or Hardrock")
is certain and costs nothing, so it wins; anything else is matched by meaning, the cosine
similarity of unit-length sentence embeddings (`embed` is given by the caller, so this module stays
pure). A text whose best cosine is below `threshold` matches nothing, and the caller is told the
closest items instead of receiving a guess.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Literal

import numpy as np

DEFAULT_THRESHOLD = 0.45  # cosine below which two MiniLM phrases are rarely about the same thing


@dataclass(frozen=True)
class CatalogItem:
    """One rankable item: which survey holds it, its column there, its label and descriptive text."""

    survey: str
    index: int
    label: str
    domain: str
    text: str


@dataclass(frozen=True)
class TagMatch:
    tag: str
    item: CatalogItem
    score: float  # 1.0 for a name match, the cosine otherwise
    how: Literal["name", "meaning"]


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9]+", " ", text.lower()).strip() + " "


def name_match(tag: str, catalog: list[CatalogItem]) -> CatalogItem | None:
    """The item whose label equals the tag, else the shortest label (then text) containing it as whole words."""
    needle = _words(tag)
    if needle.strip() == "":
        return None
    for field in ("label", "text"):
        hits = [it for it in catalog if needle in _words(getattr(it, field))]
        exact = [it for it in hits if _words(it.label) == needle]
        if exact or hits:
            return (exact or sorted(hits, key=lambda it: len(it.label)))[0]
    return None


def match_tags(tags: list[str], catalog: list[CatalogItem], embed: Callable[[list[str]], np.ndarray], *, threshold: float = DEFAULT_THRESHOLD,
               strict_domains: Collection[str] = ()) -> tuple[list[TagMatch], dict[str, list[str]]]:
    """(matches in tag order, {unmatched tag: the 3 closest item labels}). `embed` returns unit rows.
    Items of `strict_domains` are read by meaning only at `DEFAULT_THRESHOLD` or above, however low
    `threshold` is: a weak reading of a product's word as a habit ('spice' as Smoking, cosine 0.35)
    says something about the product that nobody asked, which is worse than no reading."""
    matches: dict[str, TagMatch] = {}
    pending = []
    for tag in tags:
        item = name_match(tag, catalog)
        if item is not None:
            matches[tag] = TagMatch(tag, item, 1.0, "name")
        else:
            pending.append(tag)
    unmatched: dict[str, list[str]] = {}
    if pending and catalog:
        vectors = embed(pending + [it.text for it in catalog])
        sims = vectors[: len(pending)] @ vectors[len(pending):].T
        strict = np.array([it.domain in strict_domains for it in catalog])
        sims = np.where(strict & (sims < DEFAULT_THRESHOLD), -1.0, sims)
        for row, tag in enumerate(pending):
            order = np.argsort(-sims[row], kind="stable")
            best = int(order[0])
            if sims[row, best] >= threshold:
                matches[tag] = TagMatch(tag, catalog[best], float(sims[row, best]), "meaning")
            else:
                unmatched[tag] = [catalog[int(i)].label for i in order[:3]]
    else:
        unmatched = {tag: [] for tag in pending}
    return [matches[t] for t in tags if t in matches], unmatched
