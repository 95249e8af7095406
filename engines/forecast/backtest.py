"""Rolling-origin evaluation: cut-offs, and the error measures every comparison uses.

WHY rolling origin: one train/test split judges a model on one stretch of weeks; several cut-offs,
each forecasting from only what was known then, give an error that generalises to the next cut-off.
"""
from __future__ import annotations

import numpy as np


def cutoffs(n: int, h: int, origins: int, step: int, min_train: int) -> list[int]:
    """Up to `origins` cut-offs c (train = y[:c], test = y[c:c+h]), the latest ending at n, each
    `step` earlier, none leaving fewer than `min_train` points to learn from. Oldest first."""
    found = [n - h - j * step for j in range(origins)]
    return sorted(c for c in found if c >= min_train)


def mase_scale(y: np.ndarray, m: int) -> float:
    """In-sample seasonal-naive MAE: mean |y(t) − y(t−m)| over the training data (Hyndman &
    Koehler 2006). Falls back to m = 1 when the history is shorter than a season, and to the mean
    |y| (then 1) when the series is flat, so that MASE is always defined."""
    y = np.asarray(y, dtype=float)
    if len(y) <= m:
        m = 1
    if len(y) > m:
        scale = float(np.mean(np.abs(y[m:] - y[:-m])))
        if scale > 0:
            return scale
    level = float(np.mean(np.abs(y))) if len(y) else 0.0
    return level if level > 0 else 1.0


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    """MASE = mean |actual − forecast| / scale: below 1 beats the in-sample seasonal naive."""
    return float(np.mean(np.abs(np.asarray(actual) - np.asarray(forecast))) / scale)


def smape(actual: np.ndarray, forecast: np.ndarray) -> float:
    """sMAPE = mean 200·|a − f| / (|a| + |f|), in percent; a period where both are 0 counts 0."""
    a, f = np.asarray(actual, dtype=float), np.asarray(forecast, dtype=float)
    denom = np.abs(a) + np.abs(f)
    terms = np.where(denom > 0, 200.0 * np.abs(a - f) / np.where(denom > 0, denom, 1.0), 0.0)
    return float(np.mean(terms))


def coverage(actual: np.ndarray, lower: np.ndarray, upper: np.ndarray) -> float:
    """Share of actuals inside [lower, upper]: what an 80% interval's 80% is checked against."""
    a = np.asarray(actual, dtype=float)
    return float(np.mean((a >= lower) & (a <= upper)))
