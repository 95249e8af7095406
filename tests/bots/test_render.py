"""One rendering of an agent reply for both bots: key figures, errors, buttons, limits."""
from __future__ import annotations

from pathlib import Path

from agent.service import AgentReply, ToolCallRecord
from bots.render import render
from bots.slack.blocks import answer_blocks


def reply(ok: bool, chart: str = "", text: str = "Stanley hype is 72/100.") -> AgentReply:
    payload = ({"summary": text, "data": {"subject": "Stanley", "score": 72.44, "posts": 1200, "window_start": "2015-02-17", "components": [1]},
                "result_id": "r1", "source": "posts"} if ok else {"error": {"code": "not_found", "message": "no posts"}})
    return AgentReply(text=text, tool_calls=[ToolCallRecord(tool="hype_score", args={"subject": "Stanley"}, ok=ok)], charts=[chart] if chart else [], data=[payload])


def test_key_figures_are_the_scalar_measurements(tmp_path: Path) -> None:
    chart = tmp_path / "c.png"
    chart.write_bytes(b"png")
    rendered = render(reply(True, str(chart)))
    assert [(f.label, f.value) for f in rendered.figures] == [("Score", "72.44"), ("Posts", "1,200")]
    assert rendered.charts == [chart] and rendered.result_id == "r1" and rendered.error is None
    assert rendered.followups[0].request == "what's the hype on Stanley over the last 30 days?"


def test_a_launch_readout_shows_its_page_one_numbers_in_slack_and_discord() -> None:
    readout = {"verdict": "go with changes", "key_numbers": [{"label": "Expected buyers", "value": "1,337", "range": "1,294–1,376", "basis": "best scenario"},
                                                            {"label": "Best price", "value": "$96", "range": None, "basis": "21% more revenue than $120"}]}
    payload = {"summary": "Go with changes.", "data": {"product": "Cyberpunk Sneakers", "readout": readout, "sections": []}, "result_id": "r2", "source": "launch"}
    rendered = render(AgentReply(text="Go with changes.", tool_calls=[ToolCallRecord(tool="analyze_launch", args={"product": "Cyberpunk Sneakers"}, ok=True)], data=[payload]))
    assert [(f.label, f.value) for f in rendered.figures] == [("Expected buyers", "1,337 (1,294–1,376)"), ("Best price", "$96")]


def test_a_reply_whose_tools_all_failed_is_an_error() -> None:
    rendered = render(reply(False, text="⚠️ no posts"))
    assert rendered.error == "⚠️ no posts" and rendered.figures == [] and rendered.result_id is None
    assert answer_blocks(rendered) == [{"type": "section", "text": {"type": "mrkdwn", "text": ":warning: no posts"}}]


def test_missing_chart_files_are_dropped_and_plain_answers_are_not_errors() -> None:
    rendered = render(AgentReply(text="I'm caeser."))
    assert rendered.error is None and rendered.charts == [] and rendered.followups == []
    assert render(reply(True, "/no/such.png")).charts == []


def test_long_answers_are_cut_to_slack_limits() -> None:
    blocks = answer_blocks(render(reply(True, text="<b>" + "x" * 20000)))
    sections = [b for b in blocks if b["type"] == "section" and "text" in b]
    assert len(sections) == 4 and all(len(b["text"]["text"]) <= 3000 for b in sections)
    assert sections[0]["text"]["text"].startswith("&lt;b&gt;")
    buttons = next(b for b in blocks if b["type"] == "actions")["elements"]
    assert [b["value"] for b in buttons][:3] == ["r1:csv", "r1:pdf", "r1:json"]
