"""The agent as front-ends use it: multi-turn follow-ups, thread isolation, restarts, bad input."""
from __future__ import annotations

from agent.guard import MAX_MESSAGE_CHARS
from agent.service import safe_thread_id
from tests.agent.conftest import IsolatedAgent as Agent
from memory.settings import Settings


def test_follow_up_reuses_and_amends_the_previous_call(settings: Settings) -> None:
    with Agent(settings) as agent:
        first = agent.ask("t-follow", "what's the hype on Virgin America over the last 30 days?")
        second = agent.ask("t-follow", "now Delta")
    assert first.tool_calls[0].args == {"subject": "Virgin America", "window_days": 30}
    assert second.tool_calls[0].tool == "hype_score"
    assert second.tool_calls[0].args == {"subject": "Delta", "window_days": 30}
    assert '"subject": "Delta"' in second.text  # the reused arguments are visible to the user


def test_threads_see_only_their_own_history(settings: Settings) -> None:
    with Agent(settings) as agent:
        agent.ask("thread-a", "forecast SKU 85123A for 12 weeks")
        agent.ask("thread-b", "simulate a $129 launch of Cyberpunk Sneakers in Europe in March vs May")
        follow_a = agent.ask("thread-a", "same for 26 weeks")
        follow_b = agent.ask("thread-b", "try it at $79")
    assert follow_a.tool_calls[0].tool == "forecast_demand"
    assert follow_a.tool_calls[0].args["sku"] == "85123A" and follow_a.tool_calls[0].args["horizon"] == 26
    assert follow_b.tool_calls[0].tool == "simulate_launch"
    prices = {s["price"] for s in follow_b.tool_calls[0].args["scenarios"]}
    regions = {s["region"] for s in follow_b.tool_calls[0].args["scenarios"]}
    assert prices == {79.0} and regions == {"Europe"}
    assert len(follow_b.tool_calls[0].args["scenarios"]) == 2  # March and May kept


def test_history_survives_a_restart(settings: Settings) -> None:
    with Agent(settings) as agent:
        agent.ask("t-restart", "what do under-35s in North America like in music?")
    with Agent(settings) as restarted:
        reply = restarted.ask("t-restart", "what about women 55+?")
    args = reply.tool_calls[0].args
    assert reply.tool_calls[0].tool == "audience_affinity"
    assert args["audience"] == {"region": "North America", "age_min": 55, "age_max": None, "gender": "female"} or args["audience"] == {"region": "North America", "age_min": 55, "gender": "female"}
    assert args["domain"] == "music"


def test_clarifying_question_then_answer_fills_the_call(settings: Settings) -> None:
    with Agent(settings) as agent:
        question = agent.ask("t-clarify", "what's the hype score?")
        answer = agent.ask("t-clarify", "Stanley cups")
    assert not question.tool_calls and "Which product" in question.text
    assert answer.tool_calls[0].tool == "hype_score" and answer.tool_calls[0].args["subject"] == "Stanley cups"


def test_bad_input_gets_specific_replies(settings: Settings) -> None:
    with Agent(settings) as agent:
        empty = agent.ask("t-bad", "   ")
        huge = agent.ask("t-bad", "x" * 20_000)
        region = agent.ask("t-bad", "what's the hype on Delta in Atlantis?")
        horizon = agent.ask("t-bad-2", "forecast SKU 85123A for -4 weeks")
        too_long = agent.ask("t-bad-3", "forecast SKU 85123A for 900 weeks")
        no_subject = agent.ask("t-bad-4", "hype score")
    assert "empty" in empty.text
    assert "20,000" in huge.text and str(f"{MAX_MESSAGE_CHARS:,}") in huge.text
    assert region.tool_calls[0].args == {"subject": "Delta", "region": "Atlantis"}
    assert "unknown region 'Atlantis'" in region.text and "North America" in region.text
    assert "`horizon`" in horizon.text and "greater than or equal to 1" in horizon.text
    assert "`horizon`" in too_long.text and "less than or equal to" in too_long.text
    assert "Which product" in no_subject.text


def test_unknown_region_from_a_client_is_refused_with_the_known_list(ctx) -> None:
    from tools.base import ToolError
    from tools.registry import run_tool

    try:
        run_tool("hype_score", {"subject": "Delta", "region": "Atlantis"}, ctx)
    except ToolError as exc:
        assert exc.code == "invalid_argument" and "Atlantis" in exc.message and "North America" in exc.message
    else:
        raise AssertionError("unknown region accepted")


def test_help_comes_from_the_registry(settings: Settings) -> None:
    with Agent(settings) as agent:
        reply = agent.ask("t-help", "what can you do?")
    for name in ("hype_score", "forecast_demand", "suggest_queries", "analyze_launch", "export_report"):
        assert name in reply.text


def test_long_thread_ids_are_shortened_stably() -> None:
    long_id = "slack:T123:C456:" + "9" * 400
    assert safe_thread_id(long_id) == safe_thread_id(long_id)
    assert len(safe_thread_id(long_id)) <= 200


def test_denied_tools_are_refused_politely(settings: Settings) -> None:
    with Agent(settings) as agent:
        reply = agent.ask("t-deny", "alert me in #launches if Stanley goes over 80", deny_tools=frozenset({"watch_hype"}))
    assert reply.tool_calls[0].tool == "watch_hype" and not reply.tool_calls[0].ok
    assert "permission" in reply.text
