"""Serve the storefront API (suggest, search, events) over HTTP on uvicorn."""
from __future__ import annotations

import argparse
import sys

from memory.settings import get_settings


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8780, help="port (default 8780); endpoints under /v1")


def run(args: argparse.Namespace) -> int:
    from bots.api.app import build_app
    from bots.api.keys import KeyConfigError, configured_keys
    from bots.api.limits import ApiLimits
    from bots.mcp_http import serve
    from memory.build.runner import start_missing

    settings = get_settings()
    announce = lambda line: print(f"caeser serve api: {line}", file=sys.stderr)  # noqa: E731
    try:
        keys, limits = configured_keys(settings), ApiLimits.from_env()
    except (KeyConfigError, ValueError) as exc:
        announce(str(exc))
        return 2
    if not keys:
        announce("no API keys: set CAESER_API_KEYS (comma-separated, `KEY` or `KEY=TENANT`, keys of 16+ characters); refusing to serve everyone.")
        return 2
    start_missing(settings, announce)
    announce(f"storefront API on http://{args.host}:{args.port}/v1 ({len(keys)} key(s), {limits.rate_per_second:g} requests/s per key; schema at /v1/openapi.json)")
    serve(build_app(settings, keys, limits), args.host, args.port)
    return 0
