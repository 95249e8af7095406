"""`caeser eval NAME …`: each eval module in `evals/` owns its arguments and prints its table and headline."""
from __future__ import annotations

import argparse

from bots.commands import add_module_subcommands

# eval name -> module exposing add_arguments(parser) and run(args) -> int
EVALS = {
    "routing": "evals.routing.runner",
    "conversation": "evals.conversation.runner",
    "sentiment": "evals.sentiment",
    "hype": "evals.hype",
    "forecast": "evals.forecast",
    "autosuggest": "evals.autosuggest",
    "affinity": "evals.affinity",
    "personas": "evals.personas",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="score an engine on real data; the last line is the headline figure")
    add_module_subcommands(parser, "eval_name", EVALS)
