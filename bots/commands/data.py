"""`caeser data`."""
from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="(not available yet)")
    parser.set_defaults(func=lambda args: print("caeser data: not available yet") or 2)
