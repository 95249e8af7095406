"""The offline planner as a LangChain chat model, so the graph treats it exactly like an LLM.

It reads the conversation, emits tool calls (or a clarifying question), and once the tool
messages are back writes the answer from them. Multi-turn state lives only in the messages: the
previous call's arguments are in the last AIMessage's tool_calls, and a pending question is kept
in that message's `additional_kwargs`, so the checkpointer persists everything.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field, ValidationError

from agent.planner.arguments import Listed, PreviousCall
from agent.planner.compose import DATA_SOURCES, DECLINE, GREETING, forecasts_side_by_side, help_text, render_call, render_result
from agent.planner.decide import Pending, decide
from agent.planner.style import Style
from tools.persona.personas import SimulateLaunchData, buyers_audience

PENDING_KEY = "caeser_pending"
INTENT_KEY = "caeser_intent"
STYLE_KEY = "caeser_style"  # how the answer to this call is written ("bullets", "short"), read back by answer_from_tools


def tool_payload(message: ToolMessage) -> dict[str, Any]:
    if isinstance(message.artifact, dict):
        return message.artifact
    try:
        return json.loads(message.content) if isinstance(message.content, str) else {}
    except json.JSONDecodeError:
        return {"summary": str(message.content)}


LISTING_TOOLS = {"search_products": ("results", "item_id", "title"), "suggest_queries": ("suggestions", "text", "text"), "hype_score": ("ranking", "subject", "subject")}
RANKED_ONLY = {"hype_score"}  # a listing only when it ranked ("what's trending?"); one subject's score lists nothing


def tool_results(messages: Sequence[BaseMessage]) -> Iterator[tuple[str | None, ToolMessage]]:
    """The thread's tool results before the current user turn, newest first, each with the name of
    the tool that made it (an OpenAI tool message has no name: its call says it)."""
    called = {c["id"]: c["name"] for m in messages if isinstance(m, AIMessage) for c in m.tool_calls}
    for message in reversed(messages[:-1]):
        if isinstance(message, ToolMessage):
            yield message.name or called.get(message.tool_call_id), message


def last_listing(messages: Sequence[BaseMessage]) -> list[Listed]:
    """The rows of the newest search or suggestion result in the thread: what "the first one" means."""
    for name, message in tool_results(messages):
        if name in LISTING_TOOLS:
            rows_key, id_key, label_key = LISTING_TOOLS[name]
            rows = (tool_payload(message).get("data") or {}).get(rows_key) or []
            if not rows and name in RANKED_ONLY:
                continue
            return [Listed(str(r[id_key]), str(r.get(label_key) or r[id_key])) for r in rows if isinstance(r, dict) and r.get(id_key)]
    return []


def thread_audiences(messages: Sequence[BaseMessage]) -> list[dict]:
    """The distinct audiences the thread's affinity calls asked about, oldest first."""
    found: list[dict] = []
    for message in messages[:-1]:
        for call in message.tool_calls if isinstance(message, AIMessage) else []:
            asked = {"audience_affinity": [call["args"].get("audience")], "compare_audiences": call["args"].get("audiences") or []}.get(call["name"], [])
            for audience in asked:
                if isinstance(audience, dict) and audience:
                    found = [a for a in found if a != audience] + [dict(audience)]
    return found


def last_affinity_items(messages: Sequence[BaseMessage]) -> list[str]:
    """The items the newest audience_affinity answer ranked, best first."""
    for name, message in tool_results(messages):
        if name == "audience_affinity":
            rows = (tool_payload(message).get("data") or {}).get("items") or []
            return [str(r["item"]) for r in rows if isinstance(r, dict) and r.get("item")]
    return []


def last_buyers(messages: Sequence[BaseMessage]) -> dict:
    """The newest simulation's buyers as an audience (`buyers_audience`), {} when it did not answer."""
    for name, message in tool_results(messages):
        if name == "simulate_launch":
            data = tool_payload(message).get("data")
            try:
                return buyers_audience(SimulateLaunchData.model_validate(data)) if isinstance(data, dict) else {}
            except ValidationError:
                return {}
    return {}


