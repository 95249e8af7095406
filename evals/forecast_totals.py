"""Coverage of the forecast total's 80% range on the forecast eval's series (docs/forecast.md, "The total's range").

`python -m evals.forecast_totals top|ranks|monthly` forecasts each series at the eval's cut-offs (top 40
and ranks 41–140 weekly: h = 8, 3 cut-offs 8 weeks apart; US retail monthly: h = 12, 6 cut-offs a year
apart) and counts how often the actual total falls in the range each rule gives: the per-period bounds
summed (what `forecast_demand` shows) and the per-period half-widths taken as independent (√Σ half²).
"""
from __future__ import annotations

import sys

import numpy as np

from engines.forecast.backtest import cutoffs
from engines.forecast.history import Series
from engines.forecast.selection import MIN_HISTORY, EngineConfig, forecast
from evals.forecast import TOP_SKUS, monthly_retail, since_first_sale, weekly_skus

CASES = {"top": (8, 3, 8), "ranks": (8, 3, 8), "monthly": (12, 6, 12)}


def total_coverage(series: dict[str, Series], h: int, origins: int, step: int) -> dict[str, tuple[int, int, float]]:
    """Per rule: (windows covered, windows, median range width over the forecast total)."""
    hits = {"summed bounds": 0, "independent": 0}
    width: dict[str, list[float]] = {k: [] for k in hits}
    n = 0
    for s in series.values():
        for c in cutoffs(len(s.y), h, origins, step, MIN_HISTORY):
            train = since_first_sale(s, c)
            if train is None:
                continue
            r = forecast(train, h, EngineConfig())
            actual, total = float(np.sum(s.y[c:c + h])), float(np.sum(r.yhat))
            half = float(np.sqrt(np.sum((r.upper - r.yhat) ** 2)))
            ranges = {"summed bounds": (float(np.sum(r.lower)), float(np.sum(r.upper))), "independent": (max(0.0, total - half), total + half)}
            for rule, (lo, hi) in ranges.items():
                hits[rule] += lo <= actual <= hi
                width[rule].append((hi - lo) / max(total, 1e-9))
            n += 1
    return {rule: (hits[rule], n, float(np.median(width[rule]))) for rule in hits}


def main(which: str) -> int:
    from memory.settings import get_settings

    data_dir = get_settings().data_dir
    series = {"top": lambda: weekly_skus(data_dir), "ranks": lambda: weekly_skus(data_dir, TOP_SKUS + 1, 140), "monthly": lambda: monthly_retail(data_dir)}[which]()
    for rule, (hit, n, w) in total_coverage(series, *CASES[which]).items():
        print(f"forecast total {which} {rule}: coverage {hit}/{n} = {hit / n:.1%}, median width/total {w:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "top"))
