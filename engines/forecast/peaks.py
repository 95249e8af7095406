"""Peak window, time to peak and post-peak half-life of a forecast, with their uncertainty.

Definitions (periods are 1-based steps of the forecast):
- peak: the step with the largest forecast, ŷ_max;
- peak window: the first and last step with ŷ ≥ 0.9·ŷ_max (the forecast is within 10% of its max);
- time to peak: the peak step;
- half-life: steps after the peak until ŷ first drops to ≤ ½·ŷ_max; None if it never does within
  the horizon (demand does not decay that fast, or the horizon is too short to see it).

Uncertainty: `simulate_peaks` draws sample paths ŷ(k) + ε(k) with ε an AR(1) process (φ = 0.6, so
neighbouring periods err together, as real forecast errors do) whose marginal spread matches the
interval: sd(k) = half-width(k) / z, z = the normal quantile of the interval's level. The reported
ranges are the 10th–90th percentiles of each statistic over the paths, widened to include the point
forecast's own value (seeded: same input, same answer).
"""
from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

WINDOW_SHARE = 0.9
HALF = 0.5
AR_PHI = 0.6


@dataclass(frozen=True)
class PeakStats:
    peak_step: int
    window: tuple[int, int]
    half_life: int | None


@dataclass(frozen=True)
class PeakSummary:
    point: PeakStats
    peak_step_range: tuple[int, int]  # 10th–90th percentile over sample paths
    half_life_range: tuple[int, int] | None  # over the paths that do halve within the horizon
    share_halving: float  # share of paths that halve within the horizon


def peak_stats(curve: np.ndarray) -> PeakStats:
    """The statistics above for one curve."""
    y = np.asarray(curve, dtype=float)
    if len(y) == 0:
        raise ValueError("empty forecast")
    top = int(np.argmax(y))
    peak = y[top]
    inside = np.flatnonzero(y >= WINDOW_SHARE * peak) if peak > 0 else np.arange(len(y))
    after = np.flatnonzero(y[top + 1:] <= HALF * peak) if peak > 0 else np.array([], dtype=int)
    return PeakStats(top + 1, (int(inside[0]) + 1, int(inside[-1]) + 1), int(after[0]) + 1 if len(after) else None)


def simulate_peaks(point: np.ndarray, lower: np.ndarray, upper: np.ndarray, level: float, *, paths: int = 400, seed: int = 0) -> PeakSummary:
    """Peak statistics of the point forecast and their spread over simulated paths (see module doc)."""
    point = np.asarray(point, dtype=float)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    sd = (np.asarray(upper) - np.asarray(lower)) / (2 * z)
    rng = np.random.default_rng(seed)
    shocks = rng.standard_normal((paths, len(point)))
    eps = np.empty_like(shocks)
    eps[:, 0] = shocks[:, 0]
    for k in range(1, len(point)):
        eps[:, k] = AR_PHI * eps[:, k - 1] + np.sqrt(1 - AR_PHI**2) * shocks[:, k]
    sims = np.clip(point + eps * sd, 0.0, None)
    stats = [peak_stats(path) for path in sims]
    steps = np.array([s.peak_step for s in stats])
    halves = np.array([s.half_life for s in stats if s.half_life is not None])
    pct = lambda a: (int(np.percentile(a, 10)), int(np.ceil(np.percentile(a, 90))))  # noqa: E731
    central = peak_stats(point)
    lo, hi = pct(steps)
    return PeakSummary(central, (min(lo, central.peak_step), max(hi, central.peak_step)), pct(halves) if len(halves) else None, len(halves) / paths)
