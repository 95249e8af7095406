import numpy as np
import pytest

from engines.forecast.backtest import coverage, cutoffs, mase, mase_scale, smape
from engines.forecast.intervals import Calibration, calibrate, interval


def test_cutoffs_are_oldest_first_and_respect_min_train():
    assert cutoffs(52, 8, 3, 8, 10) == [28, 36, 44]
    assert cutoffs(20, 8, 3, 8, 10) == [12]
    assert cutoffs(10, 8, 3, 8, 10) == []


def test_mase_scale_seasonal_and_fallbacks():
    y = np.array([1, 5, 1, 5, 1, 5.0])
    assert mase_scale(y, 2) == pytest.approx(3.0)  # the season repeats exactly: falls back to mean |y|
    assert mase_scale(y, 1) == pytest.approx(4.0)
    assert mase_scale(np.zeros(5), 1) == 1.0
    assert mase(np.array([2, 4.0]), np.array([1, 1.0]), 2.0) == pytest.approx(1.0)


def test_smape_and_coverage():
    assert smape(np.array([0.0, 10.0]), np.array([0.0, 10.0])) == 0.0
    assert smape(np.array([0.0]), np.array([5.0])) == pytest.approx(200.0)
    assert coverage(np.array([1, 5, 9.0]), np.array([0, 0, 0.0]), np.array([2, 6, 8.0])) == pytest.approx(2 / 3)


def test_conformal_interval_covers_about_its_level_and_scales_with_the_forecast():
    rng = np.random.default_rng(0)
    steps = np.tile(np.arange(1, 9), 50)
    # errors growing with √k around a forecast of 999 (s = 1, so the size is s + |ŷ| = 1000)
    errors = rng.normal(0, 10, len(steps)) * np.sqrt(steps)
    cal = calibrate(errors, steps, np.full(len(steps), 999.0), 1.0, 0.8)
    fresh = rng.normal(0, 10, (2000, 8)) * np.sqrt(np.arange(1, 9))
    lo, hi = interval(np.full(8, 999.0), cal)
    inside = np.mean((999 + fresh >= lo) & (999 + fresh <= hi))
    assert 0.77 <= inside <= 0.86
    assert np.all(np.diff(hi) > 0)  # widens with the horizon
    _, hi_big = interval(np.full(8, 9999.0), cal)
    assert np.allclose(hi_big - 9999.0, 10 * (hi - 999.0))  # ten times the level, ten times the width
    assert np.all(interval(np.full(8, 0.1), Calibration(2.0, 1.0))[0] == 0)  # never below zero
