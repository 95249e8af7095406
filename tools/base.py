"""The types every tool shares: its context, its output envelope and its typed error.

A tool is `func(inp: InputModel, ctx: ToolContext) -> OutputModel`. The envelope is the same for
all tools so that the agent, the MCP server and the bots can render any of them without knowing
which tool ran; each tool narrows `data` to its own pydantic model.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from pydantic import BaseModel, Field

from memory.owner import DEFAULT_OWNER, Owner
from memory.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

ErrorCode = Literal["not_available", "invalid_argument", "not_found", "upstream_error", "permission_denied", "internal"]


class Chart(BaseModel):
    """A picture a tool made: a PNG written under CAESER_HOME/charts."""

    path: str
    title: str


class ToolOutput(BaseModel):
    """What every tool returns. `data` is narrowed by each tool's own output model."""

    summary: str = Field(description="One readable paragraph that answers the request.")
    data: Any = Field(default=None, description="Structured figures behind the summary.")
    charts: list[Chart] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list, description="Paths of export files the tool wrote (CSV, JSON, PDF…).")
    result_id: str = Field(default="", description="Stored id: follow-ups and export_report refer to it.")
    source: str = Field(description="Which data and which model produced the figures.")


class ToolErrorInfo(BaseModel):
    """The serialisable form of a ToolError, shown to users and MCP clients."""

    tool: str = ""
    code: ErrorCode
    message: str
    field: str | None = None
    options: list[str] = Field(default_factory=list, description="Accepted values, where the error is an unknown one.")


class ToolError(Exception):
    """A failure the user can act on. Its message is the whole story: no trace is ever shown."""

    def __init__(self, code: ErrorCode, message: str, *, field: str | None = None, options: list[str] | None = None, tool: str = ""):
        super().__init__(message)
        self.info = ToolErrorInfo(tool=tool, code=code, message=message, field=field, options=list(options or [])[:20])

    @property
    def code(self) -> ErrorCode:
        return self.info.code

    @property
    def message(self) -> str:
        return self.info.message

    def readable(self) -> str:
        text = self.info.message
        if self.info.options:
            text += (" Closest: " if self.info.code == "not_found" else " Known values: ") + ", ".join(self.info.options) + "."
        return text


ProgressFn = Callable[[float, str], None]


@dataclass
class ToolContext:
    """Per-call context: settings, the stores (opened lazily, so a tool that needs none costs nothing),
    the conversation it belongs to, who is asking (`owner`: every store read and write is scoped to
    it) and a progress callback for long tools."""

    settings: Settings = field(default_factory=get_settings)
    thread_id: str | None = None
    progress: ProgressFn | None = None
    owner: Owner = DEFAULT_OWNER
    origin_channel: str | None = None  # where the request was asked ('slack:C0123'): a watch with no channel posts there

    @property
    def exports_dir(self) -> Path:
        """This owner's export files: one folder per tenant, so a file name never reaches another's."""
        return self.settings.exports_dir / self.owner.slug

    @property
    def charts_dir(self) -> Path:
        return self.settings.charts_dir / self.owner.slug

    def report(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(max(0.0, min(1.0, fraction)), message)

    @cached_property
    def sql(self) -> "Engine":
        from memory.db import get_engine

        return get_engine(self.settings)
