"""Build steps behind `caeser build`: each engine's tool module registers what it must load, train or
index ahead of time (catalog, embeddings, models, indexes). Steps run in registration order."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tools.base import ToolContext


@dataclass(frozen=True)
class BuildStep:
    name: str
    func: Callable[[ToolContext], str]  # returns a short report printed by `caeser build`
    order: int


BUILD_STEPS: dict[str, BuildStep] = {}


def build_step(name: str, order: int = 50) -> Callable[[Callable[[ToolContext], str]], Callable[[ToolContext], str]]:
    def decorator(func: Callable[[ToolContext], str]) -> Callable[[ToolContext], str]:
        BUILD_STEPS[name] = BuildStep(name, func, order)
        return func

    return decorator


BUILD_ONLY_MODULES = ("tools.cadence_build",)  # steps whose module no tool needs at run time (it imports torch and chromadb)


def ordered_steps() -> list[BuildStep]:
    import importlib

    from tools.registry import load_tools

    load_tools()
    for name in BUILD_ONLY_MODULES:
        importlib.import_module(name)
    return sorted(BUILD_STEPS.values(), key=lambda s: (s.order, s.name))
