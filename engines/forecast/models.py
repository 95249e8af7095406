"""Candidate forecasters. Each is `f(series, h) -> h point forecasts`, never negative.

WHY several: no single model wins on retail demand. Smooth seasonal series suit exponential
smoothing or Theta, noisy SKUs suit a level (naive / recent mean), intermittent SKUs suit Croston/TSB,
and Prophet brings holidays. `selection.py` decides per series which to trust, by backtest.
"""
from __future__ import annotations

import logging
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

from engines.forecast.history import Series, is_intermittent

Forecaster = Callable[[Series, int], np.ndarray]

#: ISO-3166 codes Prophet's holiday calendars know, for the countries in the retail data.
COUNTRY_CODES: dict[str, str] = {
    "united kingdom": "GB", "uk": "GB", "gb": "GB", "germany": "DE", "france": "FR", "eire": "IE",
    "ireland": "IE", "spain": "ES", "netherlands": "NL", "belgium": "BE", "switzerland": "CH",
    "portugal": "PT", "australia": "AU", "norway": "NO", "italy": "IT", "finland": "FI",
    "sweden": "SE", "denmark": "DK", "austria": "AT", "japan": "JP", "poland": "PL",
    "united states": "US", "usa": "US", "us": "US", "canada": "CA", "israel": "IL", "greece": "GR",
}


def _nonneg(values: np.ndarray) -> np.ndarray:
    return np.clip(np.nan_to_num(np.asarray(values, dtype=float), nan=0.0), 0.0, None)


def naive(series: Series, h: int) -> np.ndarray:
    """Last value repeated: ŷ(t+k) = y(t)."""
    return np.full(h, series.y[-1], dtype=float)


def seasonal_naive(series: Series, h: int) -> np.ndarray:
    """Same period last season: ŷ(t+k) = y(t+k−m·⌈k/m⌉); the naive forecast when no full season exists."""
    m = series.season
    if len(series.y) < m:
        return naive(series, h)
    last = series.y[-m:]
    return np.array([last[k % m] for k in range(h)], dtype=float)


