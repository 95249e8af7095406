import numpy as np
import pandas as pd

from engines.forecast import models
from engines.forecast.history import Series


def weekly(y, freq="W"):
    y = np.asarray(y, dtype=float)
    return Series(y, pd.date_range("2020-01-06", periods=len(y), freq="W-MON" if freq == "W" else "MS"), freq)


def test_seasonal_naive_repeats_last_season_and_falls_back_to_naive():
    s = weekly(np.arange(24) % 12 + 1.0, "M")
    assert models.seasonal_naive(s, 14).tolist() == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2]
    assert models.seasonal_naive(weekly([3.0, 4.0, 9.0]), 2).tolist() == [9.0, 9.0]


def test_croston_and_tsb_forecast_the_rate():
    y = np.array([0, 0, 6, 0, 0, 6, 0, 0, 6, 0, 0, 6.0])
    rate = models.croston(weekly(y), 3)
    assert np.allclose(rate, rate[0]) and 1.0 < rate[0] < 3.0  # about 6 every 3 periods
    stopped = np.r_[y, np.zeros(12)]
    assert models.tsb(weekly(stopped), 1)[0] < models.tsb(weekly(y), 1)[0]  # TSB decays when sales stop
    assert models.croston(weekly(np.zeros(10)), 2).tolist() == [0.0, 0.0]


def test_theta_follows_a_trend_and_ses_stays_flat():
    y = 10 + 2.0 * np.arange(30)
    th = models.theta(weekly(y), 4)
    assert np.all(np.diff(th) > 0) and th[0] > y[-1] - 5
    flat = models.ses(weekly(np.full(20, 7.0)), 3)
    assert np.allclose(flat, 7.0)


def test_seasonal_indices_recover_a_multiplicative_pattern():
    pattern = np.array([0.5, 1.0, 1.5, 1.0])
    y = np.tile(pattern, 6) * 100
    idx, mult = models.seasonal_indices(y, 4)
    assert mult and np.allclose(idx, pattern, atol=1e-6)


def test_forecasts_are_never_negative():
    falling = weekly(np.linspace(100, 0, 30))
    for name in ("theta", "naive", "recent_mean", "recent_median", "ses"):
        assert np.all(models.MODELS[name](falling, 10) >= 0), name


def test_candidates_depend_on_the_series():
    intermittent = weekly(np.tile([0, 0, 4.0], 10))
    assert {"croston", "tsb"} <= set(models.candidates(intermittent))
    short = weekly(np.arange(1.0, 40.0))
    assert "prophet" not in models.candidates(short) and "ets" not in models.candidates(short)
    long = weekly(np.arange(1.0, 40.0), "M")
    assert {"prophet", "ets", "seasonal_naive"} <= set(models.candidates(long))
    assert "prophet" not in models.candidates(long, use_prophet=False)
