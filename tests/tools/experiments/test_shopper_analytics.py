"""shopper_analytics on stored events and served queries: funnel counts users per step, sessions,
top and zero-result queries, suggestion positions, segments, date range and per-user scope."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from memory.engagement import NewEvent, append_events
from memory.owner import Owner
from memory.served_queries import log_served
from memory.settings import Settings
from memory.tables import utcnow
from tools.base import ToolContext, ToolError
from tools.registry import run_tool


@pytest.fixture
def shop(settings: Settings) -> ToolContext:
    owner = Owner.api(f"shop-{uuid.uuid4().hex[:8]}")
    now = utcnow()

    def ev(i: int, user: str, session: str, action: str, **kw) -> NewEvent:
        return NewEvent(event_id=f"{user}-{i}", user_id=user, session_id=session, action=action, item_id=kw.pop("item", "or:1"), at=kw.pop("at", now), **kw)

    append_events(settings, owner, [
        ev(1, "ann", "s1", "view", variant="plain"), ev(2, "ann", "s1", "click", item="water bottle", item_kind="suggestion", rank=2, variant="plain"),
        ev(3, "ann", "s1", "add_to_cart", variant="plain"), ev(4, "ann", "s1", "purchase", value=30.0, variant="plain"),
        ev(5, "bob", "s2", "view", variant="personalised"), ev(6, "bob", "s3", "click", item="wall clock", item_kind="suggestion", rank=1, variant="personalised"),
        ev(7, "cy", "s4", "view"), ev(8, "old", "s0", "purchase", value=99.0, at=now - timedelta(days=90)),
    ])
    for query, results in (("wooden train", 8), ("wooden train", 5), ("zzq", 0)):
        log_served(settings, owner, surface="search", query=query, results=results, user_id="ann", session_id="s1", variant=None)
    return ToolContext(settings=settings, owner=owner)


def test_funnel_sessions_queries_and_positions(shop: ToolContext) -> None:
    out = run_tool("shopper_analytics", {"segment_by": "variant"}, shop)
    d = out.data
    assert (d.users, d.sessions, d.revenue) == (3, 4, 30.0)  # the 90-day-old purchase is outside the range
    assert [(s.step, s.users) for s in d.funnel] == [("view", 3), ("click", 2), ("add_to_cart", 1), ("purchase", 1)]
    assert d.funnel[1].rate_from_previous == pytest.approx(2 / 3)
    assert d.top_queries[0].query == "wooden train" and d.top_queries[0].count == 2
    assert [q.query for q in d.zero_result_queries] == ["zzq"]
    assert d.suggestion_clicks == 2 and d.mean_clicked_position == 1.5 and d.sessions_using_suggestions == 0.5
    assert {s.segment for s in d.segments} == {"plain", "personalised", "untagged"}
    assert "3 users" in out.summary and "'zzq'" in out.summary and out.charts


def test_one_user_activity_segments_and_ranges(shop: ToolContext) -> None:
    bob = run_tool("shopper_analytics", {"user_id": "bob", "segment_by": "activity"}, shop).data
    assert bob.users == 1 and bob.sessions == 2 and bob.segments[0].segment == "returning (2–4 sessions)"
    old = run_tool("shopper_analytics", {"since": (utcnow() - timedelta(days=100)).date().isoformat()}, shop).data
    assert old.revenue == 129.0
    other = run_tool("shopper_analytics", {}, ToolContext(settings=shop.settings, owner=Owner.api("someone-else")))
    assert other.data.events == 0 and "No events" in other.summary
    with pytest.raises(ToolError, match="since"):
        run_tool("shopper_analytics", {"since": "2026-05-01", "until": "2026-04-01"}, shop)
