"""The Home tab's Block Kit stays inside Slack's limits however much a workspace has."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from bots.slack.home import MAX_BLOCKS, home_view, sparkline
from memory.dashboard import AlertCard, ChartRef, Overview, ResultCard, ScheduleCard, WatchCard

NOW = datetime(2026, 11, 20, tzinfo=timezone.utc)


def texts(node: Any, kind: str = "mrkdwn") -> list[str]:
    """The text of every text object of `kind` anywhere in the view."""
    if isinstance(node, dict):
        own = [node["text"]] if node.get("type") == kind and isinstance(node.get("text"), str) else []
        return own + [t for v in node.values() for t in texts(v, kind)]
    if isinstance(node, list):
        return [t for v in node for t in texts(v, kind)]
    return []


def busy(n: int) -> Overview:
    long = "Stanley & <Co> " * 400
    return Overview(owner="slack:T1",
                    watches=[WatchCard(watch_id=i, subject=long, threshold=70, direction="above", channel="slack:#launches", armed=True, score=71.5,
                                       trend=[10, 50, 99.9], trend_direction="up", alerts=3) for i in range(n)],
                    alerts=[AlertCard(alert_id=i, watch_id=1, subject=long[:200], score=80, status="delivered", channel="slack:#x", text="t", created_at=NOW) for i in range(n)],
                    schedules=[ScheduleCard(schedule_id=i, name="weekly " * 30, cron="0 9 * * 1", when="every Monday at 09:00", timezone="Europe/Paris", tool="hype_score",
                                            destinations=["slack:#brand"], paused=i % 2 == 0, next_due_at=NOW) for i in range(n)],
                    results=[ResultCard(result_id=f"hype_score-{i:012d}", tool="hype_score", summary=long, created_at=NOW,
                                        subject="Stanley", charts=[ChartRef(index=0, title="x", path="/tmp/x.png")]) for i in range(n)])


def test_a_busy_workspace_fits_slacks_limits() -> None:
    view = home_view(busy(200), "https://dash.example.com")
    blocks = view["blocks"]
    assert view["type"] == "home" and len(blocks) <= MAX_BLOCKS
    assert all(len(b["text"]["text"]) <= 3000 for b in blocks if b["type"] == "section" and "text" in b)
    assert all(len(b["text"]["text"]) <= 150 for b in blocks if b["type"] == "header")
    buttons = [e for b in blocks for e in ([b.get("accessory")] if b.get("accessory") else b.get("elements", [])) if e.get("type") == "button"]
    assert buttons and all(len(b["text"]["text"]) <= 75 and len(b["action_id"]) <= 255 and len(b["value"]) <= 2000 for b in buttons)
    assert len({b["action_id"] for b in buttons}) == len(buttons)  # Slack refuses a view whose action ids repeat
    assert all(len(b.get("elements", [])) <= 25 for b in blocks if b["type"] == "actions")
    assert all("<Co>" not in t for t in texts(view))  # user text is escaped: no fake links or mentions


def test_results_link_to_the_dashboard_when_it_is_configured() -> None:
    linked = [e for b in home_view(busy(1), "https://dash.example.com/")["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in linked] == ["Re-run", "Export PDF", "Open"]
    assert linked[2]["url"] == "https://dash.example.com/results/hype_score-000000000000"
    assert all("url" not in e for b in home_view(busy(1))["blocks"] if b["type"] == "actions" for e in b["elements"])


def test_an_empty_workspace_says_what_to_try() -> None:
    blocks = home_view(Overview(owner="slack:T1", watches=[], alerts=[], schedules=[], results=[]))["blocks"]
    shown = " ".join(texts(blocks) + texts(blocks, "plain_text"))
    assert "No watches yet" in shown and "No alerts" in shown and "No scheduled reports" in shown and "No results yet" in shown


def test_sparkline_uses_the_0_100_scale() -> None:
    assert sparkline([0, 50, 100]) == "▁▅█"