def previous_call(messages: Sequence[BaseMessage]) -> PreviousCall | None:
    """The newest tool call in the thread (before the current user turn), with the last listing,
    the thread's audiences and the items its last affinity answer ranked."""
    for index in range(len(messages) - 2, -1, -1):
        message = messages[index]
        if isinstance(message, AIMessage) and message.tool_calls:
            call = message.tool_calls[-1]
            answered = [m for m in messages[index + 1:] if isinstance(m, ToolMessage) and m.tool_call_id == call["id"]]
            ok = bool(answered) and answered[0].status != "error"
            also = [dict(c["args"]) for c in message.tool_calls[:-1] if c["name"] == call["name"]]
            return PreviousCall(call["name"], dict(call["args"]), last_listing(messages), ok, thread_audiences(messages), last_affinity_items(messages), also,
                                last_buyers(messages) if call["name"] == "simulate_launch" else {})
    return None


def pending_question(messages: Sequence[BaseMessage]) -> Pending | None:
    """A clarifying question is pending only if it is the last thing the assistant said."""
    for message in reversed(messages[:-1]):
        if isinstance(message, AIMessage):
            raw = message.additional_kwargs.get(PENDING_KEY)
            return Pending(**raw) if raw else None
    return None


class OfflinePlanner(BaseChatModel):
    """Intent + argument extraction + templated answers; no network, no key."""

    tool_names: list[str] = Field(default_factory=list)
    classifier: Any = Field(default=None, exclude=True, description="IntentClassifier; None = n-grams and rules only")

    @property
    def _llm_type(self) -> str:
        return "caeser-offline-planner"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> "OfflinePlanner":  # type: ignore[override]
        names = [t if isinstance(t, str) else getattr(t, "name", None) or t["function"]["name"] for t in tools]
        return self.model_copy(update={"tool_names": names})

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.respond(messages))])

    def respond(self, messages: Sequence[BaseMessage]) -> AIMessage:
        if messages and isinstance(messages[-1], ToolMessage):
            return self.answer_from_tools(messages)
        text = next((m.content for m in reversed(messages) if isinstance(m, HumanMessage)), "")
        text = text if isinstance(text, str) else " ".join(str(part) for part in text)
        decision = decide(text, previous_call(messages), pending_question(messages), set(self.tool_names), self.classifier)
        if decision.kind == "help":
            return AIMessage(content=help_text(), additional_kwargs={INTENT_KEY: "help"})
        if decision.kind == "greeting":
            return AIMessage(content=GREETING, additional_kwargs={INTENT_KEY: "greeting"})
        if decision.kind == "sources":
            return AIMessage(content=DATA_SOURCES, additional_kwargs={INTENT_KEY: "sources"})
        if decision.kind == "decline":
            return AIMessage(content=DECLINE, additional_kwargs={INTENT_KEY: "decline"})
        if decision.kind == "clarify":
            assert decision.pending is not None
            return AIMessage(content=decision.question or "Could you say a bit more?", additional_kwargs={INTENT_KEY: decision.intent, PENDING_KEY: asdict(decision.pending)})
        calls = [{"name": decision.tool, "args": args, "id": f"call_{uuid.uuid4().hex[:16]}", "type": "tool_call"} for args in (decision.args, *decision.also)]
        style = {STYLE_KEY: asdict(decision.style)} if decision.style else {}
        return AIMessage(content="", tool_calls=calls, additional_kwargs={INTENT_KEY: decision.intent, **style})

    def answer_from_tools(self, messages: Sequence[BaseMessage]) -> AIMessage:
        """Answer from the tool messages that follow the last tool-calling AIMessage."""
        start = max(i for i, m in enumerate(messages) if isinstance(m, AIMessage) and m.tool_calls)
        calls = {c["id"]: c for c in messages[start].tool_calls}  # type: ignore[union-attr]
        asked = messages[start].additional_kwargs.get(STYLE_KEY)
        style = Style(**asked) if isinstance(asked, dict) else None
        parts, forecasts = [], []
        for message in messages[start + 1:]:
            if isinstance(message, ToolMessage):
                call = calls.get(message.tool_call_id, {"name": message.name or "tool", "args": {}})
                payload = tool_payload(message)
                parts.append(render_call(call["name"], call["args"]) + "\n" + render_result(call["name"], payload, style))
                if call["name"] == "forecast_demand":
                    forecasts.append(payload)
        lead = forecasts_side_by_side(forecasts)
        return AIMessage(content="\n\n".join([lead, *parts] if lead else parts))
