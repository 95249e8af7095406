"""The weighted hype metrics under resampled posts: the sampling error behind the score's interval.

Poisson bootstrap (Hanley & MacGibbon 2006; Chamandy et al. 2012): each post of the scored window W
gets a weight drawn from Poisson(1), the count of the previous window P is drawn from Poisson(N(P)).
Unlike resampling a fixed N with replacement this lets the volume itself vary as a count does
(variance N), which the volume metrics need. The formulas are those of `engines.hype.metrics`
with every sum weighted; `weighted_metrics` with all weights 1 gives exactly `compute_metrics`'s
values (a test pins it).
"""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pandas as pd

DRAWS = 200  # replicates: the 5th and 95th percentiles of 200 draws move by ~1 point between seeds


def weighted_metrics(frame: pd.DataFrame, end: datetime, days: float, peer_volume: int, weights: np.ndarray, previous_counts: np.ndarray) -> dict[str, np.ndarray]:
    """The score's weighted metrics (see `engines.hype.score.WEIGHTS`) for each row of `weights`
    (draws × posts in W, in frame order) and `previous_counts` (one N(P) per draw).
    `peer_volume` is N(W) summed over every subject; the other subjects' posts are held fixed."""
    start = end - timedelta(days=days)
    times = frame["created_at"].to_numpy(dtype="datetime64[ns]")
    t_start = np.datetime64(start, "ns")
    in_w = (times >= t_start) & (times < np.datetime64(end, "ns"))
    n = int(in_w.sum())
    volume = weights.sum(axis=1)
    safe = np.maximum(volume, 1.0)
    half = days / 2
    second = ((times[in_w] - t_start) / np.timedelta64(1, "s") >= half * 86400).astype(float)
    labels = frame["label"].to_numpy(dtype=object)[in_w]
    polarity = (labels == "positive").astype(float) - (labels == "negative").astype(float)
    engagement = frame[["likes", "reposts", "replies"]].to_numpy(dtype=float)[in_w]
    reposts = weights @ engagement[:, 1]
    all_authors = frame["author"].to_numpy(dtype=object)
    authors, codes = np.unique(all_authors[in_w], return_inverse=True)
    order = np.argsort(codes, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(codes[order]) != 0]) if n else np.zeros(0, dtype=int)
    present = np.add.reduceat(weights[:, order], starts, axis=1) > 0 if n else np.zeros((len(weights), 0), dtype=bool)
    earlier = set(all_authors[times < t_start].tolist())
    is_new = np.array([a not in earlier for a in authors.tolist()], dtype=float)
    unique = present.sum(axis=1)
    return {
        "velocity": volume / days,
        "growth": (volume - previous_counts) / np.maximum(previous_counts, 1),
        "acceleration": (weights @ second - weights @ (1.0 - second)) / half / half,
        "net_sentiment": weights @ polarity / safe,
        "engagement_rate": weights @ engagement.sum(axis=1) / safe,
        "reach_proxy": unique + reposts,
        "share_of_voice": volume / np.maximum(peer_volume - n + volume, np.maximum(volume, 1.0)),
        "new_author_share": present @ is_new / np.maximum(unique, 1),
    }


def replicate(frame: pd.DataFrame, end: datetime, days: float, peer_volume: int, draws: int = DRAWS, seed: int = 0) -> dict[str, np.ndarray]:
    """`draws` Poisson-bootstrap replicates of the weighted metrics of the window ending at `end`."""
    times = frame["created_at"].to_numpy(dtype="datetime64[ns]")
    start, t_end = np.datetime64(end - timedelta(days=days), "ns"), np.datetime64(end, "ns")
    n = int(((times >= start) & (times < t_end)).sum())
    n_prev = int(((times >= np.datetime64(end - timedelta(days=2 * days), "ns")) & (times < start)).sum())
    rng = np.random.default_rng(seed)
    return weighted_metrics(frame, end, days, peer_volume, rng.poisson(1.0, (draws, n)).astype(float), rng.poisson(n_prev, draws).astype(float))
