"""The hype score 0–100 with its interval: metrics compared with what is usual for the subject (or,
with too little history, for comparable subjects), counting only deviations beyond chance; combined
with fixed, documented weights; an emoji state.

Reference windows (none overlaps another or the scored window W):
  own history = the subject's windows of the same length ending d, 2d, … HISTORY_WINDOWS·d before
  W's end, each with ≥ MIN_POSTS posts, used when ≥ MIN_HISTORY exist; otherwise
  comparable subjects = the peers' windows ending at W's end and at the same earlier ends (≥ MIN_PEER
  windows needed) — a launch with no past is measured on absolute volume and reach against them;
  otherwise none, and every metric is neutral.
Per weighted metric x with reference values r₁…r_k (mean r̄, sample variance s²) and sampling
error se(x) (sd of x over the Poisson-bootstrap replicates, `engines.hype.bootstrap`):
  σ = √(max(s², se²) · (1 + 1/k))   spread of x − r̄ when nothing has changed
  z = (x − r̄) / σ,  e = sign(z) · max(0, |z| − CHANCE_Z)   only evidence beyond chance counts
  u = Φ(e)   (0.5 = usual; Φ the standard normal CDF)
Score = 100 · Σ w_m u_m with WEIGHTS (they sum to 1): a stationary stream sits at 50; the spread
it shows over many seeds is measured by `python -m evals.hype_calm` and stated in docs/hype.md.
Interval: the 5th–95th percentile of the score over DRAWS Poisson-bootstrap replicates of W's posts
(the references and σ held fixed), widened to contain the point score. It narrows as posts add up
behind a real change; alerts fire on it (`engines.hype.watch.decide`), not on the point score.
State: 🔥 score ≥ 70 and not falling; 🧊 score < 30 and not rising; else 📈 / 📉 when the score moved
by ≥ 5 points since the previous window, else 😐.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

import numpy as np
import pandas as pd
from pydantic import BaseModel
from scipy.special import ndtr

from engines.hype.bootstrap import replicate
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
HISTORY_WINDOWS = 6  # non-overlapping windows back: 6 weeks for the default 7-day window
MIN_HISTORY, MIN_PEER = 3, 2
CHANCE_Z = 1.96  # deviations within the 95 % band of chance move nothing
INTERVAL = (5.0, 95.0)  # percentiles of the bootstrap scores: a 90 % interval
OWN, PEERS, NONE = "own history", "comparable subjects", "none"


class Component(BaseModel):
    metric: str
    value: float
    weight: float
    usual: float | None  # mean over the reference windows, None without a reference
    z: float | None  # (value − usual) / σ
    normalised: float  # u = Φ(z shrunk by CHANCE_Z); 0.5 = nothing beyond chance
    points: float  # 100 · weight · u: this metric's contribution to the score


class HypeResult(BaseModel):
    score: float
    low: float  # the score's 90 % interval
    high: float
    previous_score: float | None
    state: str
    posts: int
    reference: str  # OWN, PEERS or NONE
    references: int  # how many reference windows
    components: list[Component]
    metrics: dict[str, float]


class Spread(BaseModel):
    """What is usual for one metric: reference mean, σ of a window's value around it."""

    usual: float
    sigma: float


def spreads(references: list[dict[str, float]], se: Mapping[str, float]) -> dict[str, Spread]:
    """Per weighted metric, r̄ and σ = √(max(s², se²)·(1 + 1/k)); empty without references."""
    k = len(references)
    if k == 0:
        return {}
    out = {}
    for name in WEIGHTS:
        values = np.array([r[name] for r in references], dtype=float)
        var = float(values.var(ddof=1)) if k > 1 else 0.0
        out[name] = Spread(usual=float(values.mean()), sigma=float(np.sqrt(max(var, se.get(name, 0.0) ** 2) * (1 + 1 / k))))
    return out


def _z(x: np.ndarray | float, spread: Spread) -> np.ndarray:
    diff = np.asarray(x, dtype=float) - spread.usual
    if spread.sigma < 1e-12:
        return np.where(np.abs(diff) < 1e-12, 0.0, np.sign(diff) * 10.0)
    return np.clip(diff / spread.sigma, -10.0, 10.0)


def _u(z: np.ndarray) -> np.ndarray:
    return ndtr(np.sign(z) * np.maximum(np.abs(z) - CHANCE_Z, 0.0))


def combine(metrics: Mapping[str, float], usual: Mapping[str, Spread]) -> tuple[float, list[Component]]:
    """Score and components of one window's metrics against what is usual (neutral without)."""
    components = []
    for name, weight in WEIGHTS.items():
        x = float(metrics[name])
        spread = usual.get(name)
        z = None if spread is None else float(_z(x, spread))
        u = 0.5 if z is None else float(_u(np.array(z)))
        components.append(Component(metric=name, value=round(x, 4), weight=weight, usual=None if spread is None else round(spread.usual, 4),
                                    z=None if z is None else round(z, 2), normalised=round(u, 4), points=round(100 * weight * u, 2)))
    return round(sum(c.points for c in components), 1), components


