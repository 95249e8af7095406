"""Benchmark: the persona engine's simulation at scale.

Targets: 1,000,000 synthetic buyers × 52 weeks (sampling the population and its traits, then the
weekly adoption run) in ≤ 3 s and ≤ 2 GB peak resident memory; 10,000,000 buyers in chunks of
1,000,000 with peak memory bounded by the chunk, not the population.
Run: `python -m evals.bench.personas [--n 1000000 --weeks 52 --big 10000000]`.

Times are wall clock and process CPU time (`time.process_time`): on a shared, oversubscribed
machine the wall clock includes other processes' time slices, so both are printed with the load
average, and the time target is judged on CPU time (the engine is single-threaded numpy, so CPU
time is what an idle core would take). Peak memory is the process's peak resident set
(`ru_maxrss`), imports included, read after each stage.
"""
from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date

import numpy as np

from engines.persona.population import sample_population, stats_for
from engines.persona.seasonality import season_curve
from engines.persona.simulate import Diffusion, simulate_buyers, simulate_chunked
from engines.persona.traits import Buyers, default_channel_table, sample_traits

TARGET_S, TARGET_GIB = 3.0, 2.0


def peak_gib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # Linux reports KiB


def build(region: str, n: int, key: list[int]) -> Buyers:
    rng = np.random.default_rng([*key, 0])
    return sample_traits(sample_population(stats_for(region), n, rng), rng, ref_price=100.0, channels=default_channel_table())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--weeks", type=int, default=52)
    parser.add_argument("--big", type=int, default=10_000_000, help="population of the chunked run (0 = skip)")
    parser.add_argument("--region", default="United States")
    args = parser.parse_args()
    season = season_curve(date(2026, 3, 2), args.weeks)
    params = Diffusion()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    wall, cpu = time.perf_counter(), time.process_time()
    buyers = build(args.region, args.n, [0])
    t_pop = time.perf_counter() - wall
    run = simulate_buyers(buyers, price=99.0, channel=None, hype=50.0, season=season, params=params, entropy=[0, 1])
    total, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{args.n:,} buyers × {args.weeks} weeks: population+traits {t_pop:.2f} s, simulation {total - t_pop:.2f} s, "
          f"total {total:.2f} s wall ({total_cpu:.2f} s CPU), {run.total / run.n:.1%} adopted, peak RSS {peak_gib():.2f} GiB")
    ok = total_cpu <= TARGET_S and peak_gib() <= TARGET_GIB
    del buyers

    if args.big:
        before = peak_gib()
        wall, cpu = time.perf_counter(), time.process_time()
        big = simulate_chunked(lambda index, size: build(args.region, size, [1, index]), args.big, price=99.0, channel=None, hype=50.0,
                               season=season, params=params, seed=1)
        print(f"{args.big:,} buyers × {args.weeks} weeks in chunks of 1,000,000: {time.perf_counter() - wall:.2f} s wall "
              f"({time.process_time() - cpu:.2f} s CPU), {big.total / big.n:.1%} adopted, peak RSS {peak_gib():.2f} GiB (was {before:.2f} GiB)")
    print(f"persona bench 1M×52 {'within' if ok else 'OVER'} target (≤ {TARGET_S:.0f} s, ≤ {TARGET_GIB:.0f} GiB)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
