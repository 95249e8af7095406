"""What a post is to the hype engine, and the cleaning every source goes through before scoring.

A post frame is a pandas DataFrame with the columns in `POST_COLUMNS`: one row per post, timestamps
UTC (naive), engagement counts as integers. Sources differ (tweets, Reddit, RSS, SXSW's undated
batch); everything downstream sees only this shape.

Two dedupe rules, both needed: the same (source, external_id) imported twice, and near-identical
text (retweets, copy-paste spam, "RT @x: …") which would otherwise inflate volume. Near-identical
means equal after `text_key`: lower-cased, URLs, @mentions, a leading "RT", punctuation and
whitespace runs removed.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

POST_COLUMNS: tuple[str, ...] = ("source", "external_id", "subject", "text", "author", "created_at", "region", "likes", "reposts", "replies", "sentiment", "label")
_URL = re.compile(r"https?://\S+|www\.\S+")
_RT = re.compile(r"^\s*rt\b[:\s]*")
# @mentions and runs of punctuation in one pass ("@" kept out of the runs so that ".@user" is a
# mention, as when mentions were removed first).
_MENTION_OR_PUNCT = re.compile(r"@\w+|[^\w\s@]+|@")
_SPACES = re.compile(r"\s+")


def text_key(text: str) -> str:
    """A 16-hex-digit fingerprint of the text with everything that varies between copies removed."""
    t = _MENTION_OR_PUNCT.sub(" ", _RT.sub("", _URL.sub(" ", text.lower())))
    return hashlib.blake2b(" ".join(t.split()).encode("utf-8"), digest_size=8).hexdigest()


def dedupe(frame: pd.DataFrame, seen_ids: set[tuple[str, str]] = frozenset(), seen_keys: set[str] = frozenset()) -> tuple[pd.DataFrame, int, int]:
    """Drop posts already seen by (source, external_id), then near-identical texts (first kept).
    Returns the kept frame (with a `text_key` column, computed unless already there) and the two
    drop counts."""
    keys = frame["text_key"] if "text_key" in frame else frame["text"].map(text_key)
    ids = list(zip(frame["source"], frame["external_id"]))
    id_dup = pd.Series([i in seen_ids for i in ids], index=frame.index) | pd.Series(ids, index=frame.index).duplicated()
    kept = frame.loc[~id_dup].assign(text_key=keys[~id_dup])
    text_dup = kept["text_key"].isin(seen_keys) | kept["text_key"].duplicated()
    return kept.loc[~text_dup].reset_index(drop=True), int(id_dup.sum()), int(text_dup.sum())


def normalise_subject(name: str) -> str:
    """Subjects compare case- and space-insensitively: 'virgin  America' is 'Virgin America'."""
    return _SPACES.sub(" ", name.strip()).casefold()


def alias_pattern(aliases: Iterable[str]) -> re.Pattern[str]:
    """One regex matching any alias as a whole word (or @handle / #tag), case-insensitively."""
    parts = sorted({re.escape(a.strip().lower()) for a in aliases if a.strip()}, key=len, reverse=True)
    return re.compile(r"(?<![\w@#])[@#]?(?:" + "|".join(parts) + r")(?!\w)", re.I)


def match_aliases(texts: Sequence[str], aliases: Mapping[str, Sequence[str]]) -> list[str | None]:
    """The first subject whose aliases occur in each text (subjects tried in the mapping's order).
    A subject's own name is not an alias unless listed: "United" alone is an ordinary word."""
    patterns = [(subject, alias_pattern(names)) for subject, names in aliases.items()]
    out: list[str | None] = []
    for text in texts:
        out.append(next((subject for subject, pattern in patterns if pattern.search(text)), None))
    return out


def match_by_similarity(post_vectors: np.ndarray, subject_vectors: np.ndarray, subjects: Sequence[str], threshold: float) -> list[str | None]:
    """Nearest subject by cosine similarity of L2-normalised embeddings, or None below `threshold`.
    Catches posts that talk about a subject without naming it ("the new phone's battery")."""
    if len(post_vectors) == 0 or len(subjects) == 0:
        return [None] * len(post_vectors)
    sims = post_vectors @ subject_vectors.T
    best = sims.argmax(axis=1)
    return [subjects[j] if sims[i, j] >= threshold else None for i, j in enumerate(best)]
