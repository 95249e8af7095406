"""The hype score 0–100: metrics normalised against the subject's own history and its peers, then
combined with fixed, documented weights; a confidence from the sample size; an emoji state.

Normalisation, per weighted metric x:
  u_self = Φ((x − mean_h) / sd_h) over the same metric in the subject's earlier windows (≥ 3 needed),
  u_peer = Φ((x − mean_p) / sd_p) over the same metric for the other subjects in the same window (≥ 2),
  u = mean of the available ones (0.5 when neither exists), Φ the standard normal CDF.
  Metrics where lower means more hype would be flipped; all weighted ones point the same way.
Score = 100 · Σ w_m u_m / Σ w_m with WEIGHTS below (they sum to 1).
Confidence = max(0, 1 − 1.96·√(0.25/N)) · (0.5 + 0.5·coverage): the first factor is one minus the
95 % margin of error of a share measured on N posts, the second how many weighted metrics had a
reference to compare against (coverage ∈ [0, 1]).
State: 🔥 score ≥ 70 and not falling; 🧊 score < 30 and not rising; else 📈 / 📉 when the score moved
by ≥ 5 points since the previous window, else 😐.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from pydantic import BaseModel

from engines.hype.metrics import compute_metrics

WEIGHTS: dict[str, float] = {
    "velocity": 0.20,
    "growth": 0.15,
    "acceleration": 0.10,
    "net_sentiment": 0.15,
    "engagement_rate": 0.10,
    "reach_proxy": 0.10,
    "share_of_voice": 0.10,
    "new_author_share": 0.10,
}
MIN_POSTS = 20
HOT, COLD, MOVE = 70.0, 30.0, 5.0
HISTORY_WINDOWS = 6


class Component(BaseModel):
    metric: str
    value: float
    weight: float
    vs_history: float | None  # u_self, None when the subject has too little history
    vs_peers: float | None  # u_peer, None when there are too few peers
    normalised: float
    points: float  # weight · normalised · 100: this metric's contribution to the score


class HypeResult(BaseModel):
    score: float
    previous_score: float | None
    state: str
    confidence: float
    posts: int
    components: list[Component]
    metrics: dict[str, float]


def _phi(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def _relative(x: float, reference: list[float], minimum: int) -> float | None:
    if len(reference) < minimum:
        return None
    mean, sd = float(np.mean(reference)), float(np.std(reference))
    if sd < 1e-9:
        return 0.5 if abs(x - mean) < 1e-9 else (1.0 if x > mean else 0.0)
    return _phi((x - mean) / sd)


def combine(metrics: dict[str, float], history: list[dict[str, float]], peers: list[dict[str, float]]) -> tuple[float, list[Component], float]:
    """Score, components and coverage from one window's metrics and its references."""
    components: list[Component] = []
    covered = 0
    for name, weight in WEIGHTS.items():
        x = metrics[name]
        u_self = _relative(x, [h[name] for h in history], 3)
        u_peer = _relative(x, [p[name] for p in peers], 2)
        available = [u for u in (u_self, u_peer) if u is not None]
        covered += bool(available)
        u = float(np.mean(available)) if available else 0.5
        components.append(Component(metric=name, value=round(x, 4), weight=weight, vs_history=u_self, vs_peers=u_peer, normalised=round(u, 4), points=round(100 * weight * u, 2)))
    score = 100.0 * sum(c.weight * c.normalised for c in components) / sum(WEIGHTS.values())
    return round(score, 1), components, covered / len(WEIGHTS)


def confidence(posts: int, coverage: float) -> float:
    if posts <= 0:
        return 0.0
    return round(max(0.0, 1.0 - 1.96 * math.sqrt(0.25 / posts)) * (0.5 + 0.5 * coverage), 3)


def state(score: float, previous: float | None) -> str:
    delta = 0.0 if previous is None else score - previous
    if score >= HOT and delta >= 0:
        return "🔥"
    if score < COLD and delta <= 0:
        return "🧊"
    if delta >= MOVE:
        return "📈"
    if delta <= -MOVE:
        return "📉"
    return "😐"


def _history(frame: pd.DataFrame, end: datetime, days: float, peer_volume: Callable[[datetime], int]) -> list[dict[str, float]]:
    """The subject's metrics in earlier windows, stepping back one day at a time (at most
    HISTORY_WINDOWS), keeping windows with at least MIN_POSTS posts."""
    out = []
    for k in range(1, HISTORY_WINDOWS + 1):
        e = end - timedelta(days=k)
        m = compute_metrics(frame, e, days, peer_volume(e), ngrams=False)
        if m["volume"] >= MIN_POSTS:
            out.append(m)
    return out


def _score_at(frame: pd.DataFrame, end: datetime, days: float, peers: dict[str, pd.DataFrame], *, all_metrics: bool = True) -> tuple[dict[str, float], float, list[Component], float]:
    """Metrics, score, components and coverage of the window ending at `end`. History and peer
    windows get only the metrics the score uses; the window itself gets every metric unless
    `all_metrics` is False (the previous window, whose score alone is wanted)."""
    def peer_volume(e: datetime) -> int:
        start = e - timedelta(days=days)
        return sum(int(((f["created_at"] >= start) & (f["created_at"] < e)).sum()) for f in (frame, *peers.values()))

    total = peer_volume(end)
    current = compute_metrics(frame, end, days, total, ngrams=all_metrics)
    peer_metrics = [m for m in (compute_metrics(p, end, days, total, ngrams=False) for p in peers.values()) if m["volume"] >= MIN_POSTS]
    score, components, coverage = combine(current, _history(frame, end, days, peer_volume), peer_metrics)
    return current, score, components, coverage


def score_subject(frame: pd.DataFrame, end: datetime, days: float, peers: dict[str, pd.DataFrame]) -> HypeResult:
    """Score one subject's window ending at `end` (exclusive). `peers` maps other subjects to their
    post frames (same columns); they set share of voice and the peer normalisation. The previous
    window is scored the same way, for the direction in the state emoji."""
    current, score, components, coverage = _score_at(frame, end, days, peers)
    prev_end = end - timedelta(days=days)
    previous = None
    if int(((frame["created_at"] >= prev_end - timedelta(days=days)) & (frame["created_at"] < prev_end)).sum()) >= MIN_POSTS:
        previous = _score_at(frame, prev_end, days, peers, all_metrics=False)[1]
    n = int(current["volume"])
    return HypeResult(score=score, previous_score=previous, state=state(score, previous), confidence=confidence(n, coverage), posts=n, components=components, metrics=current)
