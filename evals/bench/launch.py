"""Benchmark: the launch readout end to end, the way a marketer meets it.

Target: `caeser chat --once "<seed request>"` answers with a complete readout in ≤ 15 s in a fresh
process whose CAESER_HOME already holds the caches a first run leaves (warm); the first run on an
empty CAESER_HOME (cold) is printed beside it. Then "export that as a pdf" in the same thread, and
the readout in-process (tools already imported) with each engine call's seconds, so a slow section
is named rather than guessed.
Run: `python -m evals.bench.launch [--home DIR] [--skip-cold]` with CAESER_DATA_DIR set.

WHY subprocesses: what users wait for includes interpreter start, imports and every first-use load
(models, surveys, posts); only a fresh process shows them. Times are wall clock on a shared machine,
so the load average is printed with them.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

SEED_REQUEST = "We're launching Cyberpunk Sneakers — will they be a hit, and how should we market them?"
EXPORT_REQUEST = "export that as a pdf"
TARGET_S = 15.0
CAESER = [sys.executable, "-m", "bots.cli", "chat", "--once"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def chat(home: Path, text: str, thread: str) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds and stdout of one `caeser chat --once` in a fresh interpreter.
    CPU time is printed beside wall time: on a shared machine the wall clock includes other
    processes' time slices."""
    env = os.environ | {"CAESER_HOME": str(home)}
    started, cpu = time.perf_counter(), _children_cpu()
    done = subprocess.run([*CAESER, text, "--thread", thread], env=env, capture_output=True, text=True, check=False)
    seconds, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"caeser chat failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds, cpu, done.stdout


def answered(stdout: str) -> str:
    """"12 of 14" from the readout's "N of M engines answered (12 of 14 calls)", for the table."""
    found = re.search(r"engines answered \((\d+ of \d+) calls\)", stdout)
    return found.group(1) if found else "no readout"


def in_process(home: Path) -> None:
    """The readout inside one process whose tools are imported: per-section seconds from the start."""
    from memory.settings import Settings
    from tools.base import ToolContext
    from tools.registry import load_tools, run_tool

    load_tools()
    ctx = ToolContext(settings=Settings(CAESER_HOME=home), thread_id=f"bench-{uuid.uuid4().hex[:6]}")
    for label in ("first call", "second call"):
        started, cpu = time.perf_counter(), time.process_time()
        out = run_tool("analyze_launch", {"product": "Cyberpunk Sneakers"}, ctx)
        total, cpu = time.perf_counter() - started, time.process_time() - cpu
        print(f"in-process analyze_launch ({label}): {total:.2f} s wall, {cpu:.2f} s CPU")
        for s in out.data.sections:
            print(f"  {s.key:<22} {s.engine:<9} {s.status:<8} done at {s.seconds:5.2f} s  {(s.reason or '')[:90]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="CAESER_HOME to use (default: a new temporary one, removed afterwards)")
    parser.add_argument("--skip-cold", action="store_true", help="reuse --home as it is: warm runs only")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="caeser-bench-"))
    if not args.skip_cold and home.exists() and any(home.iterdir()):
        raise SystemExit(f"{home} is not empty: a cold run needs an empty CAESER_HOME (or pass --skip-cold)")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; CAESER_DATA_DIR={os.environ.get('CAESER_DATA_DIR', '(unset)')}")
    try:
        runs = ([] if args.skip_cold else ["cold"]) + ["warm", "warm"]
        warm: list[float] = []
        thread = ""
        for label in runs:
            thread = f"bench-{uuid.uuid4().hex[:6]}"
            seconds, cpu, stdout = chat(home, SEED_REQUEST, thread)
            print(f"chat --once seed request, {label:<4} CAESER_HOME: {seconds:6.2f} s wall, {cpu:6.2f} s CPU ({answered(stdout)}; load {os.getloadavg()[0]:.1f})")
            if label == "warm":
                warm.append(seconds)
        seconds, cpu, stdout = chat(home, EXPORT_REQUEST, thread)
        pdf = next((line.removeprefix("file: ") for line in stdout.splitlines() if line.startswith("file: ") and line.endswith(".pdf")), None)
        print(f"chat --once export that as a pdf (same thread): {seconds:6.2f} s wall, {cpu:6.2f} s CPU → {pdf or 'NO PDF'}")
        in_process(home)
        best = min(warm)
        print(f"launch bench warm fresh-process readout {best:.1f} s {'within' if best <= TARGET_S else 'OVER'} target (≤ {TARGET_S:.0f} s)")
        return 0 if best <= TARGET_S and pdf else 1
    finally:
        if args.home is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
