"""`caeser chat`."""
from __future__ import annotations

import argparse


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("chat", help="(not available yet)")
    parser.set_defaults(func=lambda args: print("caeser chat: not available yet") or 2)