def replicate_scores(replicates: Mapping[str, np.ndarray], usual: Mapping[str, Spread]) -> np.ndarray:
    """The score of every bootstrap replicate (same references and σ)."""
    draws = len(next(iter(replicates.values())))
    total = np.zeros(draws)
    for name, weight in WEIGHTS.items():
        total += weight * (_u(_z(replicates[name], usual[name])) if name in usual else 0.5)
    return 100.0 * total


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


def _windows(frame: pd.DataFrame, ends: list[datetime], days: float, peer_volume: Callable[[datetime], int]) -> list[dict[str, float]]:
    """The weighted metrics of the windows ending at `ends` that hold ≥ MIN_POSTS posts."""
    out = []
    for e in ends:
        m = compute_metrics(frame, e, days, peer_volume(e), ngrams=False)
        if m["volume"] >= MIN_POSTS:
            out.append(m)
    return out


def reference_ends(end: datetime, days: float) -> list[datetime]:
    """Ends of the non-overlapping earlier windows: end − d, end − 2d, …"""
    return [end - timedelta(days=days * k) for k in range(1, HISTORY_WINDOWS + 1)]


def uses_own_history(frame: pd.DataFrame, end: datetime, days: float) -> bool:
    """Whether the subject has MIN_HISTORY earlier windows of MIN_POSTS posts (else peers are the
    reference, and their earlier windows need sentiment too). Counts only: callers ask before
    sentiment is known."""
    times = np.sort(frame["created_at"].dropna().to_numpy(dtype="datetime64[ns]"))
    ends = np.array([np.datetime64(e, "ns") for e in reference_ends(end, days)])
    counts = np.searchsorted(times, ends) - np.searchsorted(times, ends - np.timedelta64(int(days * 86400), "s"))
    return int((counts >= MIN_POSTS).sum()) >= MIN_HISTORY


def references(frame: pd.DataFrame, end: datetime, days: float, peers: Mapping[str, pd.DataFrame], peer_volume: Callable[[datetime], int]) -> tuple[str, list[dict[str, float]]]:
    """(which reference, its windows' metrics): own history when there is enough, else comparable subjects."""
    own = _windows(frame, reference_ends(end, days), days, peer_volume)
    if len(own) >= MIN_HISTORY:
        return OWN, own
    comparable = [m for p in peers.values() for m in _windows(p, [end, *reference_ends(end, days)], days, peer_volume)]
    return (PEERS, comparable) if len(comparable) >= MIN_PEER else (NONE, [])


def _assess(frame: pd.DataFrame, end: datetime, days: float, peers: Mapping[str, pd.DataFrame], *, ngrams: bool, seed: int) -> tuple[dict[str, float], str, int, dict[str, Spread], dict[str, np.ndarray]]:
    times = np.sort(np.concatenate([f["created_at"].dropna().to_numpy(dtype="datetime64[ns]") for f in (frame, *peers.values())]))

    def peer_volume(e: datetime) -> int:
        """N(window ending at e) summed over every subject: the share-of-voice denominator."""
        return int(np.searchsorted(times, np.datetime64(e, "ns")) - np.searchsorted(times, np.datetime64(e - timedelta(days=days), "ns")))

    total = peer_volume(end)
    current = compute_metrics(frame, end, days, total, ngrams=ngrams)
    kind, refs = references(frame, end, days, peers, peer_volume)
    draws = replicate(frame, end, days, total, seed=seed)
    usual = spreads(refs, {k: float(v.std()) for k, v in draws.items()})
    return current, kind, len(refs), usual, draws


def score_subject(frame: pd.DataFrame, end: datetime, days: float, peers: Mapping[str, pd.DataFrame], seed: int = 0) -> HypeResult:
    """Score one subject's window ending at `end` (exclusive), with its interval. `peers` maps
    comparable subjects to their post frames (same columns); they set share of voice and are the
    reference when the subject has too little history. The previous window is scored the same way,
    for the direction in the state emoji."""
    current, kind, k, usual, draws = _assess(frame, end, days, peers, ngrams=True, seed=seed)
    score, components = combine(current, usual)
    low, high = np.percentile(replicate_scores(draws, usual), INTERVAL)
    prev_end = end - timedelta(days=days)
    previous = None
    if int(((frame["created_at"] >= prev_end - timedelta(days=days)) & (frame["created_at"] < prev_end)).sum()) >= MIN_POSTS:
        prev_metrics, _, _, prev_usual, _ = _assess(frame, prev_end, days, peers, ngrams=False, seed=seed)
        previous = combine(prev_metrics, prev_usual)[0]
    return HypeResult(score=score, low=round(min(float(low), score), 1), high=round(max(float(high), score), 1), previous_score=previous, state=state(score, previous),
                      posts=int(current["volume"]), reference=kind, references=k, components=components, metrics=current)
