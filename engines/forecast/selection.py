"""The engine's forecast: per-series weighting of candidate models by an inner rolling-origin
backtest, then conformal intervals from the same backtest.

WHY weighting rather than picking one: with a handful of cut-offs the single best model is often
best by luck; averaging the few best (Makridakis et al., M4) is steadier. The inner backtest only
ever uses the history handed in, so an outer evaluation never leaks its test window into the choice.

Two sets of inner cut-offs, each origin forecasting inner_h = min(h, n − MIN_TRAIN) periods:
- weighting: `inner_origins` cut-offs ⌊inner_h/2⌋ apart, the latest ending at n. Each candidate's
  error E_i = mean over them of MASE; the `top_k` lowest get w_i ∝ 1/E_i (normalised to 1), the rest
  0. The combined forecast is Σ w_i·ŷ_i.
- calibration: origins spread over the same span, S = (inner_origins − 1)·⌊inner_h/2⌋ periods, at most
  `calibration_cutoffs` (C) of them: ⌈S/(C − 1)⌉ periods apart, the latest ending at n. With the
  defaults that is every period for h ≤ 13 (9 origins for h = 8, 13 for h = 12); C bounds the cost, each
  origin being one more fit of every candidate. The intervals are calibrated on the combination's
  errors at these (intervals.py says why more origins, and why from the same span).
Candidates are fitted once per cut-off of the union; one that fails at any of them is dropped.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from engines.forecast.backtest import cutoffs, mase, mase_scale
from engines.forecast.history import MASE_SEASON, Series, is_intermittent
from engines.forecast.intervals import calibrate, interval
from engines.forecast.models import MODELS, candidates

#: Fewer periods than this and the engine refuses: callers fall back to analog products.
MIN_HISTORY = 8
#: Smallest training set an inner cut-off may leave.
MIN_TRAIN = 6


class TooLittleHistory(ValueError):
    """The series is too short to fit and check a model on."""


@dataclass(frozen=True)
class EngineConfig:
    """Knobs of the engine; the defaults are what the eval measures."""

    inner_origins: int = 3
    calibration_cutoffs: int = 13
    top_k: int = 3
    level: float = 0.8
    use_prophet: bool = True


@dataclass(frozen=True)
class ForecastResult:
    ds: pd.DatetimeIndex
    yhat: np.ndarray
    lower: np.ndarray
    upper: np.ndarray
    level: float
    weights: dict[str, float]
    backtest_mase: float  # the combination's error at the inner cut-offs
    model_errors: dict[str, float] = field(default_factory=dict)  # every candidate's inner MASE
    intermittent: bool = False

    @property
    def model(self) -> str:
        """A readable name: the one model, or the weighted blend."""
        parts = sorted(self.weights.items(), key=lambda kv: -kv[1])
        if len(parts) == 1:
            return parts[0][0]
        return " + ".join(f"{w:.0%} {name}" for name, w in parts)


def _safe_forecast(name: str, series: Series, h: int) -> np.ndarray | None:
    """A candidate that fails to fit (degenerate data) is dropped, not fatal."""
    try:
        out = np.asarray(MODELS[name](series, h), dtype=float)
    except (ValueError, np.linalg.LinAlgError, RuntimeError, FloatingPointError):
        return None
    return out if out.shape == (h,) and np.all(np.isfinite(out)) else None


def forecast(series: Series, h: int, config: EngineConfig = EngineConfig()) -> ForecastResult:
    """Forecast h periods ahead with calibrated intervals (see module doc for the weighting)."""
    n = len(series.y)
    if h < 1:
        raise ValueError("horizon must be at least 1 period")
    if n < MIN_HISTORY:
        raise TooLittleHistory(f"{n} periods of history; at least {MIN_HISTORY} are needed")
    scale = mase_scale(series.y, MASE_SEASON[series.freq])
    inner_h = min(h, n - MIN_TRAIN)
    spacing = max(1, inner_h // 2)
    weight_cuts = cutoffs(n, inner_h, config.inner_origins, spacing, MIN_TRAIN)
    span = (config.inner_origins - 1) * spacing
    cal_step = max(1, -(-span // max(1, config.calibration_cutoffs - 1)))  # ⌈span / (cap − 1)⌉
    cal_cuts = cutoffs(n, inner_h, min(config.calibration_cutoffs, span // cal_step + 1), cal_step, MIN_TRAIN)
    cuts = sorted(set(weight_cuts) | set(cal_cuts))
    names = candidates(series, use_prophet=config.use_prophet)

    inner: dict[str, dict[int, np.ndarray]] = {name: {} for name in names}
    for c in cuts:
        train = series.head(c)
        for name in list(inner):
            pred = _safe_forecast(name, train, inner_h)
            if pred is None:
                inner.pop(name)
            else:
                inner[name][c] = pred
    if not inner:
        raise ValueError("no model could be fitted to this series")
    actual = {c: series.y[c:c + inner_h] for c in cuts}
    errors = {name: float(np.mean([mase(actual[c], preds[c], scale) for c in weight_cuts])) for name, preds in inner.items()}

    best = sorted(errors, key=errors.get)[: config.top_k]
    raw = np.array([1.0 / max(errors[name], 1e-9) for name in best])
    weights = dict(zip(best, raw / raw.sum()))

    combined = {c: sum(weights[name] * inner[name][c] for name in best) for c in cuts}
    residuals = np.concatenate([actual[c] - combined[c] for c in cal_cuts])
    steps = np.tile(np.arange(1, inner_h + 1), len(cal_cuts))
    cal = calibrate(residuals, steps, np.concatenate([combined[c] for c in cal_cuts]), scale, config.level)

    finals = {}
    for name in best:
        pred = _safe_forecast(name, series, h)
        if pred is not None:
            finals[name] = pred
    if not finals:
        raise ValueError("no model could be fitted to the full series")
    total = sum(weights[name] for name in finals)
    weights = {name: weights[name] / total for name in finals}
    yhat = sum(weights[name] * finals[name] for name in finals)
    lower, upper = interval(yhat, cal)
    return ForecastResult(
        ds=series.future_dates(h), yhat=yhat, lower=lower, upper=upper, level=config.level, weights=weights,
        backtest_mase=float(np.mean([mase(actual[c], combined[c], scale) for c in weight_cuts])),
        model_errors=errors, intermittent=is_intermittent(series.y),
    )
