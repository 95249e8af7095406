"""The LangGraph graph: model node ↔ tool node, a bounded number of tool rounds per turn.

The tool node is our own rather than the prebuilt ToolNode because every call must go through
`run_tool` (validation, storage, typed errors) with the thread's context, and malformed calls from
an LLM must become readable tool errors instead of exceptions.
"""
from __future__ import annotations

import json
import logging
from typing import Any

from langchain_core.messages import AIMessage, SystemMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph

from agent.models import endpoint_label, llm_model, offline_planner
from agent.prompts import SYSTEM_PROMPT
from agent.state import AgentState
from memory.owner import DEFAULT_OWNER
from memory.settings import Settings
from tools.base import ToolContext, ToolError
from tools.registry import run_tool

log = logging.getLogger(__name__)

MAX_TOOL_ROUNDS = 3
MAX_TOOL_MESSAGE_CHARS = 6000  # what an LLM reads of one result; the full result stays in the artifact


def tool_message(call_id: str, name: str, payload: dict[str, Any], *, error: bool) -> ToolMessage:
    content = json.dumps(payload, ensure_ascii=False, default=str)
    if len(content) > MAX_TOOL_MESSAGE_CHARS:
        slim = {k: payload[k] for k in ("summary", "source", "result_id", "charts", "files", "error") if k in payload}
        content = json.dumps(slim, ensure_ascii=False, default=str)
    return ToolMessage(content=content, tool_call_id=call_id, name=name, artifact=payload, status="error" if error else "success")


def run_calls(message: AIMessage, ctx: ToolContext, deny: frozenset[str] = frozenset()) -> list[ToolMessage]:
    """Run every tool call of one AIMessage; each failure (or a tool this user may not use) becomes
    an error ToolMessage."""
    results: list[ToolMessage] = []
    for call in message.tool_calls:
        if call["name"] in deny:
            info = {"tool": call["name"], "code": "permission_denied", "message": f"Sorry — you don't have permission to use `{call['name']}` here; ask a workspace admin."}
            results.append(tool_message(call["id"], call["name"], {"error": info}, error=True))
            continue
        ctx.report(0.0, f"running {call['name']}")
        try:
            out = run_tool(call["name"], call.get("args") or {}, ctx)
            results.append(tool_message(call["id"], call["name"], out.model_dump(mode="json"), error=False))
        except ToolError as exc:
            results.append(tool_message(call["id"], call["name"], {"error": exc.info.model_dump()}, error=True))
    for bad in message.invalid_tool_calls:
        info = {"tool": bad.get("name") or "", "code": "invalid_argument", "message": f"The model sent malformed arguments for `{bad.get('name')}` ({bad.get('error') or 'not valid JSON'}); nothing was run."}
        results.append(tool_message(bad.get("id") or "invalid", bad.get("name") or "unknown", {"error": info}, error=True))
    return results


def build_graph(settings: Settings, checkpointer: BaseCheckpointSaver | None = None):
    planner = offline_planner(settings)
    llm = llm_model(settings)

    def model_node(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        messages = state["messages"]
        if llm is not None:
            try:
                reply = llm.invoke([SystemMessage(SYSTEM_PROMPT), *messages], config)
                return {"messages": [reply]}
            except Exception as exc:  # endpoint down, timeout, bad response: the planner answers
                log.warning("LLM endpoint failed (%s); falling back to the offline planner", type(exc).__name__)
                note = f"The language model at {endpoint_label(settings)} did not answer ({type(exc).__name__}); this answer comes from the offline planner."
                return {"messages": [planner.invoke(messages, config)], "notes": [note]}
        return {"messages": [planner.invoke(messages, config)]}

    def tools_node(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        configurable = config.get("configurable", {})
        ctx = ToolContext(settings=settings, thread_id=configurable.get("thread_id"), progress=configurable.get("progress"),
                          owner=configurable.get("owner") or DEFAULT_OWNER, origin_channel=configurable.get("origin_channel"))
        last = state["messages"][-1]
        assert isinstance(last, AIMessage)
        deny = frozenset(configurable.get("deny_tools") or ())
        return {"messages": run_calls(last, ctx, deny), "rounds": state.get("rounds", 0) + 1}

    def route(state: AgentState) -> str:
        last = state["messages"][-1]
        wants_tools = isinstance(last, AIMessage) and (last.tool_calls or last.invalid_tool_calls)
        return "tools" if wants_tools and state.get("rounds", 0) < MAX_TOOL_ROUNDS else END

    def final_node(state: AgentState, config: RunnableConfig) -> dict[str, Any]:
        """After the last allowed round, the planner writes the answer from what the tools returned."""
        return {"messages": [planner.invoke(state["messages"], config)]}

    def after_tools(state: AgentState) -> str:
        return "model" if state.get("rounds", 0) < MAX_TOOL_ROUNDS else "final"

    graph = StateGraph(AgentState)
    graph.add_node("model", model_node)
    graph.add_node("tools", tools_node)
    graph.add_node("final", final_node)
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, {"tools": "tools", END: END})
    graph.add_conditional_edges("tools", after_tools, {"model": "model", "final": "final"})
    graph.add_edge("final", END)
    return graph.compile(checkpointer=checkpointer)
