"""The agent as front-ends use it: `Agent.ask(thread_id, text) -> AgentReply`.

Input guards live here, before the graph, so every front-end refuses the same bad input with the
same words; the reply collects this turn's charts, files and notes from the tool artifacts.
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import ExitStack
from typing import Any

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage
from pydantic import BaseModel, Field

from agent.graph import build_graph
from agent.guard import check_message, clean_text
from memory.checkpoints import open_checkpointer
from memory.owner import DEFAULT_OWNER, Owner
from memory.settings import Settings, get_settings
from tools.base import ProgressFn

log = logging.getLogger(__name__)

MAX_THREAD_ID = 200


class ToolCallRecord(BaseModel):
    tool: str
    args: dict[str, Any]
    ok: bool
    result_id: str | None = None


class AgentReply(BaseModel):
    text: str
    tool_calls: list[ToolCallRecord] = Field(default_factory=list)
    charts: list[str] = Field(default_factory=list)
    files: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    data: list[dict[str, Any]] = Field(default_factory=list, description="Each tool result's payload, for rich rendering.")


def safe_thread_id(thread_id: str) -> str:
    """Thread ids come from front-ends (channel + thread ts …); long ones are hashed to fit the stores."""
    thread_id = thread_id.strip() or "default"
    if len(thread_id) <= MAX_THREAD_ID:
        return thread_id
    return thread_id[:64] + "-" + hashlib.sha256(thread_id.encode()).hexdigest()[:32]


class Agent:
    """One graph with its checkpointer; close it (or use `with`) to release the store."""

    def __init__(self, settings: Settings | None = None):
        self.settings = settings or get_settings()
        self._stack = ExitStack()
        checkpointer = self._stack.enter_context(open_checkpointer(self.settings))
        self.graph = build_graph(self.settings, checkpointer)

    def __enter__(self) -> "Agent":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._stack.close()

    def ask(self, thread_id: str, text: str, progress: ProgressFn | None = None, deny_tools: frozenset[str] = frozenset(),
            owner: Owner = DEFAULT_OWNER, origin_channel: str | None = None) -> AgentReply:
        """One user turn. `deny_tools` are tools this user may not run (front-ends' permissions):
        a call to one becomes a polite permission error instead of running. `owner` is the tenant
        asking (workspace, guild, CLI user): the tools store and read only its results and watches.
        `origin_channel` is where the request was asked ('slack:C0123', 'discord:1234'): a watch
        set without a channel posts there."""
        refusal = check_message(text)
        if refusal:
            return AgentReply(text=refusal)
        config = {"configurable": {"thread_id": safe_thread_id(thread_id), "progress": progress, "deny_tools": sorted(deny_tools), "owner": owner,
                                   "origin_channel": origin_channel}}
        before = self._message_count(config)
        state = self.graph.invoke({"messages": [HumanMessage(clean_text(text))], "rounds": 0, "notes": []}, config)
        return reply_from(state["messages"][before:], state.get("notes", []))

    def history(self, thread_id: str) -> list[Any]:
        snapshot = self.graph.get_state({"configurable": {"thread_id": safe_thread_id(thread_id)}})
        return list(snapshot.values.get("messages", [])) if snapshot and snapshot.values else []

    def _message_count(self, config: dict) -> int:
        snapshot = self.graph.get_state(config)
        return len(snapshot.values.get("messages", [])) if snapshot and snapshot.values else 0


def reply_from(messages: list[Any], notes: list[str]) -> AgentReply:
    reply = AgentReply(text="", notes=list(notes))
    calls: dict[str, dict[str, Any]] = {}
    for message in messages:
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                calls[call["id"]] = call
        elif isinstance(message, ToolMessage):
            payload = message.artifact if isinstance(message.artifact, dict) else {}
            call = calls.get(message.tool_call_id, {"name": message.name or "", "args": {}})
            ok = "error" not in payload
            reply.tool_calls.append(ToolCallRecord(tool=call["name"], args=call["args"], ok=ok, result_id=payload.get("result_id")))
            reply.charts.extend(c["path"] for c in payload.get("charts", []))
            reply.files.extend(payload.get("files", []))
            reply.data.append(payload)
    final = next((m for m in reversed(messages) if isinstance(m, AIMessage) and not m.tool_calls), None)
    text = final.content if final is not None and isinstance(final.content, str) else ""
    reply.text = "\n".join([*(f"ℹ️ {n}" for n in notes), text]).strip()
    return reply
