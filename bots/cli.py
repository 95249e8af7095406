"""The `caeser` command line. Each sub-command lives in `bots/commands/<name>.py` with
`add_parser(subparsers)`, which registers its parser and sets `func(args) -> int`."""
from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys

COMMANDS = ("chat", "data", "posts", "build", "serve", "eval", "import")


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
    """Run one command. `argv` None means the process's own command line (the `caeser` script,
    `python -m bots.cli`): then the garbage collector also skips what the imports made.

    WHY: importing a command leaves ~250k objects that live until exit, almost none of them garbage,
    yet each full collection walks all of them — five while `chat` imports, more while it runs and
    several at interpreter shutdown: ~1.5 s of a `chat --once`. So the collector is off during the
    command's imports, which are then frozen (`gc.freeze()`: moved to a generation it skips), and
    everything is frozen again when the command is done (the OS frees the process's memory anyway).
    In-process callers (tests) pass `argv` and keep their collector as it is."""
    from dotenv import load_dotenv

    from memory.settings import ConfigError

    load_dotenv(".env", override=False)
    whole_process = argv is None
    if whole_process:
        gc.disable()
    argv = sys.argv[1:] if argv is None else argv
    args = build_parser(argv).parse_args(argv)
    if whole_process:
        gc.freeze()
        gc.enable()
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(f"caeser: {exc}", file=sys.stderr)
        return 2
    finally:
        if whole_process:
            gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
