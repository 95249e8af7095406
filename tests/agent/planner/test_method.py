""""How did you calculate that?": the method of the last answer, with the hype score's own breakdown."""
from __future__ import annotations

from agent.planner.arguments import PreviousCall
from agent.planner.compose import render_result
from agent.planner.decide import decide
from agent.planner.method import METHOD, explain
from agent.planner.style import Style
from tools.registry import load_tools

NAMES = set(load_tools())


def test_a_method_question_reasks_the_last_call_written_as_its_method() -> None:
    prev = PreviousCall("hype_score", {"subject": "Southwest", "window_days": 7})
    for text in ("how did you calculate that?", "what's that based on?", "what are the assumptions behind that number?"):
        d = decide(text, prev, None, NAMES)
        assert d.tool == "hype_score" and d.args == prev.args and d.style == Style("method"), text
    assert decide("which one wins and why?", prev, None, NAMES).style is None


def test_the_hype_breakdown_adds_up_to_the_score() -> None:
    components = [{"metric": "velocity", "points": 16.0, "weight": 0.2, "z": 3.1}, {"metric": "net_sentiment", "points": 7.5, "weight": 0.15, "z": 0.4}]
    text = explain("hype_score", {"data": {"components": components, "reference": "own history"}})
    assert text.startswith("How it was worked out: Each metric") and "velocity 16.0/20 (z +3.1), net sentiment 7.5/15 (z +0.4) = 24" in text
    assert "against own history" in text


def test_every_main_tool_names_the_doc_of_its_formula() -> None:
    for tool in ("hype_score", "forecast_demand", "simulate_launch", "audience_affinity", "analyze_launch", "suggest_queries"):
        assert "docs/" in METHOD[tool], tool
    rendered = render_result("forecast_demand", {"summary": "About 5,649 units over 8 weeks. Model: theta.", "source": "UCI"}, Style("method"))
    assert rendered.splitlines()[:2] == ["How it was worked out: " + METHOD["forecast_demand"], "About 5,649 units over 8 weeks."]


def test_asked_which_model_or_how_accurate_the_answer_gives_the_method_with_its_figures() -> None:
    """After a hype answer these used to score the hype of "accuracy" or "reliable"; with nothing
    asked yet they get where the numbers come from."""
    prev = PreviousCall("hype_score", {"subject": "iPad 2"})
    questions = ("which model scored those posts?", "and how accurate is that sentiment model?", "how accurate is your sentiment?", "is the sentiment reliable?",
                 "are your sentiment numbers any good? what's the accuracy on tweets?", "how good is your sentiment analysis?")
    for text in questions:
        d = decide(text, prev, None, NAMES)
        assert d.tool == "hype_score" and d.args == prev.args and d.style == Style("method"), text
        assert decide(text, None, None, NAMES).kind == "sources", text
    assert "TweetEval test" in METHOD["hype_score"] and "0.687" in METHOD["hype_score"]
    assert decide("what's the hype on the iPad 2?", prev, None, NAMES).style is None
