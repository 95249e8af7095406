"""Routing accuracy of the agent's model: which tool it picks for each request, threads in order.

Each request is shown to the model with its thread's history; tool calls are answered with a
stub result (tools are not run: this scores routing, not the engines). A clarifying question
counts as the tool it was asked for; help and small talk count as "none".
"""
from __future__ import annotations

import argparse
import json
from collections import Counter, defaultdict
from pathlib import Path

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from pydantic import BaseModel

from agent.models import llm_model, offline_planner
from agent.planner.model import INTENT_KEY
from evals.jsonl import load_rows
from memory.settings import get_settings

PUBLIC_SET = Path(__file__).with_name("public.jsonl")
NONE = "none"


class RoutingCase(BaseModel):
    request: str
    tool: str
    thread: str | None = None


def load_cases(path: Path) -> list[RoutingCase]:
    return load_rows(path, RoutingCase, "a routing case")


def predicted_tool(message: AIMessage) -> str:
    if message.tool_calls:
        return message.tool_calls[0]["name"]
    intent = message.additional_kwargs.get(INTENT_KEY)
    return intent if intent and intent not in ("help", "greeting", "decline") else NONE


def route_all(model: BaseChatModel, cases: list[RoutingCase]) -> list[str]:
    histories: dict[str, list[BaseMessage]] = defaultdict(list)
    predictions = []
    for index, case in enumerate(cases):
        key = case.thread or f"single-{index}"
        history = histories[key]
        history.append(HumanMessage(case.request))
        reply = model.invoke(history)
        predictions.append(predicted_tool(reply))
        history.append(reply)
        for call in reply.tool_calls:
            history.append(ToolMessage(content=json.dumps({"summary": "ok", "source": "routing eval stub"}), tool_call_id=call["id"], name=call["name"]))
        if reply.tool_calls:
            history.append(AIMessage(content="(answer)"))
    return predictions


def report(cases: list[RoutingCase], predictions: list[str]) -> str:
    gold = [c.tool for c in cases]
    labels = sorted(set(gold) | set(predictions))
    lines = [f"{'tool':<20} {'prec':>6} {'recall':>6} {'n':>4}"]
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predictions))
        n_pred = sum(p == label for p in predictions)
        n_gold = sum(g == label for g in gold)
        lines.append(f"{label:<20} {tp / n_pred if n_pred else 0:>6.2f} {tp / n_gold if n_gold else 0:>6.2f} {n_gold:>4}")
    confusions = Counter((g, p) for g, p in zip(gold, predictions) if g != p)
    if confusions:
        lines.append("\nconfusions (expected -> predicted: count)")
        lines.extend(f"  {g} -> {p}: {n}" for (g, p), n in confusions.most_common())
    accuracy = sum(g == p for g, p in zip(gold, predictions)) / len(gold)
    lines.append(f"\nrouting accuracy {accuracy:.2f} (n={len(gold)})")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, action="append", help="JSON lines {request, tool, thread?}; default: the public set")
    parser.add_argument("--llm", action="store_true", help="score the configured LLM endpoint instead of the offline planner")
    parser.add_argument("--show-errors", action="store_true", help="list every misrouted request")


def run(args: argparse.Namespace) -> int:
    cases = [case for path in (args.file or [PUBLIC_SET]) for case in load_cases(path)]
    settings = get_settings()
    model = llm_model(settings) if args.llm else offline_planner(settings)
    if model is None:
        raise SystemExit("--llm needs CAESER_LLM_BASE_URL or CAESER_LLM_API_KEY")
    predictions = route_all(model, cases)
    if args.show_errors:
        for case, pred in zip(cases, predictions):
            if case.tool != pred:
                print(f"  expected {case.tool:<18} got {pred:<18} {case.request}")
    print(report(cases, predictions))
    return 0
