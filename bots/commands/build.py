"""`caeser build`: load the catalog, train embeddings and models, build indexes (the registered steps).

Tools build what they need in the background on first use, so this command is optional: it does the
same work ahead of time, in front of you. Each step that runs over ~2 s shows a progress bar with
its ETA. One build runs at a time across processes (`memory.build.state`): if a background build holds
the lock, this one says so and waits for it.
"""
from __future__ import annotations

import argparse
import sys
import threading
import time

from tqdm import tqdm

from memory.build.runner import run_steps
from memory.build.state import BuildLock, read_status
from memory.build.steps import BuildStep, ordered_steps
from memory.settings import get_settings

SHOW_AFTER_S = 2.0  # a step quicker than this gets no bar, just its report line
REFRESH_S = 0.5


class StepBars:
    """One tqdm bar per step, in percent of the step, shown once the step has run SHOW_AFTER_S and
    redrawn twice a second (so the elapsed time and ETA move even between the step's reports)."""

    def __init__(self) -> None:
        self._bar: tqdm | None = None
        self._step: BuildStep | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._ticker = threading.Thread(target=self._tick, name="build-bars", daemon=True)
        self._ticker.start()

    def __call__(self, step: BuildStep, fraction: float, message: str) -> None:
        with self._lock:
            if step is not self._step:
                self._close()
                self._step = step
                self._bar = tqdm(total=100, desc=step.name, unit="%", delay=SHOW_AFTER_S, file=sys.stderr, dynamic_ncols=True,
                                 bar_format="{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]{postfix}")
            assert self._bar is not None
            self._bar.update(max(0.0, round(100 * fraction, 1) - self._bar.n))
            self._bar.set_postfix_str(message, refresh=False)

    def _tick(self) -> None:
        while not self._stop.wait(REFRESH_S):
            with self._lock:
                if self._bar is not None and time.time() - self._bar.start_t >= SHOW_AFTER_S:
                    self._bar.refresh()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        self._bar, self._step = None, None

    def end_step(self) -> None:
        with self._lock:
            self._close()

    def close(self) -> None:
        self._stop.set()
        self.end_step()


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="load data, train models and build indexes ahead of time (tools also do it in the background on first use)")
    parser.add_argument("--only", action="append", default=[], metavar="STEP", help="run only these steps (repeatable; optional steps too)")
    parser.add_argument("--all", action="store_true", help="also run the optional steps (e.g. cadence-generator, the neural query generator)")
    parser.add_argument("--list", action="store_true", help="list the steps and exit")
    parser.set_defaults(func=run)


def _named(name: str, steps: list[BuildStep]) -> BuildStep | None:
    """The step called `name`, or the one whose name starts with it as a word: "hype" for "hype:
    posts and sentiment model", "forecast" — but "cadence" stays the index, not "cadence-generator"."""
    exact = next((s for s in steps if s.name == name), None)
    if exact is not None:
        return exact
    matches = [s for s in steps if s.name.split(":")[0].strip() == name.strip()]
    return matches[0] if len(matches) == 1 else None


def run(args: argparse.Namespace) -> int:
    settings = get_settings()
    settings.ensure_home()
    every = ordered_steps()
    if args.list:
        for s in every:
            state = s.state(settings) if s.state is not None else "-"
            print(f"{s.name:<45} {'default' if s.default else 'optional':<9} {state:<8} {s.title}")
        return 0
    chosen = {name: _named(name, every) for name in args.only}
    unknown = sorted(name for name, step in chosen.items() if step is None)
    if unknown:
        print(f"caeser build: unknown step(s) {', '.join(unknown)}; steps: {', '.join(s.name for s in every)}", file=sys.stderr)
        return 2
    steps = [s for s in every if (s in chosen.values() if args.only else s.default or args.all)]
    if not steps:
        print("nothing to build")
        return 0
    with BuildLock(settings) as lock:
        if not lock.acquire():
            status = read_status(settings)
            print(f"another build is running (pid {status.pid if status else '?'}, step {status.step if status and status.step else '?'}): waiting for it to finish…", file=sys.stderr)
            lock.acquire(wait=True)
        bars = StepBars()
        try:
            for step, report, seconds in run_steps(settings, steps, bars):
                bars.end_step()
                print(f"[{step.name}] {report} ({seconds:.1f}s)", flush=True)
        finally:
            bars.close()
    return 0
