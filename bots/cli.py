"""The `caeser` command line. Each sub-command lives in `bots/commands/<name>.py` with
`add_parser(subparsers)`, which registers its parser and sets `func(args) -> int`."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

COMMANDS = ("chat", "data", "posts", "build", "serve", "eval")


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The full parser, or — when `argv` names a command — a parser holding only that command.

    WHY: each command module imports what it runs (`serve` imports the MCP server, Slack and
    Discord stacks), and importing them all costs seconds that `caeser chat --once` would pay
    for nothing. `caeser --help` and unknown commands still see every command."""
    parser = argparse.ArgumentParser(prog="caeser", description="caeser: marketing intelligence chat agent (affinity, hype, forecasts, personas, autosuggest).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    subparsers = parser.add_subparsers(dest="command", required=True)
    chosen = [a for a in argv or [] if a in COMMANDS][:1]
    for name in chosen or COMMANDS:
        importlib.import_module(f"bots.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from dotenv import load_dotenv

    load_dotenv(".env", override=False)
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
