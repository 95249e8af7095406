"""Price elasticity and analog reference prices (engines.persona.pricing)."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from engines.persona.pricing import Analogs, analog_reference, price_elasticity, weekly_buyers


def test_two_way_fixed_effects_recover_a_known_elasticity() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for product in range(40):
        level, base = rng.normal(0, 1), rng.uniform(1, 10)
        for week in range(20):
            price = base * np.exp(rng.normal(0, 0.2))
            rows.append((str(product), pd.Timestamp("2011-01-03") + pd.Timedelta(weeks=week), np.exp(level + 0.3 * np.sin(week) - 0.8 * np.log(price) + rng.normal(0, 0.05)), price))
    weekly = pd.DataFrame(rows, columns=["stock_code", "week", "buyers", "price"])
    fit = price_elasticity(weekly)
    assert fit.value == pytest.approx(-0.8, abs=0.03) and fit.products == 40 and fit.se < 0.02


def test_weekly_buyers_drops_returns_and_outlying_prices() -> None:
    day = pd.Timestamp("2011-01-03")
    daily = pd.DataFrame({"date": [day, day, day + pd.Timedelta(weeks=1), day + pd.Timedelta(weeks=2)], "stock_code": ["a"] * 4,
                          "quantity": [10, -5, 10, 10], "revenue": [10.0, -5.0, 11.0, 100.0], "invoices": [2, 1, 3, 1]})
    weekly = weekly_buyers(daily)
    assert list(weekly["buyers"]) == [2, 3]  # the return is not a sale; the 10× price week is dropped


def test_reference_is_the_median_of_close_analogs_or_none() -> None:
    analogs = Analogs(["scented candle jar", "scented candle tin", "candle holder", "wooden train set", "toy train track"], np.array([4.0, 6.0, 3.0, 30.0, 20.0]))
    ref = analog_reference(analogs, "scented candle", k=2)
    assert ref is not None and ref.price == pytest.approx(5.0) and {n for n, _, _ in ref.analogs} == {"scented candle jar", "scented candle tin"}
    assert analog_reference(analogs, "gaming laptop") is None
