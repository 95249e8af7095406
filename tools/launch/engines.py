"""The engine calls behind `analyze_launch`, run concurrently under one time budget.

Each call goes through `run_tool` with the caller's context, so every sub-result is validated and
stored under its own result_id (the readout cites those ids). A call that fails or overruns the
budget becomes a `Section` with status "missing" and the reason, never an exception: one engine
down must not take the whole readout with it. A call may name a `Fallback` that answers when its
tool is `not_available` (not built yet); the stand-in's output is stored the same way.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from memory.build.runner import ensure_step
from memory.results import PART_THREAD_SUFFIX, new_result_id, save_result
from tools.base import ToolContext, ToolError, ToolOutput
from tools.registry import describe_validation_error, run_tool, validate_input

log = logging.getLogger(__name__)

Figure = float | int | str | None


class Section(BaseModel):
    """One engine call of the readout: what was asked, what came back (or why nothing did)."""

    key: str = Field(description="Role in the readout: affinity, segments, hype, comparables, forecast, persona, search, suggest.")
    engine: str
    tool: str
    status: Literal["ok", "missing"]
    arguments: dict[str, Any] = Field(description="The exact inputs the tool ran with, defaults filled in (as stored with its result).")
    result_id: str = Field(default="", description="Stored sub-result ('' when missing or for tools that are not stored).")
    source: str = ""
    summary: str = ""
    reason: str | None = Field(default=None, description="Why the section is missing.")
    seconds: float = Field(description="From the readout's start until this call ended (or was given up).")
    figures: dict[str, Figure] = Field(default_factory=dict, description="Key figures the plan may cite.")
    fallback_for: str | None = Field(default=None, description="When `tool` stood in for another: that tool and why it could not answer.")


Lookup = Callable[[str], ToolOutput | None]


@dataclass(frozen=True)
class Fallback:
    """What answers for a call whose tool is `not_available` (e.g. CADENCE not built yet): a plain
    function with a pydantic input, not a registered tool; its output is stored like a tool's."""

    tool: str
    input_model: type[BaseModel]
    run: Callable[[Any, ToolContext], ToolOutput]
    args: Callable[[Lookup], dict[str, Any]]


@dataclass(frozen=True)
class Call:
    """A planned engine call. `args` may depend on earlier results (e.g. forecast on hype), so it
    is a function of a lookup that waits for another call's output."""

    key: str
    engine: str
    tool: str
    args: Callable[[Lookup], dict[str, Any]]
    fallback: Fallback | None = None
    build_step: str | None = None  # while this build step is missing, the fallback answers (and the step starts building)


@dataclass
class Outcome:
    section: Section
    output: ToolOutput | None


def _require_built(step: str, tool: str, ctx: ToolContext) -> None:
    """Before its first build a tool answers from a slower stand-in of its own (CADENCE: query
    popularity, BM25 over the catalog files); the readout's fallback is made for that case and
    faster, so it answers instead while the build starts in the background."""
    state, _ = ensure_step(ctx.settings, step)
    if state == "missing":
        raise ToolError("not_available", "Its index is not built yet (it builds in the background on first use, or run `caeser build`).", tool=tool)


def run_calls(calls: list[Call], ctx: ToolContext, budget_s: float) -> dict[str, Outcome]:
    """Run every call in its own thread; each gets until `budget_s` after the start. A call whose
    arguments wait on another only waits within the same budget."""
    start = time.monotonic()
    deadline = start + budget_s
    ctx = sub_context(ctx)
    futures: dict[str, Future[ToolOutput]] = {}
    args_used: dict[str, dict[str, Any]] = {}
    finished: dict[str, float] = {}  # seconds from the start until each call ended
    fell_back: dict[str, str] = {}  # call key → why its tool could not answer (its fallback did)

    def lookup(key: str) -> ToolOutput | None:
        try:
            return futures[key].result(timeout=max(0.0, deadline - time.monotonic()))
        except (ToolError, FutureTimeout, KeyError):
            return None

    def job(call: Call) -> ToolOutput:
        try:
            inp = validate_input(call.tool, call.args(lookup))
            args_used[call.key] = inp.model_dump(mode="json")  # with defaults: exactly what is stored beside the result
            try:
                if call.build_step is not None and call.fallback is not None:
                    _require_built(call.build_step, call.tool, ctx)
                return run_tool(call.tool, inp, ctx)
            except ToolError as exc:
                if call.fallback is None or exc.code != "not_available":
                    raise
                try:
                    out, args_used[call.key] = _run_fallback(call.fallback, lookup, ctx)
                except ToolError as stand_in:
                    raise ToolError(exc.code, f"{exc.message} Its stand-in `{call.fallback.tool}` could not answer either: {stand_in.message}", tool=call.tool) from None
                fell_back[call.key] = f"{call.tool}: {exc.message}"
                return out
        finally:
            finished[call.key] = round(time.monotonic() - start, 2)

    # One lane per engine: calls to the same engine run in turn, since an engine's first use loads
    # and stores shared state (posts, indexes) that two threads must not race to create.
    lanes: dict[str, list[Call]] = {}
    for call in calls:
        lanes.setdefault(call.engine, []).append(call)
    pool = ThreadPoolExecutor(max_workers=sum(len(lane) for lane in lanes.values()), thread_name_prefix="launch")
    try:
        for lane in lanes.values():
            for i, call in enumerate(lane):
                futures[call.key] = pool.submit(_after, futures[lane[i - 1].key] if i else None, job, call)
        outcomes: dict[str, Outcome] = {}
        for call in calls:
            outcomes[call.key] = _outcome(call, futures[call.key], args_used, finished, deadline, start, fell_back.get(call.key))
        return outcomes
    finally:
        pool.shutdown(wait=False, cancel_futures=True)  # an overrunning engine is abandoned, not awaited


