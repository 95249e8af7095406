"""`caeser build`: load the catalog, train embeddings and models, build indexes (every registered step)."""
from __future__ import annotations

import argparse
import time

from tools.base import ToolContext
from tools.builders import ordered_steps


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("build", help="load data, train models and build indexes ahead of time")
    parser.add_argument("--only", action="append", default=[], help="run only these steps (repeatable)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    ctx = ToolContext()
    steps = [s for s in ordered_steps() if not args.only or s.name in args.only]
    if not steps:
        print("nothing to build")
        return 0
    for step in steps:
        started = time.perf_counter()
        report = step.func(ctx)
        print(f"[{step.name}] {report} ({time.perf_counter() - started:.1f}s)")
    return 0
