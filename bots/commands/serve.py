"""`caeser serve TARGET …`: long-running front-ends. Each target module owns its arguments."""
from __future__ import annotations

import argparse
import importlib

# target -> module exposing add_arguments(parser) and run(args) -> int
TARGETS = {
    "mcp": "bots.mcp_server",
    "slack": "bots.slack.app",
    "discord": "bots.discord.bot",
    "watcher": "bots.watcher",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run a front-end or the hype watcher")
    targets = parser.add_subparsers(dest="target", required=True)
    for name, module_name in TARGETS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # that front-end has not landed yet
        sub = targets.add_parser(name, help=(module.__doc__ or "").strip().splitlines()[0] if module.__doc__ else None)
        module.add_arguments(sub)
        sub.set_defaults(func=module.run)
