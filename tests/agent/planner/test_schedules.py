"""Schedules in a sentence: the action, the report to re-run (one call per subject), when, where."""
from __future__ import annotations

import pytest

from agent.planner.arguments import PreviousCall, build_arguments
from agent.planner.slots import extract


@pytest.mark.parametrize("text, expected", [
    ("every Monday 9am post the hype digest for Delta and United to #brand",
     {"action": "create", "tool": "hype_score", "when": "every Monday 9am", "destinations": ["slack:#brand"], "arguments": [{"subject": "Delta"}, {"subject": "United"}]}),
    ("email me the SKU 85123A forecast on the 1st of each month",
     {"action": "create", "tool": "forecast_demand", "when": "on the 1st of each month", "destinations": ["email:me"], "arguments": [{"sku": "85123A"}]}),
    ("send the Stanley cups hype to ana@shop.com every Friday at 4pm Europe/London",
     {"action": "create", "tool": "hype_score", "when": "every Friday at 4pm", "timezone": "Europe/London", "destinations": ["email:ana@shop.com"], "arguments": [{"subject": "Stanley cups"}]}),
    ("every morning put the forecast for SKU 22423 in google sheet 1AbCdEfGhIjKlMnOpQrStUvWx tab Plan",
     {"action": "create", "tool": "forecast_demand", "when": "every morning", "destinations": ["sheets:1AbCdEfGhIjKlMnOpQrStUvWx/Plan"], "arguments": [{"sku": "22423"}]}),
    ("weekly hype for Labubu to the team webhook", {"action": "create", "tool": "hype_score", "when": "weekly", "destinations": ["webhook:team"], "arguments": [{"subject": "Labubu"}]}),
    ("schedule a weekly email of what's trending to maria@example.com every monday 9am",
     {"action": "create", "tool": "hype_score", "when": "every monday 9am", "destinations": ["email:maria@example.com"], "arguments": [{}]}),
    ("what's scheduled?", {"action": "list"}),
    ("pause the Monday digest", {"action": "pause", "name": "Monday digest"}),
    ("resume the monday digest", {"action": "resume", "name": "monday digest"}),
    ("stop the forecast email", {"action": "remove", "name": "forecast email"}),
])
def test_sentences_become_schedule_arguments(text, expected):
    args, missing = build_arguments("schedule_report", extract(text), None)
    assert args == expected and missing == []


def test_a_missing_part_is_asked_for_and_the_answer_completes_the_call():
    args, missing = build_arguments("schedule_report", extract("every tuesday post the forecast to #ops"), None)
    assert [k for k, _ in missing] == ["arguments"] and args["tool"] == "forecast_demand"
    done, missing = build_arguments("schedule_report", extract("SKU 85123A"), PreviousCall("schedule_report", args))
    assert missing == [] and done["arguments"] == [{"sku": "85123A"}] and done["destinations"] == ["slack:#ops"] and done["when"] == "every tuesday"
    fresh, _ = build_arguments("schedule_report", extract("every friday post the hype for Nike to #shoes"), PreviousCall("schedule_report", done))
    assert fresh["destinations"] == ["slack:#shoes"]  # a new request does not inherit the last one's destinations


def test_that_forecast_schedules_the_threads_last_forecast_at_the_fuller_time() -> None:
    from agent.planner.arguments import PreviousCall
    from agent.planner.decide import decide
    from tools.registry import load_tools

    prev = PreviousCall("forecast_demand", {"product": "jumbo bag red retrospot", "horizon": 8})
    d = decide("ok set a weekly email of that forecast to anna@example.com every monday 9am", prev, None, set(load_tools()))
    assert d.tool == "schedule_report" and d.args["tool"] == "forecast_demand" and d.args["arguments"] == [prev.args]
    assert d.args["when"] == "every monday 9am" and d.args["destinations"] == ["email:anna@example.com"]
    assert decide("what's driving the peak?", prev, None, set(load_tools())).args == prev.args
