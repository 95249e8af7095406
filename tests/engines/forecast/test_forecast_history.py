import numpy as np
import pandas as pd
import pytest

from engines.forecast.history import infer_frequency, is_intermittent, is_product_code, last_complete_period, to_periods


def test_weeks_drop_partial_ends_fill_gaps_and_clip_returns():
    # data span Wed 2011-01-05 .. Fri 2011-01-28: complete weeks are those starting Mon 10, 17 Jan
    dates = pd.DatetimeIndex(["2011-01-05", "2011-01-11", "2011-01-12", "2011-01-25", "2011-01-28"])
    values = np.array([100.0, 5.0, 7.0, -3.0, 50.0])
    shaped = to_periods(dates, values, "W", pd.Timestamp("2011-01-05"), pd.Timestamp("2011-01-28"))
    assert list(shaped.series.ds.strftime("%Y-%m-%d")) == ["2011-01-10", "2011-01-17"]
    assert shaped.series.y.tolist() == [12.0, 0.0]
    assert shaped.zero_periods == 1


def test_negative_net_period_becomes_zero_and_is_counted():
    dates = pd.DatetimeIndex(["2011-01-03", "2011-01-04", "2011-01-10"])
    shaped = to_periods(dates, np.array([5.0, -9.0, 3.0]), "W", pd.Timestamp("2011-01-03"), pd.Timestamp("2011-01-16"))
    assert shaped.series.y.tolist() == [0.0, 3.0]
    assert shaped.returns_clipped == 1


def test_months_and_last_complete_period():
    dates = pd.date_range("2011-01-15", "2011-04-10", freq="D")
    shaped = to_periods(dates, np.ones(len(dates)), "M", dates[0], dates[-1])
    assert list(shaped.series.ds.strftime("%Y-%m")) == ["2011-02", "2011-03"]
    assert shaped.series.y.tolist() == [28.0, 31.0]
    assert last_complete_period(pd.Timestamp("2011-12-09"), "W") == pd.Timestamp("2011-11-28")
    assert last_complete_period(pd.Timestamp("2011-11-30"), "M") == pd.Timestamp("2011-11-01")


def test_no_complete_period_is_an_error():
    with pytest.raises(ValueError, match="no complete"):
        to_periods(pd.DatetimeIndex(["2011-01-05"]), np.ones(1), "M", pd.Timestamp("2011-01-05"), pd.Timestamp("2011-01-20"))


def test_intermittency_frequency_and_product_codes():
    assert is_intermittent(np.array([0, 0, 3, 0, 0, 5, 0, 0.0]))
    assert not is_intermittent(np.array([1, 2, 3, 2, 1, 2, 0, 4.0]))
    assert infer_frequency(pd.date_range("2020-01-03", periods=5, freq="W-FRI")) == "W"
    assert infer_frequency(pd.date_range("2020-01-01", periods=5, freq="MS")) == "M"
    assert infer_frequency(pd.date_range("2020-01-01", periods=5, freq="D")) == "D"
    assert is_product_code("85123A") and not is_product_code("POST") and not is_product_code("")
