"""Run one `caeser` sub-command in-process, with only its own parser registered (so other
commands' imports and state can't interfere), and capture what it printed."""
from __future__ import annotations

import argparse
from types import ModuleType

import pytest


def run_command(module: ModuleType, name: str, argv: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of `caeser <name> <argv…>` as `module` defines it."""
    parser = argparse.ArgumentParser(prog="caeser")
    module.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([name, *argv])
    rc = args.func(args)
    out = capsys.readouterr()
    return rc, out.out, out.err
