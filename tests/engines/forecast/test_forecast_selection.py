import numpy as np
import pandas as pd
import pytest

from engines.forecast.history import Series
from engines.forecast.selection import EngineConfig, TooLittleHistory, forecast

FAST = EngineConfig(use_prophet=False)


def seasonal_monthly(n=72, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    y = (100 + 0.5 * t) * (1 + 0.3 * np.sin(2 * np.pi * t / 12)) + rng.normal(0, 2, n)
    return Series(y, pd.date_range("2015-01-01", periods=n, freq="MS"), "M")


def test_seasonal_series_gets_a_seasonal_model_and_beats_naive():
    full = seasonal_monthly(84)
    train = full.head(72)
    res = forecast(train, 12, FAST)
    actual = full.y[72:]
    assert any(name in res.weights for name in ("ets", "theta", "ses", "seasonal_naive"))
    naive_err = np.mean(np.abs(actual - train.y[-1]))
    assert np.mean(np.abs(actual - res.yhat)) < 0.5 * naive_err
    assert np.all(res.lower <= res.yhat) and np.all(res.yhat <= res.upper)
    assert sum(res.weights.values()) == pytest.approx(1.0)
    assert res.ds[0] == pd.Timestamp("2021-01-01") and len(res.ds) == 12


def test_deterministic_and_blind_to_the_future():
    y = np.random.default_rng(3).poisson(30, 40).astype(float)
    s = Series(y, pd.date_range("2020-01-06", periods=40, freq="W-MON"), "W")
    a = forecast(s.head(30), 6, FAST)
    b = forecast(s.head(30), 6, FAST)
    assert np.array_equal(a.yhat, b.yhat) and np.array_equal(a.upper, b.upper) and a.weights == b.weights
    changed = Series(np.r_[y[:30], y[30:] * 10], s.ds, "W")
    assert np.array_equal(forecast(changed.head(30), 6, FAST).yhat, a.yhat)


def test_intermittent_series_is_flagged():
    y = np.tile([0, 0, 0, 5.0], 8)
    res = forecast(Series(y, pd.date_range("2020-01-06", periods=len(y), freq="W-MON"), "W"), 4, FAST)
    assert res.intermittent and np.all(res.yhat >= 0)


def test_too_little_history_and_bad_horizon():
    short = Series(np.ones(5), pd.date_range("2020-01-06", periods=5, freq="W-MON"), "W")
    with pytest.raises(TooLittleHistory, match="5 periods"):
        forecast(short, 4, FAST)
    with pytest.raises(ValueError, match="horizon"):
        forecast(seasonal_monthly(), 0, FAST)


def test_prophet_candidate_runs_on_long_series():
    res = forecast(seasonal_monthly(48), 6, EngineConfig(inner_origins=1))
    assert "prophet" in res.model_errors


def test_calibration_cutoffs_move_the_interval_not_the_forecast():
    y = np.random.default_rng(5).poisson(30, 40).astype(float)
    s = Series(y, pd.date_range("2020-01-06", periods=40, freq="W-MON"), "W")
    latest = forecast(s, 8, EngineConfig(use_prophet=False, calibration_cutoffs=1))  # the latest cut-off only
    every = forecast(s, 8, FAST)  # the 9 origins one week apart over the weighting span
    assert np.array_equal(latest.yhat, every.yhat) and latest.weights == every.weights
    assert latest.backtest_mase == every.backtest_mase
    assert not np.array_equal(latest.upper, every.upper)
