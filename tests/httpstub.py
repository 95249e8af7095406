"""Shared bits of the HTTP stand-ins tests start on 127.0.0.1 (Slack/Discord recorders, a fake LLM)."""
from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


def send_json(handler: BaseHTTPRequestHandler, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
    data = json.dumps(body).encode()
    handler.send_response(code)
    for key, value in (headers or {}).items():
        handler.send_header(key, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that keeps test output clean (no access log) and answers JSON."""

    def log_message(self, *args: object) -> None:
        pass

    def reply_json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        send_json(self, code, body, headers)


class LoopbackServer:
    """A threaded HTTP server on a free port of 127.0.0.1 (or another loopback `host`), started and stopped by `with`: the shared
    life cycle of the recorders that stand in for Slack, Discord and webhooks."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1") -> None:
        self.server = ThreadingHTTPServer((host, 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