def recent_mean(series: Series, h: int) -> np.ndarray:
    """Mean of the last w = min(n, max(4, m/4)) periods: a level that ignores single spikes."""
    w = min(len(series.y), max(4, series.season // 4))
    return np.full(h, float(np.mean(series.y[-w:])))


#: Window of `recent_median`: two weeks of days, two months of weeks, a quarter of months.
MEDIAN_WINDOW = {"D": 14, "W": 8, "M": 3}


def recent_median(series: Series, h: int) -> np.ndarray:
    """Median of the last w periods (w per frequency, MEDIAN_WINDOW). The median is the forecast that
    minimises absolute error, and one bulk order does not move it: right for spiky SKU demand."""
    w = min(len(series.y), MEDIAN_WINDOW[series.freq])
    return np.full(h, float(np.median(series.y[-w:])))


def _seasonal(series: Series) -> bool:
    """Model seasonality only with two full seasons: one season cannot separate it from noise."""
    return len(series.y) >= 2 * series.season


def ets(series: Series, h: int) -> np.ndarray:
    """Holt–Winters exponential smoothing (statsmodels): additive damped trend and additive
    seasonality, fit on log(1+y) so that seasonal swings scale with the level. Offered only for
    series with two full seasons (see `candidates`)."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(np.log1p(series.y), trend="add", damped_trend=True, seasonal="add",
                                   seasonal_periods=series.season, initialization_method="estimated").fit()
        return _nonneg(np.expm1(fit.forecast(h)))


#: Smoothing constants tried by `_ses_fit`: a grid is exact enough and ~100x faster than an optimiser.
ALPHAS = np.linspace(0.02, 1.0, 50)


def _ses_fit(y: np.ndarray) -> tuple[float, float]:
    """Simple exponential smoothing ℓ(t) = α·y(t) + (1−α)·ℓ(t−1), ℓ(0) = y(0), with α the grid value
    that minimises the sum of squared one-step errors. Returns (α, final level ℓ(n))."""
    level = np.full(len(ALPHAS), y[0], dtype=float)
    sse = np.zeros(len(ALPHAS))
    for value in y[1:]:
        err = value - level
        sse += err**2
        level = level + ALPHAS * err
    best = int(np.argmin(sse))
    return float(ALPHAS[best]), float(level[best])


def seasonal_indices(y: np.ndarray, m: int) -> tuple[np.ndarray, bool]:
    """Classical decomposition: the ratio (or difference) of y to its centred m-period moving
    average, averaged per position in the season and normalised (mean 1, or mean 0). Multiplicative
    when every value is positive. Index j belongs to positions t ≡ j (mod m), t counted from 0."""
    multiplicative = bool(np.all(y > 0))
    kernel = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(y, kernel, mode="valid")
    offset = (len(kernel) - 1) // 2
    core = y[offset:offset + len(trend)]
    detr = core / trend if multiplicative else core - trend
    pos = (np.arange(len(detr)) + offset) % m
    idx = np.array([detr[pos == j].mean() for j in range(m)])
    return (idx / idx.mean(), True) if multiplicative else (idx - idx.mean(), False)


def _with_seasonality(series: Series, h: int, core: Callable[[np.ndarray, int], np.ndarray]) -> np.ndarray:
    """Run `core` on the seasonally adjusted series and put the season back (two seasons needed)."""
    y = series.y
    if not _seasonal(series):
        return _nonneg(core(y, h))
    m = series.season
    idx, mult = seasonal_indices(y, m)
    past = idx[np.arange(len(y)) % m]
    future = idx[(len(y) + np.arange(h)) % m]
    adjusted = y / past if mult else y - past
    out = core(adjusted, h)
    return _nonneg(out * future if mult else out + future)


def _ses_core(y: np.ndarray, h: int) -> np.ndarray:
    return np.full(h, _ses_fit(y)[1])


def _theta_core(y: np.ndarray, h: int) -> np.ndarray:
    """Theta(θ=2) in its SES-with-drift form (Hyndman & Billah 2003, as statsmodels' ThetaModel):
    ŷ(n+k) = ℓ(n) + (b/2)·[k − 1 + 1/α − (1−α)^n/α], b the OLS slope of y on time."""
    alpha, level = _ses_fit(y)
    n = len(y)
    slope = float(np.polyfit(np.arange(n), y, 1)[0]) if n > 1 else 0.0
    k = np.arange(1, h + 1)
    return level + slope / 2 * (k - 1 + 1 / alpha - (1 - alpha) ** n / alpha)


def ses(series: Series, h: int) -> np.ndarray:
    """Simple exponential smoothing (see `_ses_fit`), seasonally adjusted when two seasons exist."""
    return _with_seasonality(series, h, _ses_core)


def theta(series: Series, h: int) -> np.ndarray:
    """The Theta method (see `_theta_core`) on the seasonally adjusted series, as in the M3/M4 benchmark."""
    return _with_seasonality(series, h, _theta_core)


def croston(series: Series, h: int, alpha: float = 0.1) -> np.ndarray:
    """Croston with the Syntetos–Boylan correction: smooth non-zero sizes z and intervals p
    separately (α = 0.1), forecast the rate (1 − α/2)·z/p, flat over the horizon."""
    y = series.y
    nz = np.flatnonzero(y > 0)
    if len(nz) == 0:
        return np.zeros(h)
    z, p = y[nz[0]], float(nz[0] + 1)
    for prev, cur in zip(nz[:-1], nz[1:]):
        z = z + alpha * (y[cur] - z)
        p = p + alpha * ((cur - prev) - p)
    return np.full(h, (1 - alpha / 2) * z / p)


def tsb(series: Series, h: int, alpha: float = 0.1, beta: float = 0.1) -> np.ndarray:
    """Teunter–Syntetos–Babai: smooth the demand probability every period (β) and the size on demand
    periods (α); forecast = probability × size. Unlike Croston it decays when a product stops selling."""
    y = series.y
    nz = np.flatnonzero(y > 0)
    if len(nz) == 0:
        return np.zeros(h)
    prob, size = 1.0 / max(1.0, len(y) / len(nz)), float(y[nz[0]])
    for value in y:
        prob += beta * (float(value > 0) - prob)
        if value > 0:
            size += alpha * (value - size)
    return np.full(h, prob * size)


def _silence_prophet() -> None:
    """Quiet Prophet and Stan. Called before and after importing prophet: the import resets the
    `prophet` level to INFO and logs a plotly ERROR we don't use; cmdstanpy installs its own INFO
    handler on first use when it finds none, so it is given a null one first."""
    for name in ("cmdstanpy", "prophet", "prophet.plot"):
        logger = logging.getLogger(name)
        if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
            logger.addHandler(logging.NullHandler())
        logger.setLevel(logging.CRITICAL)


def prophet_fit_predict(series: Series, h: int, *, holidays: bool, interval_width: float = 0.8) -> pd.DataFrame:
    """Fit Prophet on the series and predict h periods: columns yhat, yhat_lower, yhat_upper.
    With holidays=False and nothing else set this is the untuned `Prophet()` baseline. Prophet draws
    its intervals from numpy's global generator, so it is seeded here: same input, same intervals."""
    _silence_prophet()
    from prophet import Prophet

    _silence_prophet()
    np.random.seed(0)
    model = Prophet(interval_width=interval_width)
    code = COUNTRY_CODES.get((series.country or "").strip().lower())
    if holidays and code:
        model.add_country_holidays(country_name=code)
    model.fit(pd.DataFrame({"ds": series.ds.tz_localize(None) if series.ds.tz else series.ds, "y": series.y}))
    return model.predict(pd.DataFrame({"ds": series.future_dates(h)}))


def prophet(series: Series, h: int) -> np.ndarray:
    """Prophet with the series' country holidays (trend + the seasonalities its history supports)."""
    return _nonneg(prophet_fit_predict(series, h, holidays=True)["yhat"].to_numpy())


#: Every model by name; `candidates` picks which apply to a series.
MODELS: dict[str, Forecaster] = {
    "naive": naive, "seasonal_naive": seasonal_naive, "recent_mean": recent_mean, "recent_median": recent_median, "ses": ses,
    "ets": ets, "theta": theta, "croston": croston, "tsb": tsb, "prophet": prophet,
}


def candidates(series: Series, *, use_prophet: bool = True) -> list[str]:
    """The models worth trying on this series: Croston/TSB only for intermittent demand (they are
    level-only averages of non-zero sizes), seasonal naive only with a full season; Holt–Winters and
    Prophet only with two full seasons: with less neither can fit a yearly season, they reduce to a
    trend that Theta already covers at a hundredth of the cost, and on one-year weekly SKUs both
    measured worse than the level models."""
    names = ["naive", "recent_mean", "recent_median", "ses", "theta"]
    if len(series.y) >= series.season:
        names.append("seasonal_naive")
    if _seasonal(series):
        names.append("ets")
    if is_intermittent(series.y):
        names += ["croston", "tsb"]
    if use_prophet and _seasonal(series):
        names.append("prophet")
    return names
