"""MCP over stdio, answering every line: a line that is not a JSON-RPC message gets an error reply.

The SDK's stdio transport hands an unparseable line to the server as an exception, which the
server only logs: the client never hears back, and one that sent a request (say with a lone
surrogate escape, `"\\ud800"`, which the SDK's JSON parser refuses) waits forever. Here such a line
is answered at once: -32700 (parse error) for text that is not JSON the SDK accepts, -32600
(invalid request) for JSON that is not a JSON-RPC message, with the request's id when one can be
read from the line (so the client's pending call ends) and `null` otherwise. A request whose id is
not an integer or string (the SDK reads it as a notification, which gets no answer) is refused too.
"""
from __future__ import annotations

import json
from types import TracebackType
from typing import Any

import anyio
from fastmcp import FastMCP
from mcp.server.stdio import stdio_server
from mcp.shared.message import SessionMessage
from mcp_types import ErrorData, JSONRPCError, JSONRPCNotification
from pydantic import ValidationError

PARSE_ERROR, INVALID_REQUEST = -32700, -32600


def error_reply(exc: Exception) -> JSONRPCError:
    """The JSON-RPC error answering the line behind `exc` (the SDK's failure to read it)."""
    first = exc.errors()[0] if isinstance(exc, ValidationError) and exc.errors() else {}
    raw = first.get("input")
    code = PARSE_ERROR if first.get("type") == "json_invalid" or not first else INVALID_REQUEST
    what = "Parse error" if code == PARSE_ERROR else "Invalid request"
    return JSONRPCError(jsonrpc="2.0", id=request_id(raw), error=ErrorData(code=code, message=f"{what}: {first.get('msg') or exc}"[:500]))


def request_id(raw: Any) -> int | str | None:
    """The id of a line Python's (more lenient) JSON reader can still read, else None."""
    if isinstance(raw, (bytes, str)):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    ident = raw.get("id") if isinstance(raw, dict) else None
    return ident if isinstance(ident, (int, str)) and not isinstance(ident, bool) else None


class AnsweringReader:
    """The stdio read stream, minus the lines that could not be read: those are answered on
    `write` instead of being passed to the server. Everything else is delegated unchanged."""

    def __init__(self, inner: Any, write: Any):
        self.inner, self.write = inner, write

    @property
    def last_context(self) -> Any:
        return getattr(self.inner, "last_context", None)

    async def receive(self) -> SessionMessage:
        while True:
            item = await self.inner.receive()
            if isinstance(item, Exception):
                await self.write.send(SessionMessage(error_reply(item)))
            elif isinstance(item.message, JSONRPCNotification) and not item.message.method.startswith("notifications/"):
                # a request whose id was unusable (true, 1.5, {}) reads as a notification: it must not go unanswered
                message = f"Invalid request: `{item.message.method}` needs an integer or string `id`."
                await self.write.send(SessionMessage(JSONRPCError(jsonrpc="2.0", id=None, error=ErrorData(code=INVALID_REQUEST, message=message[:500]))))
            else:
                return item

    def __aiter__(self) -> "AnsweringReader":
        return self

    async def __anext__(self) -> SessionMessage:
        try:
            return await self.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None

    async def aclose(self) -> None:
        await self.inner.aclose()

    async def __aenter__(self) -> "AnsweringReader":
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.aclose()


async def serve_stdio(server: FastMCP) -> None:
    """What `FastMCP.run(transport="stdio")` does (fastmcp 4.x), with the answering reader."""
    from fastmcp.server.context import reset_transport, set_transport

    token = set_transport("stdio")
    try:
        async with server._lifespan_manager(), stdio_server() as (read_stream, write_stream):
            low = server._mcp_server
            await low.run(AnsweringReader(read_stream, write_stream), write_stream, low.create_initialization_options())
    finally:
        reset_transport(token)


def run_stdio(server: FastMCP) -> None:
    anyio.run(serve_stdio, server)
