"""An experiment's readout: per-variant metrics, each treatment against the control with the
always-valid test at every daily look, the sample-ratio check and the users still needed.

Every look d (end of each day since the start) uses the users exposed by then and their events
by then, so the p-value series is what someone who looked every day would have seen; the
always-valid p-value is the running minimum of 1/Λ over those looks (engines/experiments/sequential.py).
With k treatments each is tested at α/k (Bonferroni), so the chance of any false winner stays ≤ α.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from engines.experiments.metrics import BINARY, METRICS, Estimate, UserTotals, estimate, moments, user_totals
from engines.experiments.sequential import always_valid_p, critical_z, log_lambda, required_per_arm
from engines.experiments.srm import SRM_P, srm_p_value

MAX_LOOKS = 120  # longer experiments are looked at on evenly spaced days


@dataclass(frozen=True)
class Design:
    variants: list[tuple[str, float]]  # (name, weight); the first is the control
    metric: str
    mde: float  # relative, e.g. 0.05 = +5%
    alpha: float = 0.05
    power: float = 0.8
    baseline: float | None = None


@dataclass(frozen=True)
class Observations:
    """Exposed users and their events, as day offsets from the start (day 0 = the first day)."""

    user_variant: np.ndarray  # (n_users,) variant index
    user_day: np.ndarray  # (n_users,) exposure day
    ev_user: np.ndarray  # (n_events,) user index
    ev_action: np.ndarray  # action code (metrics.ACTIONS)
    ev_value: np.ndarray  # revenue of purchases, 0 otherwise
    ev_day: np.ndarray
    days: int  # looks: days 0 … days-1


class VariantResult(BaseModel):
    name: str
    users: int
    events: dict[str, int]
    metrics: dict[str, Estimate]


class Comparison(BaseModel):
    variant: str
    metric: str
    control: float | None
    value: float | None
    diff: float | None
    diff_low: float | None  # always-valid interval at the test's α
    diff_high: float | None
    lift: float | None  # relative to the control
    p_value: float  # always-valid p (running minimum over the daily looks)
    significant: bool


class Look(BaseModel):
    day: int
    users: list[int]
    values: list[float | None]  # the primary metric per variant
    p_values: list[float]  # per treatment


class Analysis(BaseModel):
    metric: str
    variants: list[VariantResult]
    comparisons: list[Comparison]
    looks: list[Look]
    srm_p: float | None
    srm: bool
    needed_per_arm: int | None
    remaining_per_arm: int | None
    mde_abs: float | None


def _look_days(days: int) -> list[int]:
    if days <= MAX_LOOKS:
        return list(range(days))
    return sorted(set(np.linspace(0, days - 1, MAX_LOOKS).round().astype(int).tolist()))


def _totals_by(obs: Observations, day: int) -> tuple[UserTotals, np.ndarray]:
    seen = obs.ev_day <= day
    totals = user_totals(len(obs.user_variant), obs.ev_user[seen], obs.ev_action[seen], obs.ev_value[seen])
    return totals, obs.user_day <= day


def _sigma2(metric: str, mean: float, var_of_mean: float, n: int) -> float:
    if metric in BINARY:
        return mean * (1 - mean)
    return var_of_mean * n


def analyse(design: Design, obs: Observations) -> Analysis:
    names = [v for v, _ in design.variants]
    k = len(names)
    alpha_each = design.alpha / max(1, k - 1)
    final, final_exposed = _totals_by(obs, max(obs.days - 1, 0))
    mean0, var0, n0 = moments(design.metric, final, final_exposed & (obs.user_variant == 0))
    tau2 = _tau2(design, mean0)
    looks: list[Look] = []
    log_lams: list[list[float]] = []
    for day in _look_days(max(obs.days, 1)):
        totals, exposed = _totals_by(obs, day)
        stats = [moments(design.metric, totals, exposed & (obs.user_variant == i)) for i in range(k)]
        m0, v0, _ = stats[0]
        row = []
        for mean, var, n in stats[1:]:
            diff, s2 = mean - m0, var + v0
            row.append(float(log_lambda(diff, s2, tau2)) if tau2 and not (math.isnan(diff) or math.isnan(s2)) else 0.0)
        log_lams.append(row)
        looks.append(Look(day=day, users=[n for _, _, n in stats], values=[None if math.isnan(m) else m for m, _, _ in stats], p_values=[]))
    p_series = always_valid_p(np.array(log_lams).T) if k > 1 else np.zeros((0, len(looks)))
    for j, look in enumerate(looks):
        look.p_values = [float(p_series[i, j]) for i in range(k - 1)]

    totals, exposed = final, final_exposed
    variants = []
    for i, name in enumerate(names):
        rows = exposed & (obs.user_variant == i)
        events = {a: int(totals.counts[rows, c].sum()) for c, a in enumerate(("views", "clicks", "add_to_carts", "wishlists", "purchases"))}
        variants.append(VariantResult(name=name, users=int(rows.sum()), events=events, metrics={m: estimate(m, totals, rows) for m in METRICS}))
    comparisons = []
    for i in range(1, k):
        mean, var, n = moments(design.metric, totals, exposed & (obs.user_variant == i))
        diff, s2 = mean - mean0, var + var0
        known = not (math.isnan(diff) or math.isnan(s2)) and s2 > 0 and tau2
        half = math.sqrt(s2) * critical_z(s2, tau2, alpha_each) if known else None
        p = float(p_series[i - 1, -1]) if len(looks) else 1.0
        comparisons.append(Comparison(variant=names[i], metric=design.metric, control=_num(mean0), value=_num(mean), diff=_num(diff),
                                      diff_low=None if half is None else diff - half, diff_high=None if half is None else diff + half,
                                      lift=diff / mean0 if known and mean0 else None, p_value=p, significant=p <= alpha_each))
    counts = [v.users for v in variants]
    srm_p = srm_p_value(counts, [w for _, w in design.variants])
    needed = remaining = None
    base = design.baseline if design.baseline is not None and (math.isnan(mean0) or n0 < 100) else mean0
    if not math.isnan(base) and base > 0:
        sigma2 = base * (1 - base) if design.metric in BINARY else (_sigma2(design.metric, mean0, var0, n0) if not math.isnan(var0) else math.nan)
        if not math.isnan(sigma2) and sigma2 > 0:
            needed = required_per_arm(sigma2, design.mde * base, alpha_each, design.power)
            remaining = max(0, needed - min(counts))
    return Analysis(metric=design.metric, variants=variants, comparisons=comparisons, looks=looks, srm_p=srm_p,
                    srm=srm_p is not None and srm_p < SRM_P, needed_per_arm=needed, remaining_per_arm=remaining,
                    mde_abs=None if math.isnan(base) else design.mde * base)


def _tau2(design: Design, control_mean: float) -> float:
    """τ² = (planned effect in absolute terms)²: the MDE times the planned baseline, else the control's
    value at the latest look (one τ for every look of a readout)."""
    base = design.baseline if design.baseline else (control_mean if not math.isnan(control_mean) and control_mean > 0 else None)
    return (design.mde * base) ** 2 if base else 0.0


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)
