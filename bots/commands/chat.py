"""`caeser chat`: the terminal front-end. A REPL, or one message with `--once`.

Charts and exports are files under CAESER_HOME; their paths are printed so a terminal user can
open them. `--demo` plays a short scripted conversation (the README's offline demo).
"""
from __future__ import annotations

import argparse
import sys
import uuid

from agent.service import Agent, AgentReply
from memory.owner import Owner

DEMO_SCRIPT = (
    "what can you do?",
    "what's the hype on Virgin America this week?",
    "now JetBlue",
    "who's hotter right now, JetBlue or United?",
    "forecast SKU 85123A for 12 weeks",
    "same for 26 weeks",
    "export that as csv",
    "what should the search box suggest after 'wa'?",
    "find wooden toy trains under £20",
)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("chat", help="talk to the agent in the terminal")
    parser.add_argument("--once", metavar="TEXT", help="send one message, print the answer, exit")
    parser.add_argument("--thread", metavar="ID", help="conversation id (reuse it to continue a thread)")
    parser.add_argument("--demo", action="store_true", help="play a short scripted conversation")
    parser.set_defaults(func=run)


def progress(_fraction: float, message: str) -> None:
    print(f"  … {message}", file=sys.stderr, flush=True)


def print_reply(reply: AgentReply) -> None:
    print(reply.text)
    for path in reply.charts:
        print(f"chart: {path}")
    for path in reply.files:
        print(f"file: {path}")


def run(args: argparse.Namespace) -> int:
    thread = args.thread or f"cli-{uuid.uuid4().hex[:8]}"
    owner = Owner.cli()  # the terminal user's results and watches (CAESER_USER or the login name)
    with Agent() as agent:
        if args.once is not None:
            print_reply(agent.ask(thread, args.once, progress, owner=owner))
            return 0
        if args.demo:
            for text in DEMO_SCRIPT:
                print(f"\nyou> {text}")
                print_reply(agent.ask(thread, text, progress, owner=owner))
            print(f"\n(thread id: {thread}; continue it with `caeser chat --thread {thread}`)")
            return 0
        print(f"caeser chat — thread {thread}. Ctrl-D to quit.")
        while True:
            try:
                text = input("you> ")
            except (EOFError, KeyboardInterrupt):
                print()
                return 0
            print_reply(agent.ask(thread, text, progress, owner=owner))
