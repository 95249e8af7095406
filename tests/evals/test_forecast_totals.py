"""The total-range coverage check counts windows and hits for each rule on any series."""
import numpy as np
import pandas as pd

from engines.forecast.history import Series
from evals.forecast_totals import total_coverage


def test_total_coverage_counts_every_window_and_summed_bounds_are_the_wider_range() -> None:
    rng = np.random.default_rng(3)
    ds = pd.date_range("2011-01-03", periods=40, freq="W-MON")
    series = {f"s{i}": Series(rng.poisson(20 + 5 * i, 40).astype(float), ds, "W") for i in range(3)}
    out = total_coverage(series, 8, 3, 8)
    assert {rule: n for rule, (_, n, _) in out.items()} == {"summed bounds": 9, "independent": 9}
    assert out["summed bounds"][2] >= out["independent"][2] and out["summed bounds"][0] >= out["independent"][0]
