"""Tool choice and follow-ups, without the graph."""
from __future__ import annotations

from agent.planner.arguments import PreviousCall
from agent.planner.decide import decide
from tools.registry import load_tools

NAMES = set(load_tools())


def test_cues_of_one_tool_inside_another_tools_words() -> None:
    assert decide("forecast demand for the sneakers we launch in March", None, None, NAMES).tool == "forecast_demand"
    assert decide("simulate a $129 launch in Europe in March vs May", None, None, NAMES).tool == "simulate_launch"
    assert decide("what should the search box suggest after 'wa'?", None, None, NAMES).tool == "suggest_queries"
    assert decide("find me wooden train sets under £20", None, None, NAMES).tool == "search_products"
    assert decide("alert me in #launches if Stanley goes over 80", None, None, NAMES).tool == "watch_hype"


def test_follow_up_changes_only_what_it_names() -> None:
    prev = PreviousCall("audience_affinity", {"audience": {"region": "North America", "age_max": 34}, "domain": "music"})
    d = decide("and in the UK?", prev, None, NAMES)
    assert d.tool == "audience_affinity" and d.followup
    assert d.args["audience"] == {"region": "United Kingdom", "age_max": 34} and d.args["domain"] == "music"


def test_follow_up_can_switch_tool_and_carry_the_subject() -> None:
    prev = PreviousCall("hype_score", {"subject": "Stanley cups", "window_days": 7})
    d = decide("ok watch it, ping #mktg above 70", prev, None, NAMES)
    assert d.tool == "watch_hype"
    assert d.args == {"action": "create", "subject": "Stanley cups", "threshold": 70.0, "direction": "above", "channel": "slack:#mktg"}
    d = decide("export that as a pdf", prev, None, NAMES)
    assert d.tool == "export_report" and d.args == {"format": "pdf"}


def test_missing_argument_asks_then_the_answer_fills_it() -> None:
    d = decide("simulate a launch at $99", None, None, NAMES)
    assert d.kind == "clarify" and d.tool == "simulate_launch" and "Which product" in (d.question or "")
    filled = decide("Cyberpunk Sneakers", None, d.pending, NAMES)
    assert filled.kind == "tool" and filled.args["product"] == "Cyberpunk Sneakers"
    assert filled.args["scenarios"][0]["price"] == 99.0


def test_help_and_greetings_call_no_tool() -> None:
    assert decide("what can you do?", None, None, NAMES).kind == "help"
    assert decide("thanks!", None, None, NAMES).kind == "greeting"