def sub_context(ctx: ToolContext) -> ToolContext:
    """The sub-calls' context: their results are stored under `<thread>/launch`, not the thread
    itself, so "export that" always means the readout — even when an abandoned call finishes (and
    is stored) after the readout was."""
    return ToolContext(settings=ctx.settings, thread_id=f"{ctx.thread_id}{PART_THREAD_SUFFIX}" if ctx.thread_id else None, progress=ctx.progress, owner=ctx.owner)


def _after(previous: Future[ToolOutput] | None, job: Callable[[Call], ToolOutput], call: Call) -> ToolOutput:
    """Run `job(call)` once the previous call of the same engine has finished, whatever its result."""
    if previous is not None:
        wait([previous])
    return job(call)


def _run_fallback(fallback: Fallback, lookup: Lookup, ctx: ToolContext) -> tuple[ToolOutput, dict[str, Any]]:
    """Validate, run and store the stand-in, as `run_tool` does for a registered tool."""
    try:
        inp = fallback.input_model.model_validate(fallback.args(lookup))
    except ValidationError as exc:
        raise ToolError("invalid_argument", describe_validation_error(exc)[0], tool=fallback.tool) from None
    arguments = inp.model_dump(mode="json")
    try:
        out = fallback.run(inp, ctx)
    except ToolError:
        raise
    except Exception as exc:  # a bug, not the user's fault: log the trace, show a sentence (as run_tool does)
        log.exception("launch fallback %s failed", fallback.tool)
        raise ToolError("internal", f"`{fallback.tool}` failed unexpectedly ({type(exc).__name__}); the error was logged.", tool=fallback.tool) from exc
    out.result_id = new_result_id(fallback.tool)
    save_result(ctx.settings, owner=ctx.owner, result_id=out.result_id, tool=fallback.tool, thread_id=ctx.thread_id, arguments=arguments, output=out.model_dump(mode="json"), summary=out.summary)
    return out, arguments


def _outcome(call: Call, future: Future[ToolOutput], args_used: dict[str, dict[str, Any]], finished: dict[str, float], deadline: float, start: float,
             fell_back: str | None) -> Outcome:
    def section(**kw: Any) -> Section:
        seconds = finished.get(call.key, round(time.monotonic() - start, 2))  # an abandoned call: time until given up
        tool = call.fallback.tool if fell_back and call.fallback else call.tool
        return Section(key=call.key, engine=call.engine, tool=tool, arguments=args_used.get(call.key, {}), seconds=seconds, fallback_for=fell_back, **kw)

    try:
        out = future.result(timeout=max(0.0, deadline - time.monotonic()))
    except FutureTimeout:
        return Outcome(section(status="missing", reason=f"no answer within the {deadline - start:.0f} s time budget; it goes on in the background, so asking again "
                                                        "shortly includes it (`caeser build` does the engines' first-use loading ahead of time)"), None)
    except ToolError as exc:
        return Outcome(section(status="missing", reason=exc.readable()), None)
    except Exception as exc:  # noqa: BLE001 - run_tool raises only ToolError; this guards the argument builders
        return Outcome(section(status="missing", reason=f"{type(exc).__name__} while preparing the call"), None)
    return Outcome(section(status="ok", result_id=out.result_id, source=out.source, summary=out.summary), out)


def first_of_month(today: date, months_ahead: int) -> date:
    index = today.year * 12 + today.month - 1 + months_ahead
    return date(index // 12, index % 12 + 1, 1)
