"""Benchmark: how long a marketer waits for a turn that runs no simulation.

Targets (issue 15): a warm turn in the REPL ≤ 1 s median; `caeser chat --once` in a fresh process
≤ 3 s median, on a CAESER_HOME that already holds what a first run leaves (warm). The turns are
everyday requests to the non-simulation tools, each in its own thread; every request is asked once
first so that both figures measure the steady state, not first-use loading (the cold first turn is
printed beside them). Run: `python -m evals.bench.chat [--home DIR]` with CAESER_DATA_DIR set.

Times are wall clock on a shared machine, so CPU seconds and the load average are printed too.
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from evals.bench.launch import chat

REQUESTS = [
    "what's the hype on Delta this week?",
    "forecast SKU 85123A for 12 weeks",
    "what music do women under 35 in the UK love?",
    "compare gen z and boomers on coffee, vinyl and sneakers",
    "what should the search box suggest after 'wa'?",
    "find dinosaur puzzles under $20",
    "what am I watching?",
    "who's hotter right now, united or american?",
    "write me a tweet about our sneakers",
]
REPL_TARGET_S, ONCE_TARGET_S = 1.0, 3.0


def repl_turns(home: Path) -> list[float]:
    """Seconds per turn in one long-lived agent (the REPL), after each request was asked once."""
    from agent.service import Agent
    from memory.settings import get_settings

    times = []
    with Agent(get_settings().model_copy(update={"home": home})) as agent:
        for text in REQUESTS:
            agent.ask(f"warm-{uuid.uuid4().hex[:6]}", text)
        for text in REQUESTS:
            started = time.perf_counter()
            agent.ask(f"bench-{uuid.uuid4().hex[:6]}", text)
            times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a CAESER_HOME to reuse; default: a new one (its first turns are the cold figure)")
    args = parser.parse_args()
    home = args.home or Path(tempfile.mkdtemp(prefix="caeser-bench-chat-"))
    cold, cold_cpu, _ = chat(home, REQUESTS[0], "cold")
    for text in REQUESTS[1:]:
        chat(home, text, f"prime-{uuid.uuid4().hex[:6]}")  # first-use loads happen here, not in the figures
    once = [chat(home, text, f"once-{uuid.uuid4().hex[:6]}")[:2] for text in REQUESTS]
    repl = repl_turns(home)
    load = os.getloadavg()[0]
    print(f"{'request':<58} {'once s':>7} {'cpu s':>6} {'repl s':>7}")
    for text, (wall, cpu), warm in zip(REQUESTS, once, repl):
        print(f"{text[:58]:<58} {wall:>7.2f} {cpu:>6.2f} {warm:>7.2f}")
    print(f"\ncold first turn {cold:.1f} s ({cold_cpu:.1f} s CPU); load average {load:.1f}")
    once_median, repl_median = statistics.median(w for w, _ in once), statistics.median(repl)
    print(f"chat --once median {once_median:.2f} s (target ≤ {ONCE_TARGET_S:.0f} s), CPU median {statistics.median(c for _, c in once):.2f} s")
    print(f"chat turn median repl={repl_median:.2f} s (target ≤ {REPL_TARGET_S:.0f} s) once={once_median:.2f} s (n={len(REQUESTS)})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
