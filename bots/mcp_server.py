"""MCP server: the tool registry for LLM clients (Claude Desktop, Cursor, MCP SDK agents), over stdio or HTTP.

Clients bring their own model, so the server exposes the tools themselves: one MCP tool per registry
`ToolSpec`, generated from the spec (name, description, input schema, output schema) and answered by
`run_tool` — the same validation, storage and errors the agent gets, never a second copy. A result is
its structured envelope plus a readable text part; charts travel as images and export files as links
to `caeser://exports/…` resources, since a remote client cannot open a path on this machine.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import concurrent.futures
import contextvars
import logging
import sys
import threading
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastmcp import FastMCP
from fastmcp.server.auth import AuthProvider
from fastmcp.server.dependencies import get_context
from fastmcp.tools.base import Tool, ToolResult
from mcp_types import ContentBlock, ImageContent, ResourceLink, TextContent, ToolAnnotations
from pydantic import PrivateAttr

from bots.mcp_caller import caller_owner, remote_paths
from bots.mcp_resources import EXPORT_MIME, add_prompts, add_resources
from memory.settings import Settings, get_settings
from tools.base import ToolContext, ToolError, ToolOutput
from tools.registry import ToolSpec, load_tools, run_tool

log = logging.getLogger(__name__)

MAX_INLINE_CHART_BYTES = 2_000_000  # bigger charts are linked, not inlined
PROGRESS_WAIT_S = 5.0  # a worker waits this long for its notification to be sent, so they arrive in order
# Clients use readOnlyHint to skip confirmations; a tool missing here (a new one) is treated as writing.
# Storing a result for export_report is bookkeeping, not a change a user must confirm; writing export
# files or persona documents (build_personas, analyze_launch which builds them, export_report) is.
READ_ONLY_TOOLS = {"audience_affinity", "compare_audiences", "hype_score", "forecast_demand", "simulate_launch",
                   "suggest_queries", "search_products", "list_watches", "experiment_results", "shopper_analytics"}
DESTRUCTIVE_TOOLS = {"watch_hype", "stop_experiment"}  # update and remove change or delete what exists; the other writers only add


def server_version() -> str:
    """The project's own version for `serverInfo` (not fastmcp's)."""
    try:
        return version("caeser")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


class CallCancelled(BaseException):
    """Raised inside a tool's worker thread at its next progress report once the client has cancelled.
    A BaseException so that `run_tool` lets it through instead of reporting an internal error."""


def summary_text(out: ToolOutput) -> str:
    """The readable part of a result: what an LLM or a person reads first."""
    lines = [out.summary]
    if out.result_id:
        lines.append(f"result_id: {out.result_id} (pass it to export_report)")
    lines.append(f"source: {out.source}")
    return "\n".join(lines)


def chart_block(path: Path, title: str) -> ContentBlock | None:
    if not path.is_file():
        return None
    if path.stat().st_size > MAX_INLINE_CHART_BYTES:
        return ResourceLink(uri=f"caeser://charts/{path.name}", name=path.name, title=title, mime_type="image/png")
    return ImageContent(data=base64.b64encode(path.read_bytes()).decode(), mime_type="image/png")


def file_block(path: Path) -> ResourceLink:
    return ResourceLink(uri=f"caeser://exports/{path.name}", name=path.name, mime_type=EXPORT_MIME.get(path.suffix, "application/octet-stream"))


def success_result(out: ToolOutput, settings: Settings) -> ToolResult:
    """Text, images and links, and the structured envelope with every server path turned into its
    resource URI (a remote client can open `caeser://exports/x.csv`, never `/srv/caeser/var/...`)."""
    blocks: list[ContentBlock] = [TextContent(text=summary_text(out))]
    blocks += [b for c in out.charts if (b := chart_block(Path(c.path), c.title)) is not None]
    blocks += [file_block(Path(p)) for p in out.files]
    return ToolResult(content=blocks, structured_content=remote_paths(out.model_dump(mode="json"), settings))


def error_result(exc: ToolError) -> ToolResult:
    """An MCP tool error (isError): the readable sentence, and the typed details in `_meta`."""
    return ToolResult(content=[TextContent(text=exc.readable())], meta={"caeser/error": exc.info.model_dump(mode="json")}, is_error=True)


class RegistryTool(Tool):
    """One registry tool as an MCP tool. The body runs in a worker thread (tools are synchronous and
    may take seconds); progress is forwarded as MCP progress notifications, and a cancelled call
    stops the worker at its next progress report."""

    _spec: ToolSpec = PrivateAttr()
    _settings: Settings = PrivateAttr()

    @classmethod
    def from_spec(cls, spec: ToolSpec, settings: Settings) -> "RegistryTool":
        read_only = spec.name in READ_ONLY_TOOLS
        tool = cls(name=spec.name, description=spec.description,
                   parameters=spec.input_model.model_json_schema(mode="validation"),
                   output_schema=spec.output_model.model_json_schema(mode="serialization"),
                   annotations=ToolAnnotations(read_only_hint=read_only, destructive_hint=None if read_only else spec.name in DESTRUCTIVE_TOOLS,
                                               open_world_hint=spec.engine == "affinity"))
        tool._spec, tool._settings = spec, settings
        return tool

    async def run(self, arguments: dict[str, Any]) -> ToolResult:
        owner = caller_owner()
        progress, finished = progress_sender(get_context())
        tool_ctx = ToolContext(settings=self._settings, thread_id=f"mcp:{owner.id}", progress=progress, owner=owner)
        try:
            out = await anyio.to_thread.run_sync(run_tool, self._spec.name, arguments, tool_ctx, abandon_on_cancel=True)
        except ToolError as exc:
            return error_result(exc)
        except BaseException:
            finished(cancelled=True)  # a worker still running after a cancel stops at its next report
            raise
        finished(cancelled=False)  # sub-calls left running in the background (analyze_launch) report to no one
        return success_result(out, self._settings)


def progress_sender(mcp_ctx: Any) -> tuple[Any, Any]:
    """A progress callback any thread may call (the tool's worker, or threads it starts itself, as
    analyze_launch does per engine), and `finished(cancelled)` to end it.

    Each report is scheduled on the request's event loop in the request's context (fastmcp finds
    the session through a context variable), and the caller waits briefly so reports stay in order.
    After a cancel the next report raises CallCancelled in the reporting thread; after a normal end
    reports are dropped. A notification that cannot be sent never fails the tool."""
    loop = asyncio.get_running_loop()
    context = contextvars.copy_context()
    state = {"cancelled": False}
    done = threading.Event()

    def progress(fraction: float, message: str) -> None:
        if state["cancelled"]:
            raise CallCancelled()
        if done.is_set():
            return
        sent: concurrent.futures.Future[None] = concurrent.futures.Future()

        def schedule() -> None:
            task = loop.create_task(mcp_ctx.report_progress(fraction, 1.0, message), context=context)
            task.add_done_callback(lambda t: sent.set_exception(t.exception()) if not t.cancelled() and t.exception() else sent.set_result(None))

        try:
            loop.call_soon_threadsafe(schedule)
            sent.result(timeout=PROGRESS_WAIT_S)
        except Exception as exc:  # loop closed, client gone, slow client: the tool goes on
            log.debug("progress notification not sent: %s", exc)

    def finished(*, cancelled: bool) -> None:
        state["cancelled"] = cancelled
        done.set()

    return progress, finished


INSTRUCTIONS = """caeser answers retail and brand marketing questions with data: audience affinity, hype scores,
demand forecasts, launch simulations, personas, search autosuggest and launch readouts. Every tool result
has a readable summary, structured data, a result_id (pass it to export_report for CSV/JSON/PDF) and its
source. Resources: caeser://results/{result_id}, caeser://watches, caeser://personas, caeser://catalog/categories."""


