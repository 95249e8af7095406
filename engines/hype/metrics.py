"""The hype metrics: each one a documented formula over the posts of one window.

Notation: W is the scored window `[end − d days, end)`, P the window of the same length just before
it, N(X) the number of posts in X, A(X) its set of authors, s_i a post's sentiment score in [−1, 1]
(p(positive) − p(negative) from the classifier), H the hourly post counts over W.
The formulas are repeated, with the reasons for each, in `docs/hype.md`.

Input is one subject's post frame (see `engines.hype.posts`; posts at or after `end` are ignored);
`peer_volume` is N(W) summed over every subject (for share of voice).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np
import pandas as pd
from pydantic import BaseModel

_WORD = re.compile(r"[a-z][a-z']+")


class Metric(BaseModel):
    name: str
    value: float
    unit: str
    formula: str


# name -> (unit, formula). The single source of truth for what each number means.
DEFINITIONS: dict[str, tuple[str, str]] = {
    "volume": ("posts", "N(W)"),
    "velocity": ("posts/day", "N(W) / d"),
    "growth": ("ratio", "(N(W) − N(P)) / max(N(P), 1)"),
    "acceleration": ("posts/day²", "(v₂ − v₁) / (d/2), v₁ v₂ = posts/day in W's first and second half"),
    "sentiment_mean": ("score", "mean s_i over W"),
    "sentiment_velocity": ("score/day", "(mean s in W's second half − mean s in first half) / (d/2)"),
    "sentiment_shift": ("score", "mean s over W − mean s over P"),
    "positive_share": ("share", "#{label = positive} / N(W)"),
    "negative_share": ("share", "#{label = negative} / N(W)"),
    "net_sentiment": ("share", "positive_share − negative_share"),
    "sentiment_dispersion": ("score", "standard deviation of s_i over W (polarisation)"),
    "unique_authors": ("authors", "|A(W)|"),
    "new_author_share": ("share", "|A(W) − A(before W)| / |A(W)|"),
    "new_ngram_share": ("share", "|B(W) − B(P)| / |B(W)|, B = distinct word bigrams"),
    "posts_per_author": ("posts", "N(W) / |A(W)|"),
    "engagement_rate": ("per post", "Σ (likes + reposts + replies) / N(W)"),
    "amplification_rate": ("per post", "Σ reposts / N(W)"),
    "reach_proxy": ("accounts", "|A(W)| + Σ reposts (each repost shows the post to another audience)"),
    "share_of_voice": ("share", "N(W) / Σ over subjects N(W)"),
    "burstiness": ("index", "(σ − μ) / (σ + μ) of gaps between consecutive posts (Goh–Barabási; −1 regular, 0 random, 1 bursty)"),
    "peak_ratio": ("ratio", "max H / mean H"),
    "attention_half_life": ("hours", "hours from the peak hour until H first falls to ≤ half the peak"),
    "duplicate_share": ("share", "posts whose text_key repeats within W / N(W) (copy-paste bursts)"),
    "author_concentration": ("index", "Σ_a (posts by a / N(W))² (Herfindahl; 1 = one account)"),
    "top_author_share": ("share", "posts by the most active author / N(W)"),
}


@lru_cache(maxsize=65_536)
def _text_bigrams(text: str) -> frozenset[tuple[str, str]]:
    """One post's word bigrams, cached: a score reads each post in up to ~16 overlapping windows
    (the current one, the previous one, the history), so most lookups are repeats."""
    words = _WORD.findall(text.lower())
    return frozenset(zip(words, words[1:]))


def _bigrams(texts: np.ndarray) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for text in texts.tolist():
        out.update(_text_bigrams(text))
    return out


def _burstiness(seconds: np.ndarray) -> float:
    if len(seconds) < 3:
        return 0.0
    gaps = np.diff(np.sort(seconds)).astype(float)
    mu, sigma = gaps.mean(), gaps.std()
    return float((sigma - mu) / (sigma + mu)) if sigma + mu > 0 else 0.0


def _half_life(hourly: np.ndarray) -> float:
    if hourly.max() <= 0:
        return 0.0
    peak = int(hourly.argmax())
    after = np.nonzero(hourly[peak:] <= hourly[peak] / 2)[0]
    return float(after[0]) if len(after) else float(len(hourly) - peak)


def compute_metrics(frame: pd.DataFrame, end: datetime, days: float, peer_volume: int, *, ngrams: bool = True) -> dict[str, float]:
    """Every metric in DEFINITIONS for the window ending at `end` (exclusive). Empty W gives zeros
    except where a ratio has no meaning, which is 0 by convention (stated in docs/hype.md).
    `ngrams=False` leaves out new_ngram_share, the costliest metric (every post's bigrams), for
    reference windows whose metrics only feed the weighted ones (`engines.hype.score.WEIGHTS`).

    Works on the frame's columns as numpy arrays (a score computes this for ~50 windows, and
    slicing whole DataFrames per window cost more than the arithmetic). Posts at or after `end`
    are ignored, so callers need not cut the frame first."""
    start, prev_start = end - timedelta(days=days), end - timedelta(days=2 * days)
    times = frame["created_at"].to_numpy(dtype="datetime64[ns]")
    t_start, t_end = np.datetime64(start, "ns"), np.datetime64(end, "ns")
    in_w = (times >= t_start) & (times < t_end)
    in_p = (times >= np.datetime64(prev_start, "ns")) & (times < t_start)
    n, n_prev = int(in_w.sum()), int(in_p.sum())
    m: dict[str, float] = dict.fromkeys((k for k in DEFINITIONS if ngrams or k != "new_ngram_share"), 0.0)
    m["growth"] = (n - n_prev) / max(n_prev, 1)
    if n == 0:
        return m
    seconds = (times[in_w] - t_start) / np.timedelta64(1, "s")
    half = days / 2
    second = seconds >= half * 86400
    first = ~second
    sentiment = frame["sentiment"].to_numpy(dtype=float)
    s = sentiment[in_w]
    labels = frame["label"].to_numpy(dtype=object)[in_w]
    all_authors = frame["author"].to_numpy(dtype=object)
    authors, author_counts = np.unique(all_authors[in_w], return_counts=True)
    engagement = frame[["likes", "reposts", "replies"]].to_numpy(dtype=float)[in_w]
    hourly = np.bincount(np.clip(seconds // 3600, 0, int(np.ceil(days * 24)) - 1).astype(int), minlength=int(np.ceil(days * 24))).astype(float)
    earlier_authors = set(all_authors[times < t_start].tolist())
    _, key_index, key_counts = np.unique(frame["text_key"].to_numpy(dtype=object)[in_w], return_inverse=True, return_counts=True)
    reposts = float(engagement[:, 1].sum())
    m.update(
        volume=n,
        velocity=n / days,
        acceleration=(second.sum() / half - first.sum() / half) / half,
        sentiment_mean=float(s.mean()),
        sentiment_velocity=(float(s[second].mean()) - float(s[first].mean())) / half if first.any() and second.any() else 0.0,
        sentiment_shift=float(s.mean() - np.nanmean(sentiment[in_p])) if n_prev and not np.isnan(sentiment[in_p]).all() else 0.0,  # peers read for volume only have no sentiment
        positive_share=float((labels == "positive").mean()),
        negative_share=float((labels == "negative").mean()),
        sentiment_dispersion=float(s.std()),
        unique_authors=len(authors),
        new_author_share=len(set(authors.tolist()) - earlier_authors) / len(authors),
        posts_per_author=n / len(authors),
        engagement_rate=float(engagement.sum() / n),
        amplification_rate=reposts / n,
        reach_proxy=len(authors) + reposts,
        share_of_voice=n / max(peer_volume, n),
        burstiness=_burstiness(seconds),
        peak_ratio=float(hourly.max() / hourly.mean()),
        attention_half_life=_half_life(hourly),
        duplicate_share=float((key_counts[key_index] > 1).mean()),
        author_concentration=float(((author_counts / n) ** 2).sum()),
        top_author_share=float(author_counts.max() / n),
    )
    m["net_sentiment"] = m["positive_share"] - m["negative_share"]
    if ngrams:
        texts = frame["text"].to_numpy(dtype=object)
        bigrams_w = _bigrams(texts[in_w])
        m["new_ngram_share"] = len(bigrams_w - _bigrams(texts[in_p])) / len(bigrams_w) if bigrams_w else 0.0
    return {k: float(v) for k, v in m.items()}


def describe(values: dict[str, float]) -> list[Metric]:
    """The metrics with their units and formulas, in DEFINITIONS order (for the tool's breakdown)."""
    return [Metric(name=k, value=round(values[k], 4), unit=DEFINITIONS[k][0], formula=DEFINITIONS[k][1]) for k in DEFINITIONS]

