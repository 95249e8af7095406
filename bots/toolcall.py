"""Typed bot commands (`/hype`, `/watch`, export buttons…) call one tool directly, no model in between.

The result is shaped as an `AgentReply` so that `bots.render` renders commands and free-text
answers the same way, and a tool error reads exactly as it does in chat.
"""
from __future__ import annotations

from typing import Any

from agent.service import AgentReply, ToolCallRecord
from memory.owner import Owner
from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.registry import run_tool


def call_tool(settings: Settings, thread_id: str, name: str, args: dict[str, Any], owner: Owner) -> AgentReply:
    """Run `name` with `args` in the conversation `thread_id` for the tenant `owner`. Never raises for the user's mistakes."""
    try:
        out = run_tool(name, args, ToolContext(settings=settings, thread_id=thread_id, owner=owner))
    except ToolError as exc:
        payload = {"error": exc.info.model_dump()}
        return AgentReply(text=f"⚠️ {exc.readable()}", tool_calls=[ToolCallRecord(tool=name, args=args, ok=False)], data=[payload])
    payload = out.model_dump(mode="json")
    return AgentReply(text=out.summary, tool_calls=[ToolCallRecord(tool=name, args=args, ok=True, result_id=out.result_id or None)],
                      charts=[c.path for c in out.charts], files=list(out.files), data=[payload])