def build_server(settings: Settings, *, specs: Iterable[ToolSpec] | None = None, auth: AuthProvider | None = None) -> FastMCP:
    """The MCP server over `settings` (tests pass an isolated home). `specs` defaults to the whole
    registry; `auth` is required for HTTP and absent for stdio and in-memory clients."""
    server = FastMCP("caeser", instructions=INSTRUCTIONS, version=server_version(), auth=auth, mask_error_details=True)
    for spec in (load_tools().values() if specs is None else specs):
        server.add_tool(RegistryTool.from_spec(spec, settings))
    add_resources(server, settings)
    add_prompts(server)
    return server


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--transport", choices=["stdio", "http"], default="stdio", help="stdio for desktop clients (default), http for remote ones")
    parser.add_argument("--host", default="127.0.0.1", help="HTTP bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="HTTP port (default 8765); the endpoint is /mcp")


def run(args: argparse.Namespace) -> int:
    from bots.mcp_auth import AuthNotConfigured, build_auth
    from bots.mcp_http import HttpLimits, build_http_app, serve
    from memory.build.runner import start_missing

    settings = get_settings()
    announce = lambda line: print(f"caeser serve mcp: {line}", file=sys.stderr)  # noqa: E731
    if args.transport == "stdio":
        from bots.mcp_stdio import run_stdio

        start_missing(settings, announce)
        run_stdio(build_server(settings))
        return 0
    try:
        auth = build_auth(settings)
        limits = HttpLimits.from_env()
    except (AuthNotConfigured, ValueError) as exc:
        print(f"caeser serve mcp: {exc}", file=sys.stderr)
        return 2
    start_missing(settings, announce)
    print(f"caeser MCP server on http://{args.host}:{args.port}/mcp (stateless; {limits.rate_per_minute:g} tool calls/min per token)", file=sys.stderr)
    serve(build_http_app(build_server(settings, auth=auth), limits), args.host, args.port)
    return 0
