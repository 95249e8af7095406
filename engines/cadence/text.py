"""Query and title text: one normalisation for every index, LM and eval, so that what is typed,
what is indexed and what is scored compare equal."""
from __future__ import annotations

import re
import unicodedata

import numpy as np

_SPACES = re.compile(r"\s+")
#: Words that carry no query intent whatever their frequency in a catalog: a generated query or a
#: category name ending in "the" or "of" ("lego star wars the", "dice of") reads as broken.
FUNCTION_WORDS = frozenset("a an the and or of for with in on to by at from as & + is are this that its your our my".split())


def normalize_query(text: str) -> str:
    """NFKC, lower case, whitespace collapsed to single spaces, trimmed: a whole query."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


def normalize_prefix(text: str) -> str:
    """As `normalize_query`, but a trailing space is kept when the text had one (and is not blank):
    in a search box "red " means the word "red" is finished, which changes what completes it."""
    cleaned = normalize_query(text)
    return cleaned + " " if cleaned and text[-1:].isspace() else cleaned


def split_last_word(prefix: str) -> tuple[str, str]:
    """`"harry po"` → `("harry ", "po")`: the words typed before the partial one, and the partial one."""
    cut = prefix.rfind(" ") + 1
    return prefix[:cut], prefix[cut:]


_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_NON_WORD = re.compile(r"[^\w&' -]+")
_DIGITS = re.compile(r"^[\d.,x-]+$")


def clean_title(title: str) -> str:
    """A product title as a shopper would type it: bracketed notes, punctuation and extra spaces removed."""
    return normalize_query(_NON_WORD.sub(" ", _BRACKETS.sub(" ", title)).replace("_", " "))


def document_frequency(titles: list[str]) -> dict[str, int]:
    df: dict[str, int] = {}
    for title in titles:
        for t in set(title.split()):
            df[t] = df.get(t, 0) + 1
    return df


def summarize_title(title: str, df: dict[str, int], n_docs: int, max_words: int = 4, min_df: int = 3, max_share: float = 0.05) -> str:
    """A query-like phrase from a cleaned title by extractive summarisation on token self-information.

    Each token t gets I(t) = −log p(t), p(t) = df(t) / n_docs (its share of titles). Tokens with
    df < min_df (model numbers, SKUs: nobody types them), tokens with p > max_share (boilerplate such
    as "buy") and FUNCTION_WORDS, however rare in this catalog, carry no query intent and are dropped;
    of the rest, the `max_words` most informative are kept in their original order. Pure numbers are
    dropped."""
    seen: set[str] = set()
    kept = []
    for pos, t in enumerate(title.split()):
        if t in seen or t in FUNCTION_WORDS or _DIGITS.match(t):
            continue
        seen.add(t)
        p = df.get(t, 0) / max(n_docs, 1)
        if df.get(t, 0) >= min_df and p <= max_share:
            kept.append((-np.log(p), pos, t))
    best = sorted(kept, key=lambda x: -x[0])[:max_words]
    return " ".join(t for _, _, t in sorted(best, key=lambda x: x[1]))
