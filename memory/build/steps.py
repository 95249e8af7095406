"""Build steps behind `caeser build` and the background builds: what each engine must load, train or
index ahead of time (catalog, embeddings, models, indexes). The steps themselves are registered in
`memory.build.pipelines`, beside the pipelines they run; tools only read what the steps wrote.

Registering a step:

    @build_step("sentiment", order=42, label="the sentiment model", state=sentiment_state)
    def build_sentiment(ctx: BuildContext) -> str:   # a one-line report; ctx.report(f, msg) drives the bars
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

StepState = Literal["built", "stale", "missing", "no_data"]
Report = Callable[[float, str], None]


@dataclass(frozen=True)
class BuildContext:
    """What a step gets: the settings it builds for and a progress callback (fraction, message)."""

    settings: Settings
    progress: Report | None = None

    def report(self, fraction: float, message: str) -> None:
        if self.progress is not None:
            self.progress(max(0.0, min(1.0, fraction)), message)


@dataclass(frozen=True)
class BuildStep:
    name: str
    func: Callable[[BuildContext], str]  # returns a short report printed by `caeser build`
    order: int
    label: str = ""
    state: Callable[[Settings], StepState] | None = None
    default: bool = True

    @property
    def title(self) -> str:
        return self.label or self.name


BUILD_STEPS: dict[str, BuildStep] = {}


def build_step(name: str, order: int = 50, *, label: str = "", state: Callable[[Settings], StepState] | None = None,
               default: bool = True) -> Callable[[Callable[[BuildContext], str]], Callable[[BuildContext], str]]:
    def decorator(func: Callable[[BuildContext], str]) -> Callable[[BuildContext], str]:
        BUILD_STEPS[name] = BuildStep(name, func, order, label, state, default)
        return func

    return decorator


def ordered_steps() -> list[BuildStep]:
    """Every registered step, default and optional, in running order. A step's heavy code (torch,
    chromadb) is imported inside its function, so listing the steps or checking their state costs a
    server nothing."""
    import memory.build.pipelines  # noqa: F401  (registers the steps)

    return sorted(BUILD_STEPS.values(), key=lambda s: (s.order, s.name))
