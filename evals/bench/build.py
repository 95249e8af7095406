"""Benchmark: `caeser build` wall time per step, from a fresh CAESER_HOME, then again on unchanged data.

Target: the default steps ≤ 5 min (300 s) on 2 idle cores for the shipped data.
Run: `python -m evals.bench.build [--steps cadence --all --home DIR --no-rebuild]` (a fresh temporary
CAESER_HOME unless --home is given; the data dir is CAESER_DATA_DIR).

Each step is timed by wall clock and by this process's CPU time (all threads; a background
process the step starts would not be counted, and none does). On a machine shared with other jobs
the wall time is what the scheduler granted: the load average before and after each step is
printed beside it, and CPU time divided by the cores the step keeps busy (1–2) is what the step
would take on idle cores. The second pass shows what the caches keyed by data fingerprint save.
"""
from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

from memory.build.runner import run_steps
from memory.build.steps import BuildStep, ordered_steps
from memory.settings import Settings, get_settings

TARGET_S = 300.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_pass(settings: Settings, steps: list[BuildStep], title: str) -> tuple[float, float]:
    """Run the steps once, printing one row per step; (wall, CPU) seconds in all."""
    print(f"\n{title}")
    print(f"{'step':<44} {'wall s':>8} {'CPU s':>8}  load before → after")
    wall_total = cpu_total = 0.0
    marks = [time.perf_counter(), _cpu(), os.getloadavg()[0]]
    for step, _report, seconds in run_steps(settings, steps):
        cpu, load = _cpu(), os.getloadavg()[0]
        print(f"{step.name:<44} {seconds:>8.1f} {cpu - marks[1]:>8.1f}  {marks[2]:.1f} → {load:.1f}", flush=True)
        wall_total += seconds
        cpu_total += cpu - marks[1]
        marks = [time.perf_counter(), cpu, load]
    print(f"{'total':<44} {wall_total:>8.1f} {cpu_total:>8.1f}")
    return wall_total, cpu_total


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", nargs="*", help="only these steps (default: the default steps)")
    parser.add_argument("--all", action="store_true", help="also the optional steps")
    parser.add_argument("--home", type=Path, help="CAESER_HOME to build in (default: a fresh temporary one)")
    parser.add_argument("--no-rebuild", action="store_true", help="skip the second pass on unchanged data")
    args = parser.parse_args()
    base = get_settings()
    steps = [s for s in ordered_steps() if (s.name in args.steps if args.steps else s.default or args.all)]
    with tempfile.TemporaryDirectory(prefix="caeser-bench-build-") as tmp:
        settings = base.model_copy(update={"home": args.home or Path(tmp)})
        settings.ensure_home()
        print(f"data dir {settings.data_dir}; CAESER_HOME {settings.home}; {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
        wall, cpu = timed_pass(settings, steps, f"build in {'the given' if args.home else 'a fresh'} CAESER_HOME")
        if not args.no_rebuild:
            timed_pass(settings, steps, "rebuild (unchanged data: cached steps)")
    verdict = "meets" if wall <= TARGET_S else "misses"
    print(f"caeser build {wall:.0f} s wall, {cpu:.0f} s CPU for {len(steps)} steps, load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: {verdict} the {TARGET_S:.0f} s target")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
