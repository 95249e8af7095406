"""`caeser serve TARGET …`: long-running front-ends. Each target module owns its arguments."""
from __future__ import annotations

import argparse

from bots.commands import add_module_subcommands

# target -> module exposing add_arguments(parser) and run(args) -> int
TARGETS = {
    "mcp": "bots.mcp_server",
    "slack": "bots.slack.app",
    "discord": "bots.discord.bot",
    "watcher": "bots.watcher",
    "web": "bots.web.app",
    "api": "bots.api.server",
}


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("serve", help="run a front-end or the hype watcher")
    add_module_subcommands(parser, "target", TARGETS)
