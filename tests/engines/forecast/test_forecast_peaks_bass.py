import numpy as np
import pytest

from engines.forecast import bass
from engines.forecast.new_product import Analog, combine
from engines.forecast.peaks import peak_stats, simulate_peaks


def test_peak_window_time_to_peak_and_half_life():
    curve = np.array([10, 50, 95, 100, 92, 70, 48, 30.0])
    stats = peak_stats(curve)
    assert stats.peak_step == 4 and stats.window == (3, 5) and stats.half_life == 3
    assert peak_stats(np.array([1, 2, 3.0])).half_life is None


def test_simulated_peak_ranges_are_seeded_and_contain_the_point():
    curve = np.array([10, 50, 95, 100, 92, 70, 48, 30.0])
    a = simulate_peaks(curve, curve * 0.8, curve * 1.2, 0.8)
    b = simulate_peaks(curve, curve * 0.8, curve * 1.2, 0.8)
    assert a == b
    assert a.peak_step_range[0] <= 4 <= a.peak_step_range[1]
    wide = simulate_peaks(curve, curve * 0.1, curve * 3, 0.8)
    assert wide.peak_step_range[1] - wide.peak_step_range[0] >= a.peak_step_range[1] - a.peak_step_range[0]


def test_bass_fit_recovers_a_launch_curve():
    true = bass.BassParams(0.02, 0.4, 1000.0)
    sales = bass.per_period(true, 20)
    fit = bass.fit(sales)
    assert fit.p == pytest.approx(0.02, rel=0.1) and fit.q == pytest.approx(0.4, rel=0.1) and fit.m == pytest.approx(1000, rel=0.05)
    assert fit.peak_time == pytest.approx(true.peak_time, rel=0.1)
    with pytest.raises(ValueError):
        bass.fit(np.zeros(5))


def test_hype_brings_the_peak_forward_and_higher():
    base = bass.BassParams(0.02, 0.4, 1000.0)
    hot, cold = bass.with_hype(base, 100), bass.with_hype(base, 0)
    assert hot.peak_time < base.peak_time < cold.peak_time
    assert bass.per_period(hot, 30).max() > bass.per_period(base, 30).max()
    assert bass.with_hype(base, 50) == base
    with pytest.raises(ValueError):
        bass.with_hype(base, 120)


def test_analog_combination_weights_scales_and_extends():
    ramp = bass.per_period(bass.BassParams(0.03, 0.5, 500.0), 10)
    analogs = [Analog("close", 0.9, ramp), Analog("far", 0.3, ramp * 3), Analog("unrelated", -0.2, ramp)]
    out = combine(analogs, 16)
    assert set(out.weights) == {"close", "far"} and out.weights["close"] == pytest.approx(0.9)
    assert len(out.yhat) == 16 and np.all(out.lower <= out.yhat) and np.all(out.yhat <= out.upper)
    assert np.argmax(out.yhat) == np.argmax(ramp)  # same shape as the analogs
    hyped = combine(analogs, 16, hype=90)
    assert hyped.yhat[:10].sum() > out.yhat[:10].sum()
    with pytest.raises(ValueError, match="no analog"):
        combine([Analog("x", 0.5, np.zeros(5))], 4)
