"""MCP over streamable HTTP: the ASGI app (stateless, behind a gate) and the process that serves it.

Stateless so that any worker behind a load balancer can answer any request: there is no session to
lose. Before anything else fastmcp's Host/Origin guard refuses requests whose Host is not this server
(421) or whose browser Origin is foreign (403): a web page cannot reach a server on the user's
machine through DNS rebinding. The gate runs inside fastmcp's authentication middleware, so it knows
which client is calling; it answers 401 to anyone without a valid token (on every path, not only
`/mcp`), 413 to a body over the size limit and 429 to a client over its rate, before the MCP layer
parses a byte. The rate counts work (tool calls, resource reads, prompts), not the handshake,
listings or notifications: clients sharing a token each connect without spending the budget.
"""
from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import uvicorn
from fastmcp import FastMCP
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MCP_PATH = "/mcp"
MAX_TRACKED_CLIENTS = 10_000  # rate buckets kept; the least recently seen are dropped first
FREE_METHODS = frozenset({"initialize", "ping", "tools/list", "resources/list", "resources/templates/list", "prompts/list"})
REQUESTS_PER_CALL = 10  # any request, free or not, is also held to 10× the call rate: a handshake flood is still a flood


@dataclass(frozen=True)
class HttpLimits:
    """Per-request and per-client limits. `rate_per_minute` is requests per minute per client; a
    client may burst `burst` requests at once before the steady rate applies."""

    max_body_bytes: int = 1_048_576
    rate_per_minute: float = 600.0
    burst: int = 100
    allowed_hosts: tuple[str, ...] = ()  # Host names beyond localhost and the bind address (behind a proxy, a public name)
    allowed_origins: tuple[str, ...] = ()  # browser origins that may call (same-origin and loopback are always allowed)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "HttpLimits":
        """`CAESER_MCP_MAX_BODY_BYTES`, `CAESER_MCP_RATE_LIMIT` (tool calls per minute), `CAESER_MCP_RATE_BURST`,
        and the comma-separated `CAESER_MCP_ALLOWED_HOSTS` and `CAESER_MCP_ALLOWED_ORIGINS`."""
        environ = os.environ if environ is None else environ
        default = cls()
        return cls(max_body_bytes=int(env_number(environ, "CAESER_MCP_MAX_BODY_BYTES", default.max_body_bytes)),
                   rate_per_minute=env_number(environ, "CAESER_MCP_RATE_LIMIT", default.rate_per_minute),
                   burst=int(env_number(environ, "CAESER_MCP_RATE_BURST", default.burst)),
                   allowed_hosts=env_list(environ, "CAESER_MCP_ALLOWED_HOSTS"), allowed_origins=env_list(environ, "CAESER_MCP_ALLOWED_ORIGINS"))


def env_list(environ: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in (environ.get(name) or "").split(",") if item.strip())


def env_number(environ: Mapping[str, str], name: str, default: float) -> float:
    raw = environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{name} must be a number, got {raw!r}.") from None
    if value <= 0:
        raise ValueError(f"{name} must be above 0, got {raw!r}.")
    return value


class TokenBuckets:
    """One token bucket per client id: `allow` spends a token or says how long until the next one."""

    def __init__(self, rate_per_minute: float, burst: int, clock=time.monotonic):
        self.rate, self.burst, self.clock = rate_per_minute / 60.0, max(1, burst), clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # client -> (tokens, last time)
        self.lock = threading.Lock()

    def allow(self, client: str, cost: int = 1) -> float:
        """0.0 when a request costing `cost` tokens may go ahead (and spends them), else the seconds to wait."""
        now = self.clock()
        with self.lock:
            tokens, last = self.buckets.pop(client, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            need = float(min(cost, self.burst))  # a batch bigger than the burst waits for a full bucket, not forever
            wait = 0.0 if tokens >= need else (need - tokens) / self.rate if self.rate > 0 else 60.0
            self.buckets[client] = (tokens - need if wait == 0.0 else tokens, now)
            while len(self.buckets) > MAX_TRACKED_CLIENTS:
                self.buckets.popitem(last=False)
        return wait


async def refuse(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    """A JSON-RPC shaped error body, so MCP clients show the sentence rather than a parse failure."""
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32001 if status == 401 else -32000, "message": message}}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def billable_calls(body: bytes) -> int:
    """How many messages of a request body count against the call rate: every one but the handshake,
    listings, notifications and responses. A body that is not JSON-RPC counts as one."""
    try:
        payload = json.loads(body) if body else None
    except ValueError:
        return 1
    if payload is None:
        return 0
    messages = payload if isinstance(payload, list) and payload else [payload]
    free = 0
    for message in messages:
        method = message.get("method") if isinstance(message, dict) else None
        if (isinstance(method, str) and (method in FREE_METHODS or method.startswith("notifications/"))) \
                or (isinstance(message, dict) and method is None and ("result" in message or "error" in message)):
            free += 1
    return len(messages) - free


class GateMiddleware:
    """Authenticated, within size, within rate — or refused with a readable sentence."""

    def __init__(self, app: ASGIApp, limits: HttpLimits):
        self.app, self.limits = app, limits
        self.calls = TokenBuckets(limits.rate_per_minute, limits.burst)
        self.requests = TokenBuckets(limits.rate_per_minute * REQUESTS_PER_CALL, limits.burst * REQUESTS_PER_CALL)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        user = scope.get("user")
        if not isinstance(user, AuthenticatedUser):
            await refuse(send, 401, "A valid bearer token is required (Authorization: Bearer …).", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
            return
        client = user.access_token.client_id
        body = await self.read_body(scope, receive)
        if body is None:
            await refuse(send, 413, f"Request body over the {self.limits.max_body_bytes} byte limit.")
            return
        calls = billable_calls(body)
        wait = self.requests.allow(client) or (self.calls.allow(client, calls) if calls else 0.0)
        if wait > 0:
            await refuse(send, 429, f"Rate limit exceeded ({self.limits.rate_per_minute:g} tool calls per minute); retry in {wait:.1f} s.", {"Retry-After": str(max(1, round(wait)))})
            return
        await self.app(scope, replay(body, receive), send)

    async def read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it is known to be too big (declared or streamed)."""
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limits.max_body_bytes:
            return None
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limits.max_body_bytes:
                return None
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A receive that yields the buffered body once, then defers to the real one (disconnects)."""
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


def build_http_app(server: FastMCP, limits: HttpLimits) -> Starlette:
    """The ASGI app: streamable HTTP at /mcp, stateless, gated. The server must carry an auth provider."""
    if server.auth is None:
        raise ValueError("the HTTP app needs a server built with an auth provider")
    return server.http_app(path=MCP_PATH, stateless_http=True, middleware=[Middleware(GateMiddleware, limits=limits)],
                           host_origin_protection=True, allowed_hosts=list(limits.allowed_hosts), allowed_origins=list(limits.allowed_origins))


def serve(app: Starlette, host: str, port: int) -> None:
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
