"""`caeser posts import|reddit|feed`: bring posts into the hype engine's store.

Thin: reading files (`memory.posts.read_posts_file`), the connectors (`memory.connectors`) and the
store (`memory.posts.store_posts`: dedupe, subject links, one transaction) do the work; this module
parses, prints the import report and sets the exit status (2 for a bad file or an unreachable
source, nothing stored then).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from memory.connectors import ConnectorError, FeedConnector, RateLimitedClient, RedditConnector
from memory.posts import ImportReport, read_posts_file, store_posts
from memory.settings import get_settings


def _error(message: str) -> int:
    print(f"caeser posts: {message}", file=sys.stderr)
    return 2


def _store(frame: pd.DataFrame, source: str, subject: str | None, **report: object) -> int:
    if subject:
        frame = frame.assign(subject=subject)
    outcome: ImportReport = store_posts(get_settings(), frame, source=source, **report)
    print(outcome.sentence())
    return 0


def run_import(args: argparse.Namespace) -> int:
    path: Path = args.file
    if not path.is_file():
        return _error(f"{path} is not a file")
    try:
        frame, errors, read = read_posts_file(path, args.source or path.stem)
    except (UnicodeDecodeError, OSError) as exc:
        return _error(f"{path} could not be read ({type(exc).__name__}: {exc})")
    return _store(frame, args.source or path.stem, args.subject, read=read, errors=errors)


def run_reddit(args: argparse.Namespace) -> int:
    try:
        frame = RedditConnector(RateLimitedClient(), base_url=args.base_url).fetch(args.query, limit=args.limit)
    except ConnectorError as exc:
        return _error(str(exc))
    return _store(frame, "reddit", args.subject)


def run_feed(args: argparse.Namespace) -> int:
    try:
        frame = FeedConnector(RateLimitedClient(), args.url, source=args.source).fetch(args.query, limit=args.limit)
    except ConnectorError as exc:
        return _error(str(exc))
    return _store(frame, args.source, args.subject)


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("posts", help="import posts (CSV / JSON lines, Reddit search, RSS/Atom feeds) for hype scores")
    sub = parser.add_subparsers(dest="posts_command", required=True)

    imp = sub.add_parser("import", help="a CSV (header row) or JSON-lines file with id, text and optional subject, author, created_at, region, likes, reposts, replies")
    imp.add_argument("file", type=Path)
    imp.add_argument("--source", help="source name stored with each post (default: the file name); re-importing under it skips known ids")
    imp.add_argument("--subject", help="link every post to this subject (besides the ones its text names)")
    imp.set_defaults(func=run_import)

    reddit = sub.add_parser("reddit", help="Reddit's public search, newest first")
    reddit.add_argument("query")
    reddit.add_argument("--subject", help="link every post to this subject (default: the subjects the texts name)")
    reddit.add_argument("--limit", type=int, default=100)
    reddit.add_argument("--base-url", default="https://www.reddit.com")
    reddit.set_defaults(func=run_reddit)

    feed = sub.add_parser("feed", help="an RSS 2.0 or Atom feed")
    feed.add_argument("url")
    feed.add_argument("--query", default="", help="keep only items whose text contains this")
    feed.add_argument("--subject", help="link every post to this subject")
    feed.add_argument("--source", default="rss", help="source name stored with each post (default rss)")
    feed.add_argument("--limit", type=int, default=100)
    feed.set_defaults(func=run_feed)
