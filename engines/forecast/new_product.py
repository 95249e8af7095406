"""Forecasting a product with no history from analog products' launch curves.

WHY: a new product has nothing to backtest, but products described alike tend to launch alike.
The analogs (found by the caller, e.g. by embedding similarity) each contribute their sales since
their own first sale, so every curve starts at "launch".

Combination, with analog curves c_i (periods since launch) and similarities s_i (cosine, 0–1):
- weights w_i = max(s_i, 0)² / Σ max(s_j, 0)² (squaring favours the closest analogs);
- scale: each curve is divided by its mean over the first L periods (L = the horizon or its
  length if shorter), so the shape and the size are separated: shape(k) = Σ w_i c_i(k)/mean_i;
- size: the weighted median of the analogs' means (one unusually big seller does not set the level);
- forecast(k) = size · shape(k); the interval at step k is the weighted 10th–90th percentile of
  the scaled analogs size·c_i(k)/mean_i: the spread between analogs is the uncertainty.
- Beyond the analogs' own histories the curve is extended by a Bass fit to it (bass.py), and the
  whole curve can be tilted by hype through the Bass parameters.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.forecast import bass


@dataclass(frozen=True)
class Analog:
    name: str
    similarity: float
    curve: np.ndarray  # sales per period since its first sale


@dataclass(frozen=True)
class LaunchForecast:
    yhat: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    weights: dict[str, float]
    bass: bass.BassParams | None


def _weighted_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return float(values[order][np.searchsorted(cum, q * cum[-1])])


def combine(analogs: list[Analog], h: int, hype: float | None = None) -> LaunchForecast:
    """The launch forecast for h periods from the analogs (formulas in the module doc)."""
    usable = [a for a in analogs if len(a.curve) > 0 and np.sum(a.curve) > 0 and a.similarity > 0]
    if not usable:
        raise ValueError("no analog product with sales to learn a launch curve from")
    w = np.array([a.similarity**2 for a in usable])
    w = w / w.sum()
    longest = max(len(a.curve) for a in usable)
    span = min(h, longest)
    means = np.array([float(np.mean(np.clip(a.curve[:span], 0, None))) for a in usable])
    size = _weighted_quantile(means, w, 0.5)
    scaled = np.full((len(usable), span), np.nan)
    for i, a in enumerate(usable):
        part = np.clip(a.curve[:span], 0, None) / means[i]
        scaled[i, : len(part)] = part
    point, lower, upper = (np.empty(span) for _ in range(3))
    for k in range(span):
        have = ~np.isnan(scaled[:, k])
        vals, wk = scaled[have, k], w[have]
        point[k] = size * float(np.sum(vals * wk) / wk.sum())
        lower[k] = size * _weighted_quantile(vals, wk, 0.1)
        upper[k] = size * _weighted_quantile(vals, wk, 0.9)
    params = bass.fit(point) if span >= 3 else None
    if params is not None and hype is not None:
        adjusted = bass.with_hype(params, hype)
        tilt = bass.per_period(adjusted, span) / np.maximum(bass.per_period(params, span), 1e-9)
        point, lower, upper = point * tilt, lower * tilt, upper * tilt
        params = adjusted
    if h > span:
        if params is None:
            raise ValueError("analog histories are too short to extend the launch curve")
        tail = bass.per_period(params, h - span, start=span)
        ratio_lo = lower[-1] / point[-1] if point[-1] > 0 else 0.5
        ratio_hi = upper[-1] / point[-1] if point[-1] > 0 else 1.5
        point = np.concatenate([point, tail])
        lower = np.concatenate([lower, tail * ratio_lo])
        upper = np.concatenate([upper, tail * ratio_hi])
    return LaunchForecast(point, np.minimum(lower, point), np.maximum(upper, point), {a.name: float(x) for a, x in zip(usable, w)}, params)
