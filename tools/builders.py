"""Build steps behind `caeser build` and the background builds: each engine's tool module registers
what it must load, train or index ahead of time (catalog, embeddings, models, indexes).

Registering a step:

    @build_step("sentiment", order=42, label="the sentiment model", state=sentiment_state)
    def build_sentiment(ctx: ToolContext) -> str:   # a one-line report; ctx.report(f, msg) drives the bars
        ...

- `order` sets the running order (lower first).
- `label` names what the step makes, for people: tools say "building {label}: 40%, about 2 min left".
- `state(settings)` says whether the step's output is "built", "stale" (usable, but made from other
  data), "missing" or "no_data" (its inputs are absent, so building would fail). A step with a state
  function is started in the background when a tool finds it missing or stale, and when a server
  starts; a step without one loads on first use by itself and runs only under `caeser build`.
- `default=False` makes an optional step (heavy, improves quality): run by `caeser build --all` or
  `--only NAME`, never in the background.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from memory.settings import Settings
from tools.base import ToolContext

StepState = Literal["built", "stale", "missing", "no_data"]


@dataclass(frozen=True)
class BuildStep:
    name: str
    func: Callable[[ToolContext], str]  # returns a short report printed by `caeser build`
    order: int
    label: str = ""
    state: Callable[[Settings], StepState] | None = None
    default: bool = True

    @property
    def title(self) -> str:
        return self.label or self.name


BUILD_STEPS: dict[str, BuildStep] = {}


def build_step(name: str, order: int = 50, *, label: str = "", state: Callable[[Settings], StepState] | None = None,
               default: bool = True) -> Callable[[Callable[[ToolContext], str]], Callable[[ToolContext], str]]:
    def decorator(func: Callable[[ToolContext], str]) -> Callable[[ToolContext], str]:
        BUILD_STEPS[name] = BuildStep(name, func, order, label, state, default)
        return func

    return decorator


def ordered_steps() -> list[BuildStep]:
    """Every registered step, default and optional, in running order. Steps register with their tool
    modules; a step's heavy code (torch, chromadb) is imported inside its function, so listing the
    steps or checking their state costs a server nothing."""
    from tools.registry import load_tools

    load_tools()
    return sorted(BUILD_STEPS.values(), key=lambda s: (s.order, s.name))
