"""The `caeser` command line. Each sub-command lives in `bots/commands/<name>.py` with
`add_parser(subparsers)`, which registers its parser and sets `func(args) -> int`."""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

COMMANDS = ("chat", "data", "build", "serve", "eval")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="caeser", description="caeser: marketing intelligence chat agent (affinity, hype, forecasts, personas, autosuggest).")
    parser.add_argument("-v", "--verbose", action="store_true", help="log at INFO level")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMANDS:
        importlib.import_module(f"bots.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    from dotenv import load_dotenv

    load_dotenv(".env", override=False)
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
