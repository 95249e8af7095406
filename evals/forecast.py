"""Forecast eval: rolling-origin backtest of the engine vs Prophet() and seasonal naive (MASE, sMAPE, 80% coverage).

With no --file it runs the two shared-data cases: the top 40 Online Retail stock codes by net
quantity as weekly series (h=8, 3 cut-offs 8 weeks apart) and the US monthly retail sales series
(h=12, 6 cut-offs a year apart). With --file F --horizon H it scores a long CSV `series_id,ds,y`.
With --ranks 41-140 it scores the product codes ranked 41 to 140 the same way as the top 40 (h=8,
3 cut-offs 8 weeks apart by default): our stand-in for weekly series the engine was never tuned on.

Every method sees the same cut-offs and only the data before each one, from the series' first
non-zero period on; a cut-off with fewer than 8 such periods is skipped for every method (the
product is still "new": the tool forecasts it from analogs). The engine's own model weighting runs
an inner backtest inside that training window. MASE is scaled by the in-sample
seasonal-naive MAE of each training window (season 7 daily, 1 weekly, 12 monthly); each series'
MASE is the mean over its cut-offs and the table reports the mean over series. Coverage pools every
forecast point of every series. The last line is the headline over all series scored.
"""
from __future__ import annotations

import argparse
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from engines.forecast.backtest import coverage, cutoffs, mase, mase_scale, smape
from engines.forecast.history import MASE_SEASON, Series, infer_frequency, is_product_code, to_periods
from engines.forecast.models import prophet_fit_predict, seasonal_naive
from engines.forecast.selection import MIN_HISTORY, EngineConfig, forecast

METHODS = ("engine", "prophet", "snaive")
TOP_SKUS = 40


@dataclass(frozen=True)
class Case:
    name: str
    series: dict[str, Series]
    h: int
    origins: int
    step: int


@dataclass(frozen=True)
class SeriesScore:
    mase: dict[str, float]
    smape: dict[str, float]
    hits: dict[str, int]  # forecast points inside the 80% interval
    points: int


def weekly_skus(data_dir: Path, first: int = 1, last: int = TOP_SKUS) -> dict[str, Series]:
    """Weekly totals (all countries) of the product codes ranked first..last (1-based, inclusive)
    by net quantity."""
    from memory.datadir import load_online_retail_daily

    daily = load_online_retail_daily(data_dir)
    daily = daily[daily["stock_code"].map(is_product_code)]
    ranked = daily.groupby("stock_code")["quantity"].sum().nlargest(last).index[first - 1:]
    start, end = daily["date"].min(), daily["date"].max()
    rows = dict(tuple(daily[daily["stock_code"].isin(ranked)].groupby("stock_code")))
    return {code: to_periods(pd.DatetimeIndex(rows[code]["date"]), rows[code]["quantity"].to_numpy(), "W", start, end,
                             "United Kingdom").series for code in ranked}


def parse_ranks(text: str) -> tuple[int, int]:
    """Parse a rank range of product codes by net quantity: "41-140" → (41, 140)."""
    first, sep, last = text.partition("-")
    if not (sep and first.strip().isdigit() and last.strip().isdigit()) or not 1 <= int(first) <= int(last):
        raise argparse.ArgumentTypeError(f"--ranks wants FIRST-LAST with 1 <= FIRST <= LAST, got {text!r}")
    return int(first), int(last)


def monthly_retail(data_dir: Path) -> dict[str, Series]:
    from memory.datadir import load_prophet_retail_sales

    df = load_prophet_retail_sales(data_dir)
    return {"us_retail_sales": Series(df["y"].to_numpy(dtype=float), pd.DatetimeIndex(df["ds"]), "M", "United States")}


def read_long_csv(path: Path) -> dict[str, Series]:
    """`series_id,ds,y` rows into one Series per id (sorted by date; the frequency inferred from spacing)."""
    df = pd.read_csv(path, dtype={"series_id": str})
    missing = {"series_id", "ds", "y"} - set(df.columns)
    if missing:
        raise ValueError(f"{path}: missing column(s) {', '.join(sorted(missing))}; expected series_id,ds,y")
    df["ds"] = pd.to_datetime(df["ds"])
    out = {}
    for sid, rows in df.sort_values("ds").groupby("series_id", sort=True):
        ds = pd.DatetimeIndex(rows["ds"])
        out[sid] = Series(np.clip(rows["y"].to_numpy(dtype=float), 0, None), ds, infer_frequency(ds))
    return out


def since_first_sale(series: Series, cut: int) -> Series | None:
    """The training window at a cut-off, from the first non-zero period on (as the tool sees a
    product); None when that leaves fewer than MIN_HISTORY periods: before then the product is a
    new product, which the tool forecasts from analogs, not from its history."""
    sold = np.flatnonzero(series.y[:cut] > 0)
    if len(sold) == 0 or cut - sold[0] < MIN_HISTORY:
        return None
    return Series(series.y[sold[0]:cut], series.ds[sold[0]:cut], series.freq, series.country)


