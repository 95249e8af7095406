"""The Slack app's HTTP front door: a small ASGI app on uvicorn that checks a request before Bolt sees it.

Bolt's own ASGI adapter reads the whole body before anything checks it, decodes it unguarded and
runs `App.dispatch` on the event loop, so one big or slow request stalls every other. Here each
request is refused as early as possible, reading no more than it must:
- anything but `POST /slack/events` → 404 (`GET /healthz` → 200, for container health checks);
- a Content-Length above `max_body` → 413, before any of the body is read;
- no X-Slack-Signature, or an X-Slack-Request-Timestamp that is missing, not a number or more than
  5 minutes off → 401, before any of the body is read;
- a body that grows past `max_body` → 413; one not complete within `body_timeout_s` → 408;
- invalid UTF-8 or a payload that is not a JSON object → 400; a wrong signature → 401.
Only then Bolt dispatches it, on one of `threads` threads (its listeners only check, ack and queue:
`bots.slack.work`). uvicorn's h11 parser answers broken HTTP framing (a bad Content-Length, …) with
400, and `HeaderDeadline` closes, with 408, connections whose request headers do not arrive within
`headers_timeout_s` (uvicorn has no such limit), so half-sent requests hold no thread and no slot.
"""
from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import uvicorn
from slack_bolt import App, BoltRequest
from slack_bolt.request.internals import parse_body
from slack_sdk.signature import SignatureVerifier
from uvicorn.protocols.http.h11_impl import H11Protocol

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
STALE_S = 300  # Slack's own replay window for signed requests
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """Slack's largest payloads (a block_actions with a long message) stay well under 1 MiB."""

    max_body: int = 1024 * 1024
    body_timeout_s: float = 5.0
    headers_timeout_s: float = 5.0
    threads: int = 32  # concurrent Bolt dispatches; each takes milliseconds


class Refusal(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status, self.message = status, message


class SlackFrontDoor:
    """The ASGI app: refuses what it must (see the module docstring), dispatches the rest to `app`."""

    def __init__(self, app: App, signing_secret: str, limits: Limits = Limits(), path: str = EVENTS_PATH) -> None:
        self.app, self.limits, self.path = app, limits, path
        self.verifier = SignatureVerifier(signing_secret)
        self.limiter = anyio.CapacityLimiter(limits.threads)
        self.body_bytes_read = 0  # every body byte taken from the server (the abuse benchmark reports it)

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        try:
            status, headers, body = await self.handle(scope, receive)
        except Refusal as refusal:  # and close: uvicorn would otherwise go on reading (and discarding) an unread body
            status, headers, body = refusal.status, {"content-type": "text/plain; charset=utf-8", "connection": "close"}, refusal.message.encode()
        raw_headers = [(k.encode(), v.encode()) for k, v in headers.items() if k.lower() != "content-length"]
        await send({"type": "http.response.start", "status": status, "headers": [*raw_headers, (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def handle(self, scope: dict[str, Any], receive: Receive) -> tuple[int, dict[str, str], bytes]:
        if scope["method"] == "GET" and scope["path"] == "/healthz":
            return 200, {"content-type": "text/plain"}, b"ok"
        if scope["method"] != "POST" or scope["path"] != self.path:
            raise Refusal(404, "Not Found")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.check_headers(headers)
        body = await self.read_body(receive, headers)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "the body is not valid UTF-8") from None
        if not self.verifier.is_valid(text, headers["x-slack-request-timestamp"], headers["x-slack-signature"]):
            raise Refusal(401, "invalid signature")
        try:
            payload = parse_body(text, headers.get("content-type"))
        except ValueError:
            raise Refusal(400, "the payload is not valid JSON") from None
        if not isinstance(payload, dict):
            raise Refusal(400, "the payload is not a JSON object")
        request = BoltRequest(body=text, query=scope["query_string"].decode("latin-1"), headers=headers)
        response = await anyio.to_thread.run_sync(self.app.dispatch, request, limiter=self.limiter)
        out = {k: v[0] if isinstance(v, list) else v for k, v in response.headers.items()}
        return response.status, out, (response.body or "").encode()

    def check_headers(self, headers: dict[str, str]) -> None:
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limits.max_body:
            raise Refusal(413, f"the body is over {self.limits.max_body} bytes")
        timestamp, signature = headers.get("x-slack-request-timestamp"), headers.get("x-slack-signature")
        if not timestamp or not signature:
            raise Refusal(401, "unsigned request: X-Slack-Request-Timestamp and X-Slack-Signature are required")
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise Refusal(401, "X-Slack-Request-Timestamp must be Unix seconds")
        if abs(time.time() - int(timestamp)) > STALE_S:
            raise Refusal(401, "stale request: X-Slack-Request-Timestamp is more than 5 minutes off")

    async def read_body(self, receive: Receive, headers: dict[str, str]) -> bytes:
        body = bytearray()
        try:
            with anyio.fail_after(self.limits.body_timeout_s):
                while True:
                    message = await receive()
                    if message["type"] != "http.request":
                        raise Refusal(400, "the client went away")
                    chunk = message.get("body", b"")
                    self.body_bytes_read += len(chunk)
                    if len(body) + len(chunk) > self.limits.max_body:
                        raise Refusal(413, f"the body is over {self.limits.max_body} bytes")
                    body += chunk
                    if not message.get("more_body", False):
                        return bytes(body)
        except TimeoutError:
            raise Refusal(408, f"the body did not arrive within {self.limits.body_timeout_s:g} s") from None


class HeaderDeadline(H11Protocol):
    """uvicorn's h11 protocol with a deadline for each request's headers (the first, and each next
    one on a kept-alive connection): a client that started them but never finished is answered 408,
    a silent one just closed (uvicorn's keep-alive timer does the same for idle connections)."""

    headers_timeout_s = Limits.headers_timeout_s

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def _arm(self) -> None:
        waiting_for = self.cycle  # a new request replaces the cycle; the same one means no new headers came
        self.loop.call_later(self.headers_timeout_s, self._late, waiting_for)

    def _late(self, waiting_for: object) -> None:
        if self.cycle is waiting_for and not self.transport.is_closing() and (waiting_for is None or self.cycle.response_complete):
            if self.conn.trailing_data[0]:  # part of a request arrived
                self.transport.write(b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain\r\ncontent-length: 21\r\nconnection: close\r\n\r\n"
                                     b"request headers late\n")
            self.transport.close()


def server(front_door: SlackFrontDoor, host: str, port: int) -> uvicorn.Server:
    """uvicorn serving `front_door` on `host`:`port` with the header deadline of its limits."""
    protocol = type("SlackHeaderDeadline", (HeaderDeadline,), {"headers_timeout_s": front_door.limits.headers_timeout_s})
    config = uvicorn.Config(front_door, host=host, port=port, http=protocol, lifespan="off", log_level="warning", access_log=False,
                            timeout_keep_alive=5, limit_concurrency=2000)
    return uvicorn.Server(config)


@contextmanager
def serving(front_door: SlackFrontDoor, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve on a free port of `host` in a background thread (tests, benchmarks); yields the base
    URL and always stops the server on exit."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, 0))
    srv = server(front_door, host, 0)
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, name="slack-http", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 15
        while not srv.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Slack HTTP server did not start")
            time.sleep(0.02)
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        srv.should_exit = True
        thread.join(timeout=15)
        sock.close()
