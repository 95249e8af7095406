"""Run the Slack app: `/caeser`, mentions and DMs, over HTTP (`/slack/events`) or Socket Mode.

Bolt verifies every HTTP request's signature (401 for forged or stale ones), acks within the
request, and runs listeners on a small worker pool so the slow agent never holds a request open.
`SLACK_API_URL` points the Web API elsewhere (a recorder in tests, a proxy in deployments).
"""
from __future__ import annotations

import argparse
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bots.permissions import Permissions, PermissionsError
from bots.deps import Asker, Deps
from bots.slack.dedupe import EventDeduper
from bots.slack.listeners import register_listeners
from memory.settings import Settings, get_settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
WORKERS = 4  # agent calls in flight at once; the Agent is shared, so keep this small


def web_client(settings: Settings) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) instead of failing the answer."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=(settings.slack_api_url or WebClient.BASE_URL).rstrip("/") + "/")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def build_app(settings: Settings, agent: Asker, permissions: Permissions | None = None, *, socket_mode: bool = False,
              executor: ThreadPoolExecutor | None = None) -> App:
    """The Bolt app with every listener; its token is the Web API client's (Bolt checks it with auth.test).
    `executor` runs the listeners (WORKERS threads by default); pass one to wait for in-flight work."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = App(
        signing_secret=secret,
        client=web_client(settings),
        request_verification_enabled=not socket_mode,
        listener_executor=executor or ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="caeser-slack"),
    )
    app.use(EventDeduper().middleware)
    register_listeners(app, Deps(settings=settings, agent=agent, permissions=permissions or Permissions()))
    return app


def http_server(app: App, host: str, port: int, path: str = EVENTS_PATH) -> ThreadingHTTPServer:
    """A threaded HTTP server for `app` (Bolt's own dev server is single-threaded and binds 0.0.0.0).
    `GET /healthz` answers 200 for container health checks."""

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
            log.debug(format, *args)

        def _send(self, status: int, body: str, headers: dict[str, Any] | None = None) -> None:
            data = body.encode()
            self.send_response(status)
            for key, values in (headers or {}).items():
                for value in values if isinstance(values, (list, tuple)) else [values]:
                    if key.lower() != "content-length":
                        self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            self._send(200, "ok") if self.path == "/healthz" else self._send(404, "")

        def do_POST(self) -> None:
            request_path, _, query = self.path.partition("?")
            if request_path != path:
                return self._send(404, "")
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode("utf-8")
            response = app.dispatch(BoltRequest(body=body, query=query, headers={k.lower(): [v] for k, v in self.headers.items()}))
            self._send(response.status, response.body, response.headers)

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--http", action="store_true", help=f"receive events over HTTP at {EVENTS_PATH} (the default)")
    mode.add_argument("--socket", action="store_true", help="Socket Mode: no public URL, needs SLACK_APP_TOKEN")
    parser.add_argument("--host", default="0.0.0.0", help="HTTP mode: interface to listen on (default 0.0.0.0)")
    parser.add_argument("--port", type=int, default=3000, help="HTTP mode: port (default 3000)")


def missing_settings(settings: Settings, socket_mode: bool) -> list[str]:
    needed = {"SLACK_BOT_TOKEN": settings.slack_bot_token, **({"SLACK_APP_TOKEN": settings.slack_app_token} if socket_mode else {"SLACK_SIGNING_SECRET": settings.slack_signing_secret})}
    return [name for name, value in needed.items() if value is None]


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    missing = missing_settings(settings, args.socket)
    if missing:
        print(f"caeser serve slack: set {', '.join(missing)} (see docs/bots.md for creating the Slack app).", file=sys.stderr)
        return 2
    try:
        permissions = Permissions.from_env()
    except PermissionsError as exc:
        print(f"caeser serve slack: {exc}", file=sys.stderr)
        return 2
    from agent.service import Agent  # the heavy import, only once we know we will run

    with Agent(settings) as agent:
        app = build_app(settings, agent, permissions, socket_mode=args.socket)
        if args.socket:
            from slack_bolt.adapter.socket_mode import SocketModeHandler

            SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
            return 0
        server = http_server(app, args.host, args.port)
        log.info("Slack app listening on http://%s:%d%s", args.host, args.port, EVENTS_PATH)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
    return 0
