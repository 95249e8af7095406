"""The routing eval runs end to end and the planner keeps its accuracy on both labelled sets."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.models import offline_planner
from evals.routing.runner import PUBLIC_SET, load_cases, report, route_all

DEV_SET = PUBLIC_SET.with_name("dev.jsonl")


@pytest.mark.slow
@pytest.mark.parametrize(("path", "floor"), [(PUBLIC_SET, 0.95), (DEV_SET, 0.90)])
def test_planner_routing_accuracy(settings, path: Path, floor: float) -> None:
    cases = load_cases(path)
    predictions = route_all(offline_planner(settings), cases)
    text = report(cases, predictions)
    accuracy = float(text.splitlines()[-1].split()[2])
    assert text.splitlines()[-1].startswith("routing accuracy")
    assert accuracy >= floor, text


def test_a_malformed_case_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"request": "hype on delta", "tool": "hype_score"}\n{"request": 3}\n')
    with pytest.raises(SystemExit, match="bad.jsonl:2"):
        load_cases(bad)
