"""The dashboard read model: one owner's watches (score, trend, threshold), alerts, results, filtered
and paginated, and nothing of another owner's."""
from __future__ import annotations

import uuid
from datetime import date

from memory.dashboard import ResultFilter, browse_results, overview, trend_direction
from memory.owner import Owner
from memory.settings import Settings
from tests.dashboard_data import seed


def owners() -> tuple[Owner, Owner]:
    tag = uuid.uuid4().hex[:8]  # Postgres is shared between tests
    return Owner.slack(f"TA{tag}"), Owner.slack(f"TB{tag}")


def test_overview_gathers_one_owners_watches_alerts_and_results(settings: Settings) -> None:
    mine, theirs = owners()
    ids = seed(settings, mine, subject=f"stanley {mine.id}", results=3)  # hype snapshots are shared by subject: one of its own on a shared database
    seed(settings, theirs, subject=f"delta {theirs.id}", display="Delta", scores=(80, 60), results=2)
    view = overview(settings, mine)
    assert [w.subject for w in view.watches] == ["Stanley"]
    watch = view.watches[0]
    assert watch.score == 72 and watch.threshold == 70 and watch.trend == [40, 48, 55, 63, 72] and watch.trend_direction == "up" and watch.alerts == 1
    assert [a.subject for a in view.alerts] == ["Stanley"]
    assert [r.result_id for r in view.results] == ids
    assert view.results[0].charts[0].title == "Stanley hype" and view.results[1].charts == []
    assert [(s.name, s.when, s.paused) for s in view.schedules] == [("Stanley weekly hype", "every Monday at 09:00", False)]
    other = overview(settings, theirs)
    assert other.watches[0].trend_direction == "down" and {r.result_id for r in other.results}.isdisjoint(ids)


def test_results_filter_by_tool_and_day_and_paginate(settings: Settings) -> None:
    mine, _ = owners()
    ids = seed(settings, mine, results=7)  # 2026-11-20 back to 2026-11-14, hype on even offsets
    page = browse_results(settings, mine, ResultFilter(tool="hype_score"))
    assert page.total == 4 and {r.tool for r in page.items} == {"hype_score"} and page.tools == ["forecast_demand", "hype_score"]
    days = browse_results(settings, mine, ResultFilter(since=date(2026, 11, 16), until=date(2026, 11, 18)))
    assert [r.result_id for r in days.items] == ids[2:5]
    second = browse_results(settings, mine, ResultFilter(page=2, per_page=3))
    assert [r.result_id for r in second.items] == ids[3:6] and second.pages == 3


def test_trend_direction_reads_a_small_move_as_flat() -> None:
    assert trend_direction([50.0]) is None
    assert trend_direction([50.0, 51.5]) == "flat"
    assert trend_direction([50.0, 40.0]) == "down"


def test_the_parts_of_a_launch_readout_and_watch_changes_are_not_listed_as_readouts(settings: Settings) -> None:
    from memory.results import PART_THREAD_SUFFIX, save_result

    mine, _ = owners()
    for result_id, tool, thread in (("analyze_laun-x1", "analyze_launch", "t1"), ("hype_score-x1", "hype_score", f"t1{PART_THREAD_SUFFIX}"), ("watch_hype-x1", "watch_hype", "t2")):
        save_result(settings, owner=mine, result_id=result_id + mine.id[-6:], tool=tool, thread_id=thread, arguments={}, output={}, summary="s")
    page = browse_results(settings, mine, ResultFilter())
    assert [r.tool for r in page.items] == ["analyze_launch"] and page.tools == ["analyze_launch"]
