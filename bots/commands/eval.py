"""`caeser eval NAME …`: each eval module in `evals/` owns its arguments and prints its table and headline."""
from __future__ import annotations

import argparse
import importlib

# eval name -> module exposing add_arguments(parser) and run(args) -> int
EVALS = {
    "routing": "evals.routing.runner",
    "sentiment": "evals.sentiment",
    "forecast": "evals.forecast",
    "autosuggest": "evals.autosuggest",
    "affinity": "evals.affinity",
    "personas": "evals.personas",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="score an engine on real data; the last line is the headline figure")
    evals = parser.add_subparsers(dest="eval_name", required=True)
    for name, module_name in EVALS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # that engine's eval has not landed yet
        sub = evals.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None)
        module.add_arguments(sub)
        sub.set_defaults(func=module.run)
