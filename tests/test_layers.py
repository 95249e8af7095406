"""The layers import only downwards (engines → memory → tools → agent → bots), lazy imports inside
functions included, and nothing in tools/ trains a model: builds and training live in memory/build/
and beside the stores they feed."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("engines", "memory", "tools", "agent", "bots")
#: what shows that a module trains: an optimiser, an estimator library, a training pipeline or entry point
TRAINING_MODULES = ("torch.optim", "sklearn", "memory.build.cadence", "memory.build.hype", "memory.own_embedding")
TRAINING_FUNCTIONS = ("train_sentiment", "fit_model", "train_and_save", "train_own_model", "train_lm")


def _trains(name: str) -> bool:
    return any(name == m or name.startswith(m + ".") for m in TRAINING_MODULES) or name.rsplit(".", 1)[-1] in TRAINING_FUNCTIONS


def _imports(path: Path) -> list[str]:
    names: list[str] = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return names


def _modules(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_imports_only_the_layers_before_it(layer: str) -> None:
    above = set(LAYERS[LAYERS.index(layer) + 1:]) | {"evals", "tests"}
    wrong = [f"{path.relative_to(ROOT)} imports {name}" for path in _modules(layer)
             for name in _imports(path) if name.split(".")[0] in above]
    assert not wrong, "\n".join(wrong)


def test_no_tool_trains_a_model() -> None:
    wrong = [f"{path.relative_to(ROOT)} imports {name}" for path in _modules("tools")
             for name in _imports(path) if _trains(name)]
    assert not wrong, "\n".join(wrong)


def test_tools_are_one_package_per_engine() -> None:
    """Only shared plumbing sits at the top of tools/; every tool lives in its engine's package."""
    top = {p.stem for p in (ROOT / "tools").glob("*.py")}
    assert top <= {"__init__", "base", "registry", "toolset", "schemas", "formatting", "chart_style", "webhooks"}