def score_series(series: Series, h: int, origins: int, step: int, config: EngineConfig) -> SeriesScore | None:
    """All three methods at the same cut-offs; None when no cut-off has enough history."""
    errs = {m: [] for m in METHODS}
    sm = {m: [] for m in METHODS}
    hits = {m: 0 for m in METHODS}
    cuts = []
    for c in cutoffs(len(series.y), h, origins, step, MIN_HISTORY):
        train, actual = since_first_sale(series, c), series.y[c:c + h]
        if train is None:
            continue
        cuts.append(c)
        scale = mase_scale(train.y, MASE_SEASON[series.freq])
        eng = forecast(train, h, config)
        prop = prophet_fit_predict(train, h, holidays=False)
        preds = {
            "engine": (eng.yhat, eng.lower, eng.upper),
            "prophet": (prop["yhat"].to_numpy(), prop["yhat_lower"].to_numpy(), prop["yhat_upper"].to_numpy()),
            "snaive": (seasonal_naive(train, h), None, None),
        }
        for m, (point, lo, hi) in preds.items():
            errs[m].append(mase(actual, point, scale))
            sm[m].append(smape(actual, point))
            if lo is not None:
                hits[m] += int(round(coverage(actual, lo, hi) * h))
    if not cuts:
        return None
    return SeriesScore({m: float(np.mean(v)) for m, v in errs.items()}, {m: float(np.mean(v)) for m, v in sm.items()}, hits, h * len(cuts))


def _score_job(args: tuple[Series, int, int, int, EngineConfig]) -> SeriesScore | None:
    return score_series(*args)


def score_case(case: Case, config: EngineConfig, workers: int) -> list[SeriesScore]:
    jobs = [(s, case.h, case.origins, case.step, config) for s in case.series.values()]
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_score_job, jobs))
    else:
        results = [_score_job(j) for j in jobs]
    return [r for r in results if r is not None]


def summarise(scores: list[SeriesScore]) -> dict[str, dict[str, float]]:
    points = sum(s.points for s in scores)
    return {m: {"mase": float(np.mean([s.mase[m] for s in scores])), "smape": float(np.mean([s.smape[m] for s in scores])),
                "coverage": (sum(s.hits[m] for s in scores) / points) if m != "snaive" else float("nan")} for m in METHODS}


def print_table(name: str, h: int, scores: list[SeriesScore]) -> None:
    table = summarise(scores)
    print(f"\n{name}  (n={len(scores)} series, h={h})")
    print(f"{'method':<10}{'MASE':>8}{'sMAPE':>9}{'cov80':>8}")
    for m in METHODS:
        row = table[m]
        cov = "" if np.isnan(row["coverage"]) else f"{row['coverage']:.1%}"
        print(f"{m:<10}{row['mase']:>8.3f}{row['smape']:>9.1f}{cov:>8}")
    print(f"engine/prophet MASE ratio {table['engine']['mase'] / table['prophet']['mase']:.3f}, "
          f"engine/snaive {table['engine']['mase'] / table['snaive']['mase']:.3f}")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--file", type=Path, help="long CSV series_id,ds,y; default: the shared retail cases")
    source.add_argument("--ranks", type=parse_ranks, metavar="FIRST-LAST",
                        help="Online Retail product codes ranked FIRST-LAST by quantity, weekly (41-140: the unseen-series stand-in)")
    parser.add_argument("--horizon", type=int, default=8, help="periods ahead for --file/--ranks (default 8)")
    parser.add_argument("--origins", type=int, default=3, help="rolling cut-offs per series for --file/--ranks (default 3)")
    parser.add_argument("--limit", type=int, default=0, help="score only the first N series (quick runs)")
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1), help="parallel processes")
    parser.add_argument("--no-prophet-in-engine", action="store_true", help="leave Prophet out of the engine's candidates")


def run(args: argparse.Namespace) -> int:
    from memory.datadir import DataFileMissing
    from memory.settings import get_settings

    if args.horizon < 1:
        print("--horizon must be at least 1")
        return 2
    try:
        if args.file:
            cases = [Case(args.file.name, read_long_csv(args.file), args.horizon, args.origins, args.horizon)]
        elif args.ranks:
            first, last = args.ranks
            cases = [Case(f"Online Retail SKUs ranked {first}-{last}, weekly", weekly_skus(get_settings().data_dir, first, last),
                          args.horizon, args.origins, args.horizon)]
        else:
            data_dir = get_settings().data_dir
            cases = [Case(f"Online Retail top {TOP_SKUS} SKUs, weekly", weekly_skus(data_dir), 8, 3, 8),
                     Case("US retail sales, monthly", monthly_retail(data_dir), 12, 6, 12)]
    except (DataFileMissing, FileNotFoundError, ValueError) as exc:
        print(str(exc))
        return 2
    if args.limit:
        cases = [Case(c.name, dict(list(c.series.items())[: args.limit]), c.h, c.origins, c.step) for c in cases]
    config = EngineConfig(use_prophet=not args.no_prophet_in_engine)
    started = time.perf_counter()
    everything: list[SeriesScore] = []
    for case in cases:
        scores = score_case(case, config, args.workers)
        if not scores:
            print(f"{case.name}: no series has {MIN_HISTORY} periods since its first sale before a cut-off (h={case.h})")
            continue
        print_table(case.name, case.h, scores)
        if len(scores) < len(case.series):
            print(f"{len(case.series) - len(scores)} series skipped: fewer than {MIN_HISTORY} periods since their first sale at every cut-off")
        everything += scores
    if not everything:
        return 1
    total = summarise(everything)
    print(f"\n({time.perf_counter() - started:.0f} s)")
    horizons = "/".join(str(c.h) for c in cases)
    print(f"forecast MASE engine={total['engine']['mase']:.2f} prophet={total['prophet']['mase']:.2f} "
          f"snaive={total['snaive']['mase']:.2f} (n={len(everything)} series, h={horizons})")
    return 0
