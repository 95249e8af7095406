"""Benchmark: forecast N weekly Online Retail series (default 500) with the batch engine and print the time.

Target: 500 weekly series, h=8, in ≤ 120 s on 2 cores. Run: `python -m evals.bench.forecast [--n 500 --workers 2]`.
Series are the N product codes with the most net quantity, weekly over all countries. On a cluster:
`--backend dask --address tcp://scheduler:8786` or `--backend ray --address ray://head:10001`.
"""
from __future__ import annotations

import argparse
import os
import resource
import time

from engines.forecast.batch import forecast_many
from engines.forecast.selection import EngineConfig
from evals.forecast import weekly_skus
from memory.settings import get_settings

TARGET_S = 120.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500)
    parser.add_argument("--horizon", type=int, default=8)
    parser.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--backend", choices=["process", "ray", "dask"], default="process")
    parser.add_argument("--address", help="Ray or Dask cluster address (default: a local one)")
    args = parser.parse_args(argv)
    items = list(weekly_skus(get_settings().data_dir, 1, args.n).items())
    started = time.perf_counter()
    results = forecast_many(items, args.horizon, EngineConfig(), workers=args.workers, backend=args.backend, address=args.address)
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
