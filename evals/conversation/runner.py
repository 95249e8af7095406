"""Conversation accuracy: JSON-lines turns played through the agent as a user would meet it.

Each turn goes to `Agent.ask` (the graph, the model, the real tools) in its thread, in file order,
so follow-ups read the thread's real history and "the first one" resolves against a real search
result. A turn is scored on the first tool call it made (or none) and on every argument it lists:
dotted paths into the call's arguments (`audience.age_max`, `scenarios.0.price`), "~x" for
"contains x, case-insensitive", null for "absent". The agent runs in a scratch `CAESER_HOME` (unless
`--home` is given) so an eval never creates watches or engagement in a user's store.
"""
from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from agent.models import offline_planner
from agent.service import Agent
from evals.conversation.standin import planner_standin
from evals.jsonl import load_rows
from memory.settings import get_settings

log = logging.getLogger(__name__)
PUBLIC_SET = Path(__file__).with_name("public.jsonl")
MISSING = object()


class Turn(BaseModel):
    thread: str
    text: str
    tool: str | None
    args: dict[str, Any] = Field(default_factory=dict)


class Outcome(BaseModel):
    turn: Turn
    tool: str | None
    args: dict[str, Any]
    tool_ok: bool
    args_ok: bool
    wrong: list[str] = Field(default_factory=list)
    seconds: float


def load_turns(path: Path) -> list[Turn]:
    return load_rows(path, Turn, "a conversation turn")


def lookup(args: Any, path: str) -> Any:
    """The value at a dotted path (`scenarios.0.price`), or MISSING."""
    node = args
    for part in path.split("."):
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def matches(expected: Any, actual: Any) -> bool:
    if expected is None:
        return actual is MISSING or actual is None or actual == [] or actual == {}
    if actual is MISSING:
        return False
    if isinstance(expected, str) and expected.startswith("~"):
        haystack = json.dumps(actual, ensure_ascii=False) if not isinstance(actual, str) else actual
        return expected[1:].lower() in haystack.lower()
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)):
        return abs(float(expected) - float(actual)) < 1e-6
    if isinstance(expected, str) and isinstance(actual, str):
        return expected.strip().lower() == actual.strip().lower()
    return expected == actual


def score_turn(turn: Turn, tool: str | None, args: dict[str, Any], seconds: float) -> Outcome:
    tool_ok = tool == turn.tool
    wrong = [path for path, want in turn.args.items() if not matches(want, lookup(args, path))] if tool_ok else list(turn.args)
    return Outcome(turn=turn, tool=tool, args=args, tool_ok=tool_ok, args_ok=tool_ok and not wrong, wrong=wrong, seconds=seconds)


def play(agent: Agent, turns: list[Turn], run_id: str) -> list[Outcome]:
    outcomes = []
    for turn in turns:
        started = time.perf_counter()
        try:
            reply = agent.ask(f"eval-{run_id}-{turn.thread}", turn.text)
        except Exception as exc:  # a crash is a wrong answer for this turn, not the end of the eval
            log.exception("turn %r failed", turn.text)
            outcomes.append(score_turn(turn, f"crash:{type(exc).__name__}", {}, time.perf_counter() - started))
            continue
        call = reply.tool_calls[0] if reply.tool_calls else None
        outcomes.append(score_turn(turn, call.tool if call else None, call.args if call else {}, time.perf_counter() - started))
    return outcomes


def report(outcomes: list[Outcome], show_errors: bool) -> str:
    n = len(outcomes)
    lines = [f"{'expected tool':<20} {'tool':>6} {'args':>6} {'n':>4}"]
    by_tool: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_tool.setdefault(o.turn.tool or "none", []).append(o)
    for name in sorted(by_tool):
        group = by_tool[name]
        lines.append(f"{name:<20} {sum(o.tool_ok for o in group) / len(group):>6.2f} {sum(o.args_ok for o in group) / len(group):>6.2f} {len(group):>4}")
    confusions = Counter((o.turn.tool or "none", o.tool or "none") for o in outcomes if not o.tool_ok)
    if confusions:
        lines.append("\nconfusions (expected -> called: count)")
        lines.extend(f"  {g} -> {p}: {c}" for (g, p), c in confusions.most_common())
    wrong_args = Counter(f"{o.turn.tool}.{path}" for o in outcomes if o.tool_ok for path in o.wrong)
    if wrong_args:
        lines.append("\nwrong arguments (tool.path: count)")
        lines.extend(f"  {k}: {c}" for k, c in wrong_args.most_common(15))
    if show_errors:
        lines.append("\nerrors")
        for o in outcomes:
            if not o.args_ok:
                lines.append(f"  [{o.turn.thread}] {o.turn.text!r}\n     expected {o.turn.tool} {json.dumps(o.turn.args, ensure_ascii=False)}\n     got      {o.tool} {json.dumps(o.args, ensure_ascii=False, default=str)}")
    seconds = sorted(o.seconds for o in outcomes)
    lines.append(f"\nmedian turn {seconds[n // 2]:.2f} s, slowest {seconds[-1]:.1f} s")
    tool_acc = sum(o.tool_ok for o in outcomes) / n
    args_acc = sum(o.args_ok for o in outcomes) / n
    lines.append(f"conversation accuracy {args_acc:.2f} (n={n}) tool={tool_acc:.2f} args={args_acc:.2f}")
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--file", type=Path, action="append", help="JSON lines {thread, text, tool, args}; default: the public set")
    parser.add_argument("--home", type=Path, help="CAESER_HOME to run in; default: a scratch folder, so no user state changes")
    parser.add_argument("--show-errors", action="store_true", help="list every turn that missed, with expected and actual calls")
    brain = parser.add_mutually_exclusive_group()
    brain.add_argument("--llm", action="store_true", help="score the configured OpenAI-compatible endpoint (CAESER_LLM_BASE_URL) instead of the offline planner")
    brain.add_argument("--standin", action="store_true", help="score the LLM path against a local stand-in whose model is the offline planner (plumbing check)")


def run(args: argparse.Namespace) -> int:
    turns = [t for path in (args.file or [PUBLIC_SET]) for t in load_turns(path)]
    if not turns:
        raise SystemExit("no turns to play")
    base = get_settings()
    if args.llm and not base.llm_enabled:
        raise SystemExit("--llm needs CAESER_LLM_BASE_URL (or CAESER_LLM_API_KEY)")
    brain = {"llm_base_url": None, "llm_api_key": None} if not (args.llm or args.standin) else {}
    # a first-use build the turns started may still be writing the scratch home when the eval ends
    with tempfile.TemporaryDirectory(prefix="caeser-eval-", ignore_cleanup_errors=True) as scratch, ExitStack() as stack:
        if args.standin:
            brain = {"llm_base_url": stack.enter_context(planner_standin(offline_planner(base))), "llm_model": "caeser-planner-standin", "llm_api_key": None}
        settings = base.model_copy(update={"home": args.home or Path(scratch), "database_url": None if args.home is None else base.database_url, **brain})
        settings.ensure_home()
        with Agent(settings) as agent:
            outcomes = play(agent, turns, uuid.uuid4().hex[:8])
        print(report(outcomes, args.show_errors), flush=True)
    return 0
