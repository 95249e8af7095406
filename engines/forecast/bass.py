"""Bass diffusion for launch curves: how adoption of a new product rises, peaks and decays.

Cumulative adopters N(t) = m · (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t}); sales in period t are
N(t) − N(t−1). p is innovation (buying unprompted), q imitation (buying because others did), m the
market size. The peak comes at t* = ln(q/p)/(p+q).

Hype adjusts the curve: with hype H in 0–100 (50 = neutral), word of mouth scales
q' = q·(1 + 0.5·(H−50)/50) and reach m' = m·(1 + 0.3·(H−50)/50). Hype 100 gives 1.5× imitation and
1.3× market, hype 0 half the imitation and 0.7× the market: a launch people talk about peaks sooner
and higher. The coefficients are judgement, documented in docs/forecast.md, not fitted.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

#: Typical values (Sultan, Farley & Lehmann 1990 meta-analysis): a neutral starting point for fits.
P0, Q0 = 0.03, 0.38
HYPE_Q, HYPE_M = 0.5, 0.3


@dataclass(frozen=True)
class BassParams:
    p: float
    q: float
    m: float

    @property
    def peak_time(self) -> float:
        """t* = ln(q/p)/(p+q) (0 when q ≤ p: sales fall from launch)."""
        return float(np.log(self.q / self.p) / (self.p + self.q)) if self.q > self.p else 0.0


def cumulative(params: BassParams, t: np.ndarray) -> np.ndarray:
    """N(t) from the formula above."""
    e = np.exp(-(params.p + params.q) * np.asarray(t, dtype=float))
    return params.m * (1 - e) / (1 + (params.q / params.p) * e)


def per_period(params: BassParams, h: int, start: int = 0) -> np.ndarray:
    """Sales in periods start+1 … start+h: N(t) − N(t−1)."""
    t = np.arange(start, start + h + 1)
    return np.diff(cumulative(params, t))


def fit(sales: np.ndarray) -> BassParams:
    """Least-squares fit of (p, q, m) to per-period sales since launch (p, q in (0, 1), m ≥ total sold)."""
    y = np.clip(np.asarray(sales, dtype=float), 0, None)
    if len(y) < 3 or y.sum() <= 0:
        raise ValueError("a Bass fit needs at least 3 periods with some sales")
    total = float(y.sum())

    def resid(theta: np.ndarray) -> np.ndarray:
        return per_period(BassParams(*theta), len(y)) - y

    start = np.array([P0, Q0, 1.5 * total])
    sol = least_squares(resid, start, bounds=([1e-4, 1e-4, total], [1.0, 1.0, 50 * total]))
    return BassParams(*map(float, sol.x))


def with_hype(params: BassParams, hype: float) -> BassParams:
    """The curve adjusted by a hype score 0–100 (formula in the module doc)."""
    if not 0 <= hype <= 100:
        raise ValueError("hype must be between 0 and 100")
    d = (hype - 50) / 50
    return BassParams(params.p, params.q * (1 + HYPE_Q * d), params.m * (1 + HYPE_M * d))
