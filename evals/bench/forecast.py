"""Benchmark: forecast N weekly Online Retail series (default 500) with the batch engine and print the time.

Target: 500 weekly series, h=8, in ≤ 120 s on 2 cores. Run: `python -m evals.bench.forecast [--n 500 --workers 2]`.
Series are the N product codes with the most net quantity, weekly over all countries.
"""
from __future__ import annotations

import argparse
import os
import resource
import time

import pandas as pd

from engines.forecast.batch import forecast_many
from engines.forecast.history import is_product_code, to_periods
from engines.forecast.selection import EngineConfig
from memory.datadir import load_online_retail_daily
from memory.settings import get_settings

TARGET_S = 120.0


def weekly_series(n: int) -> list:
    daily = load_online_retail_daily(get_settings().data_dir)
    daily = daily[daily["stock_code"].map(is_product_code)]
    top = daily.groupby("stock_code")["quantity"].sum().nlargest(n).index
    start, end = daily["date"].min(), daily["date"].max()
    groups = dict(tuple(daily[daily["stock_code"].isin(top)].groupby("stock_code")))
    return [(code, to_periods(pd.DatetimeIndex(groups[code]["date"]), groups[code]["quantity"].to_numpy(), "W", start, end, "United Kingdom").series)
            for code in top]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--horizon", type=int, default=8)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--backend", choices=["process", "ray", "dask"], default="process")
    args = parser.parse_args(argv)
    items = weekly_series(args.n)
    started = time.perf_counter()
    results = forecast_many(items, args.horizon, EngineConfig(), workers=args.workers, backend=args.backend)
    elapsed = time.perf_counter() - started
    failed = sum(r.result is None for r in results)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    verdict = "OK" if elapsed <= TARGET_S * len(items) / 500 else "SLOW"
    print(f"forecast batch: {len(items)} weekly series, h={args.horizon}, {args.workers} workers ({args.backend}): "
          f"{elapsed:.1f} s, {len(items) / elapsed:.1f} series/s, {failed} failed, parent peak RSS {peak_mb:.0f} MB "
          f"[target ≤ {TARGET_S:.0f} s per 500: {verdict}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
