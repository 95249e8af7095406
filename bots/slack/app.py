"""Run the Slack app: `/caeser`, mentions and DMs, over HTTP (`/slack/events`) or Socket Mode.

Acks never wait for the agent, however many requests arrive: Bolt runs each listener before it
answers (`process_before_response`), and listeners only check the request, ack it and queue the
slow part on a bounded queue with its own workers (`bots.slack.work`), which tells users when it is
busy rather than dropping anyone. Over HTTP, `bots.slack.server` (uvicorn) refuses oversized,
unsigned, slow or malformed requests before Bolt sees them; Bolt checks the signature again.
`SLACK_API_URL` points the Web API elsewhere (a recorder in tests, a proxy in deployments).
"""
from __future__ import annotations

import argparse
import logging
import signal
import sys

from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bots.deps import Asker, Deps
from bots.permissions import Permissions, PermissionsError
from bots.slack.dedupe import EventDeduper
from bots.slack.listeners import register_listeners
from bots.slack.server import EVENTS_PATH, SlackFrontDoor, server
from bots.slack.work import WorkQueue
from memory.settings import Settings, get_settings

log = logging.getLogger(__name__)

WORKERS = 4  # agent calls in flight at once; the Agent is shared, so keep this small


def web_client(settings: Settings) -> WebClient:
    """A Web API client that waits out 429s (Retry-After) instead of failing the answer."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(token=token, base_url=(settings.slack_api_url or WebClient.BASE_URL).rstrip("/") + "/")
    client.retry_handlers.append(RateLimitErrorRetryHandler(max_retry_count=3))
    return client


def build_app(settings: Settings, agent: Asker, work: WorkQueue, permissions: Permissions | None = None, *, socket_mode: bool = False) -> App:
    """The Bolt app with every listener; its token is the Web API client's (Bolt checks it with auth.test).
    Listeners run before Bolt answers (they are quick) and hand their work to `work`."""
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else None
    app = App(signing_secret=secret, client=web_client(settings), request_verification_enabled=not socket_mode, process_before_response=True)
    app.use(EventDeduper().middleware)
    register_listeners(app, Deps(settings=settings, agent=agent, permissions=permissions or Permissions()), work)
    return app


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
    from memory.build.runner import start_missing

    start_missing(settings, announce=log.info)

    with Agent(settings) as agent:
        work = WorkQueue(workers=WORKERS)
        app = build_app(settings, agent, work, permissions, socket_mode=args.socket)
        # uvicorn re-raises SIGTERM after its graceful stop; exiting through `finally` lets the queue answer what it acked
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            if args.socket:
                from slack_bolt.adapter.socket_mode import SocketModeHandler

                SocketModeHandler(app, settings.slack_app_token.get_secret_value()).start()
                return 0
            log.info("Slack app listening on http://%s:%d%s", args.host, args.port, EVENTS_PATH)
            server(SlackFrontDoor(app, settings.slack_signing_secret.get_secret_value()), args.host, args.port).run()
        finally:
            work.close()  # queued requests are answered before the process ends
    return 0
