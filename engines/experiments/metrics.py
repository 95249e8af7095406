"""Per-user outcomes and the per-variant metrics of an experiment, with their variances.

Units are users (assignment is per user, so users are the independent draws). For each exposed user,
counted from their exposure on: views, clicks, add-to-carts, purchases, revenue. Metrics:
- click_rate, add_to_cart_rate, conversion: the share of users with at least one click /
  add-to-cart / purchase; mean p̂, variance of the mean p̂(1 − p̂)/n; 95% Wilson interval;
- revenue_per_user: mean revenue ȳ, variance of the mean S²/n (S² the sample variance); 95% normal interval;
- ctr: clicks per view, R = Σc/Σv, a ratio of per-user sums, so its variance comes from the delta
  method: Var(R) ≈ Σ(cᵢ − R vᵢ)² / (n (n − 1) v̄²) (Deng, Knoblich & Lu, "Applying the Delta Method
  in Metric Analytics", KDD 2018); 95% normal interval.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel

ACTIONS = ("view", "click", "add_to_cart", "wishlist", "purchase")
ACTION_CODE = {a: i for i, a in enumerate(ACTIONS)}
Metric = Literal["click_rate", "ctr", "add_to_cart_rate", "conversion", "revenue_per_user"]
METRICS: tuple[str, ...] = ("click_rate", "ctr", "add_to_cart_rate", "conversion", "revenue_per_user")
METRIC_LABELS = {"click_rate": "click rate (users who clicked)", "ctr": "CTR (clicks per view)", "add_to_cart_rate": "add-to-cart rate",
                 "conversion": "conversion (users who bought)", "revenue_per_user": "revenue per user"}
BINARY = {"click_rate": 1, "add_to_cart_rate": 2, "conversion": 4}  # metric → action code
Z95 = 1.959963984540054


@dataclass(frozen=True)
class UserTotals:
    """Per-user sums over a set of events (rows = users)."""

    counts: np.ndarray  # (n_users, len(ACTIONS)) event counts
    revenue: np.ndarray  # (n_users,)


def user_totals(n_users: int, ev_user: np.ndarray, ev_action: np.ndarray, ev_value: np.ndarray) -> UserTotals:
    counts = np.zeros((n_users, len(ACTIONS)))
    np.add.at(counts, (ev_user, ev_action), 1.0)
    bought = ev_action == ACTION_CODE["purchase"]
    revenue = np.bincount(ev_user[bought], weights=ev_value[bought], minlength=n_users).astype(float)
    return UserTotals(counts, revenue)


class Estimate(BaseModel):
    value: float | None
    low: float | None = None
    high: float | None = None


def moments(metric: str, totals: UserTotals, rows: np.ndarray) -> tuple[float, float, int]:
    """(mean, variance of the mean, n) of `metric` over the users `rows` (formulas above); (nan, nan, n) without data."""
    n = int(rows.sum()) if rows.dtype == bool else len(rows)
    if n == 0:
        return math.nan, math.nan, 0
    if metric in BINARY:
        p = float((totals.counts[rows, BINARY[metric]] > 0).mean())
        return p, p * (1 - p) / n, n
    if metric == "revenue_per_user":
        y = totals.revenue[rows]
        return float(y.mean()), float(y.var(ddof=1)) / n if n > 1 else math.nan, n
    views, clicks = totals.counts[rows, ACTION_CODE["view"]], totals.counts[rows, ACTION_CODE["click"]]
    if views.sum() == 0 or n < 2:
        return math.nan, math.nan, n
    r = float(clicks.sum() / views.sum())
    return r, float(((clicks - r * views) ** 2).sum() / (n * (n - 1) * views.mean() ** 2)), n


def estimate(metric: str, totals: UserTotals, rows: np.ndarray) -> Estimate:
    """The metric with its 95% interval (Wilson for shares, normal otherwise)."""
    mean, var, n = moments(metric, totals, rows)
    if math.isnan(mean):
        return Estimate(value=None)
    if metric in BINARY:
        centre = (mean + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
        half = Z95 * math.sqrt(mean * (1 - mean) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
        return Estimate(value=mean, low=max(0.0, centre - half), high=min(1.0, centre + half))
    half = Z95 * math.sqrt(var) if not math.isnan(var) else math.nan
    return Estimate(value=mean, low=None if math.isnan(half) else mean - half, high=None if math.isnan(half) else mean + half)
