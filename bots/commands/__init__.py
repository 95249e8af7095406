"""Sub-commands of `caeser`, one module each."""
from __future__ import annotations

import argparse
import importlib


def add_module_subcommands(parser: argparse.ArgumentParser, dest: str, modules: dict[str, str]) -> None:
    """One sub-command per module exposing `add_arguments(parser)` and `run(args) -> int`.
    A module that is not importable (its feature not installed) simply has no sub-command."""
    subparsers = parser.add_subparsers(dest=dest, required=True)
    for name, module_name in modules.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        doc = (module.__doc__ or "").strip()
        sub = subparsers.add_parser(name, help=doc.splitlines()[0].replace("%", "%%") if doc else None)
        module.add_arguments(sub)
        sub.set_defaults(func=module.run)
