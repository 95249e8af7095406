"""How the asker wants the answer written: bullets for a deck, or short."""
from __future__ import annotations

from agent.planner.arguments import PreviousCall
from agent.planner.compose import render_result
from agent.planner.decide import decide
from agent.planner.style import Style, answer_style, restyle, sentences
from tools.registry import load_tools

NAMES = set(load_tools())
SUMMARY = ("What's trending: 3 stored subjects. #1 Delta 61 (55–66), 900 posts. #2 United 50 (48–52), 800 posts. "
           "For example: “@united love it! Best crew.” (positive). Peak in week 26 of 26. Model MASE 0.59.")


def test_the_style_is_read_with_its_count_and_its_words_are_not_the_subject() -> None:
    assert answer_style("need 3 bullet points for a pitch deck: how hyped is Apple")[0] == Style("bullets", 3)
    assert answer_style("give me five talking points")[0] == Style("bullets", 5)
    assert answer_style("make it shorter")[0] == Style("short") and answer_style("tl;dr?")[0] == Style("short")
    assert answer_style("how hyped is Apple at SXSW")[0] is None
    d = decide("need 3 bullet points for a pitch deck: how hyped is Apple vs Google at SXSW", None, None, NAMES)
    assert d.tool == "hype_score" and d.style == Style("bullets", 3)
    assert (d.args["subject"], d.args["versus"], d.args["source"]) == ("Apple", ["Google"], "SXSW")


def test_a_turn_that_only_asks_a_style_rewrites_the_last_answer() -> None:
    prev = PreviousCall("forecast_demand", {"sku": "85123A", "horizon": 8})
    for text in ("make it shorter", "can you make it shorter?", "as 3 bullet points please", "tl;dr"):
        d = decide(text, prev, None, NAMES)
        assert d.kind == "tool" and d.tool == "forecast_demand" and d.args == prev.args and d.style is not None, text


def test_sentences_keep_quotes_and_list_numbers_whole() -> None:
    parts = sentences(SUMMARY)
    assert parts[1] == "#1 Delta 61 (55–66), 900 posts." and parts[3] == "For example: “@united love it! Best crew.” (positive)."
    assert restyle(SUMMARY, Style("short")) == "What's trending: 3 stored subjects."
    assert restyle(SUMMARY, Style("bullets", 2)).splitlines() == ["• What's trending: 3 stored subjects.", "• #1 Delta 61 (55–66), 900 posts."]


def test_a_styled_answer_keeps_its_charts_and_source_but_not_the_figure_line() -> None:
    payload = {"summary": SUMMARY, "data": {"score": 61.0}, "charts": [{"title": "timeline", "path": "/tmp/x.png"}], "source": "stored posts", "result_id": "r1"}
    text = render_result("hype_score", payload, Style("short"))
    assert text.splitlines()[0] == "What's trending: 3 stored subjects." and "score: 61" not in text and "/tmp/x.png" in text and "result id: r1" in text
    assert "score: 61" in render_result("hype_score", payload)
