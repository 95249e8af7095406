"""The ONE tool registry: the agent binds these tools and the MCP server exposes them.

`run_tool` is the single entry point: it validates raw arguments against the tool's input model
(turning pydantic's errors into one readable sentence), runs the tool, stores its output under a
`result_id` and returns it. Every caller (agent, MCP, bots, evals) goes through it, so validation,
storage and error shape are the same everywhere.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from memory.results import new_result_id, save_result
from tools.base import ToolContext, ToolError, ToolOutput
from tools.toolset import TOOL_MODULES

log = logging.getLogger(__name__)

In = TypeVar("In", bound=BaseModel)
Out = TypeVar("Out", bound=ToolOutput)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    input_model: type[BaseModel]
    output_model: type[ToolOutput]
    func: Callable[[Any, ToolContext], ToolOutput]
    engine: str
    store: bool = True  # whether outputs are kept for follow-ups/exports


REGISTRY: dict[str, ToolSpec] = {}


def register(name: str, *, description: str, input_model: type[In], output_model: type[Out], engine: str, store: bool = True) -> Callable[[Callable[[In, ToolContext], Out]], Callable[[In, ToolContext], Out]]:
    def decorator(func: Callable[[In, ToolContext], Out]) -> Callable[[In, ToolContext], Out]:
        if name in REGISTRY:
            raise RuntimeError(f"tool {name!r} registered twice")
        REGISTRY[name] = ToolSpec(name, description.strip(), input_model, output_model, func, engine, store)
        return func

    return decorator


def not_available(engine: str, tool: str) -> ToolError:
    """The typed error of a tool whose engine has not landed yet."""
    return ToolError("not_available", f"The {engine} engine behind `{tool}` is not available yet in this version of caeser.", tool=tool)


def describe_validation_error(exc: ValidationError) -> tuple[str, str | None]:
    """One sentence per problem, naming the argument: what a person can fix without reading a trace."""
    parts: list[str] = []
    first_field: str | None = None
    for err in sorted(exc.errors(), key=lambda e: e.get("type") != "extra_forbidden")[:5]:  # a misspelt key first: it explains the rest
        loc = ".".join(str(p) for p in err.get("loc", ()) if p != "__root__") or "arguments"
        first_field = first_field or loc
        msg = err.get("msg", "is invalid")
        msg = "is not a known argument (misspelt?)" if err.get("type") == "extra_forbidden" else msg.removeprefix("Value error, ")
        parts.append(f"`{loc}`: {msg}")
    return "Invalid arguments — " + "; ".join(parts) + ".", first_field


def validate_input(name: str, raw: dict[str, Any] | BaseModel) -> BaseModel:
    spec = get_spec(name)
    if isinstance(raw, spec.input_model):
        return raw
    if isinstance(raw, BaseModel):
        raw = raw.model_dump()
    if not isinstance(raw, dict):
        raise ToolError("invalid_argument", f"Arguments for `{name}` must be a JSON object, got {type(raw).__name__}.", tool=name)
    unknown = sorted(set(raw) - set(spec.input_model.model_fields))
    if unknown:
        # Silently dropping a misspelt argument ("takee") would answer a different question.
        names = ", ".join(f"`{k}`" for k in unknown)
        raise ToolError("invalid_argument", f"Unknown argument(s) for `{name}`: {names}.", field=unknown[0], options=sorted(spec.input_model.model_fields), tool=name)
    try:
        return spec.input_model.model_validate(raw)
    except ValidationError as exc:
        message, field_name = describe_validation_error(exc)
        raise ToolError("invalid_argument", message, field=field_name, tool=name) from None


def get_spec(name: str) -> ToolSpec:
    if name not in REGISTRY and name in TOOL_MODULES:
        importlib.import_module(TOOL_MODULES[name])  # only this tool's module: a turn pays for what it uses
    spec = REGISTRY.get(name)
    if spec is None:
        raise ToolError("not_found", f"There is no tool called `{name}`.", options=sorted(TOOL_MODULES), tool=name)
    return spec


def run_tool(name: str, raw: dict[str, Any] | BaseModel, ctx: ToolContext | None = None, *, store: bool = True) -> ToolOutput:
    """Validate, run, store. Raises ToolError (never anything else) on failure. `store=False` skips
    keeping the output (the storefront API: a search per keystroke is nobody's follow-up)."""
    ctx = ctx or ToolContext()
    spec = get_spec(name)
    inp = validate_input(name, raw)
    try:
        out = spec.func(inp, ctx)
    except ToolError as exc:
        exc.info.tool = exc.info.tool or name
        raise
    except Exception as exc:  # a bug, not the user's fault: log the trace, show a sentence
        log.exception("tool %s failed", name)
        raise ToolError("internal", f"`{name}` failed unexpectedly ({type(exc).__name__}); the error was logged.", tool=name) from exc
    if spec.store and store:
        out.result_id = out.result_id or new_result_id(name)
        save_result(ctx.settings, owner=ctx.owner, result_id=out.result_id, tool=name, thread_id=ctx.thread_id, arguments=inp.model_dump(mode="json"), output=out.model_dump(mode="json"), summary=out.summary)
    return out


_LOADED = False


def load_tools() -> dict[str, ToolSpec]:
    """Import every tool module once; each registers its tools on import."""
    global _LOADED
    if not _LOADED:
        for module in dict.fromkeys(TOOL_MODULES.values()):
            importlib.import_module(module)
        ordered = {name: REGISTRY[name] for name in TOOL_MODULES if name in REGISTRY} | REGISTRY
        REGISTRY.clear()
        REGISTRY.update(ordered)  # the table's order, whichever tool a turn loaded first
        _LOADED = True
    return REGISTRY
