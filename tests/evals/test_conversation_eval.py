"""The conversation eval: argument paths, matching rules, and a short thread played through the agent."""
from __future__ import annotations

from pathlib import Path

import pytest

from agent.service import Agent
from evals.conversation.runner import MISSING, PUBLIC_SET, Turn, load_turns, lookup, matches, play, report, score_turn


def test_dotted_paths_reach_into_dicts_and_lists() -> None:
    args = {"audience": {"age_max": 34}, "scenarios": [{"price": 99.0}, {"price": 129.0}], "versus": ["United"]}
    assert lookup(args, "audience.age_max") == 34
    assert lookup(args, "scenarios.1.price") == 129.0 and lookup(args, "versus.0") == "United"
    assert lookup(args, "scenarios.2.price") is MISSING and lookup(args, "audience.region") is MISSING


def test_matching_rules() -> None:
    assert matches("~sneakers", "Cyberpunk Sneakers") and not matches("~boots", "Cyberpunk Sneakers")
    assert matches(34, 34.0) and not matches(34, 35)
    assert matches(None, MISSING) and matches(None, []) and not matches(None, "Europe")
    assert matches("North America", "north america") and not matches(True, 1)
    assert matches(["star wars"], ["star wars"]) and not matches(["star wars"], ["how", "star wars"])


def test_a_turn_needs_the_right_tool_before_its_arguments_count() -> None:
    turn = Turn(thread="t", text="x", tool="hype_score", args={"subject": "~delta"})
    assert score_turn(turn, "hype_score", {"subject": "Delta"}, 0.1).args_ok
    wrong_tool = score_turn(turn, "forecast_demand", {"subject": "Delta"}, 0.1)
    assert not wrong_tool.tool_ok and not wrong_tool.args_ok


def test_threads_are_played_in_order_through_the_agent(settings, tmp_path: Path) -> None:
    turns = [Turn(thread="a", text="what can you do?", tool=None),
             Turn(thread="b", text="write me a tweet announcing our new sneakers", tool=None),
             Turn(thread="c", text="watch stanley cups", tool=None),
             Turn(thread="c", text="above 70", tool="watch_hype", args={"subject": "~stanley", "threshold": 70, "action": "create"}),
             Turn(thread="d", text="compare how millennials vs boomers feel about star wars", tool="compare_audiences", args={"items": ["star wars"]})]
    with Agent(settings) as agent:
        outcomes = play(agent, turns, "test")
    text = report(outcomes, show_errors=True)
    assert text.splitlines()[-1] == "conversation accuracy 1.00 (n=5) tool=1.00 args=1.00", text


def test_the_public_set_is_well_formed() -> None:
    turns = load_turns(PUBLIC_SET)
    assert len(turns) >= 250
    threads = {t.thread for t in turns}
    assert sum(1 for th in threads if sum(t.thread == th for t in turns) >= 2) >= 40
    assert sum(t.tool is None for t in turns) >= 25


def test_a_malformed_turn_file_names_the_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"thread": "t", "text": "hi", "tool": null}\n{"thread": 3}\n')
    with pytest.raises(SystemExit, match="bad.jsonl:2"):
        load_turns(bad)
