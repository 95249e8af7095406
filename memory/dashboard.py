"""The dashboard's read model: what one owner has going on, gathered in one place for the Slack Home
tab (bots/slack/home.py) and the web dashboard (bots/web/), so both show the same figures.

Every read is scoped to the owner (memory/owner.py): watches, alerts, schedules and results of
another tenant never appear, and a result id another tenant made reads as None. Hype snapshots are
not owned (posts are public data), so a watch's trend is read for the subjects of the owner's own
watches only.

A watch's trend is its last `TREND_POINTS` stored scores for the watch's window (oldest first);
its direction compares the newest with the oldest of them: "up" when the score rose by more than
`FLAT_BAND` points, "down" when it fell by more, else "flat" (None with fewer than two scores).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, or_
from sqlmodel import select

from engines.cron import describe
from memory.db import session_scope
from memory.owner import Owner, visible_to
from memory.settings import Settings
from memory.results import PART_THREAD_SUFFIX
from memory.schedules import list_schedules
from memory.tables import HypeAlert, HypeSnapshot, HypeWatch, StoredResult
from memory.watches import get_watches

TREND_POINTS = 8
FLAT_BAND = 2.0  # score points: a smaller move reads as flat
HIDDEN_TOOLS = ("export_report", "watch_hype", "schedule_report")  # an export is a file of another result, a watch or schedule change an action: none is a readout
PER_PAGE_MAX = 100

TrendDirection = Literal["up", "down", "flat"]


class WatchCard(BaseModel):
    watch_id: int
    subject: str
    threshold: float
    direction: str = Field(description="'above' or 'below': which side of the threshold fires the alert.")
    channel: str
    armed: bool
    score: float | None = Field(description="The last evaluated hype score (0–100); None before the first evaluation.")
    trend: list[float] = Field(description="The last few scores, oldest first.")
    trend_direction: TrendDirection | None
    alerts: int = Field(description="Alerts this watch has fired.")


class AlertCard(BaseModel):
    alert_id: int
    watch_id: int
    subject: str
    score: float
    status: str
    channel: str
    text: str
    created_at: datetime


class ScheduleCard(BaseModel):
    schedule_id: int
    name: str
    cron: str
    when: str = Field(description="The cron in words: 'every Monday at 09:00'.")
    timezone: str
    tool: str
    destinations: list[str]
    paused: bool
    next_due_at: datetime | None


class ChartRef(BaseModel):
    index: int
    title: str
    path: str


class ResultCard(BaseModel):
    result_id: str
    tool: str
    subject: str = Field(description="What the result is about (product, subject, audience…), '' when it names nothing.")
    summary: str
    created_at: datetime
    charts: list[ChartRef]


class ResultFilter(BaseModel):
    """What the results browser asks for; dates are UTC days, both ends included."""

    tool: str | None = Field(default=None, max_length=64)
    since: date | None = None
    until: date | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=PER_PAGE_MAX)


class ResultPage(BaseModel):
    items: list[ResultCard]
    total: int
    page: int
    per_page: int
    tools: list[str] = Field(description="Every tool the owner has results of (the filter's choices).")

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class Overview(BaseModel):
    owner: str
    watches: list[WatchCard]
    alerts: list[AlertCard]
    schedules: list[ScheduleCard]
    results: list[ResultCard]


def trend_direction(trend: list[float]) -> TrendDirection | None:
    if len(trend) < 2:
        return None
    change = trend[-1] - trend[0]
    return "up" if change > FLAT_BAND else "down" if change < -FLAT_BAND else "flat"


def _trends(settings: Settings, watches: list[HypeWatch]) -> dict[tuple[str, int], list[float]]:
    """The last TREND_POINTS scores of each (subject, window) watched, oldest first: one query."""
    if not watches:
        return {}
    newest_first = func.row_number().over(partition_by=(HypeSnapshot.subject, HypeSnapshot.window_days),
                                          order_by=(HypeSnapshot.created_at.desc(), HypeSnapshot.id.desc())).label("n")
    ranked = (select(HypeSnapshot.subject, HypeSnapshot.window_days, HypeSnapshot.score, newest_first)
              .where(HypeSnapshot.subject.in_({w.subject for w in watches}), HypeSnapshot.region.is_(None), HypeSnapshot.score.is_not(None)).subquery())
    with session_scope(settings) as s:
        rows = s.exec(select(ranked.c.subject, ranked.c.window_days, ranked.c.score).where(ranked.c.n <= TREND_POINTS).order_by(ranked.c.n.desc())).all()
    trends: dict[tuple[str, int], list[float]] = {}
    for subject, window, score in rows:
        trends.setdefault((subject, window), []).append(round(float(score), 1))
    return trends


def watch_cards(settings: Settings, owner: Owner) -> list[WatchCard]:
    watches = get_watches(settings, owner)
    counts: dict[int, int] = {}
    if watches:
        with session_scope(settings) as s:
            counts = dict(s.exec(select(HypeAlert.watch_id, func.count()).where(HypeAlert.watch_id.in_([w.id for w in watches])).group_by(HypeAlert.watch_id)).all())
    trends = _trends(settings, watches)
    cards = []
    for w in watches:
        trend = trends.get((w.subject, w.window_days), [])
        cards.append(WatchCard(watch_id=w.id, subject=w.display, threshold=w.threshold, direction=w.direction, channel=w.channel, armed=w.armed, score=w.last_score,
                               trend=trend, trend_direction=trend_direction(trend), alerts=counts.get(w.id, 0)))
    return cards


def recent_alerts(settings: Settings, owner: Owner, limit: int = 10) -> list[AlertCard]:
    with session_scope(settings) as s:
        rows = s.exec(select(HypeAlert).where(visible_to(HypeAlert.owner, owner)).order_by(HypeAlert.id.desc()).limit(limit)).all()
    return [AlertCard(alert_id=a.id, watch_id=a.watch_id, subject=a.subject, score=a.score, status=a.status, channel=a.channel, text=a.text, created_at=a.created_at)
            for a in rows]


def schedule_cards(settings: Settings, owner: Owner) -> list[ScheduleCard]:
    """The owner's report schedules (memory/schedules.py), oldest first."""
    return [ScheduleCard(schedule_id=s.id, name=s.name, cron=s.cron, when=describe(s.cron), timezone=s.timezone, tool=s.tool, destinations=list(s.destinations), paused=s.paused,
                         next_due_at=s.next_due_at) for s in list_schedules(settings, owner)]


def result_subject(data: Any) -> str:
    """What a result is about, from its data: the first of its product/target/subject/audience/query/prefix, or its items."""
    if isinstance(data, dict):
        for key in ("product", "target", "subject", "audience", "query", "prefix"):
            if isinstance(data.get(key), str):
                return data[key]
        if isinstance(data.get("items"), list) and all(isinstance(i, str) for i in data["items"]):
            return ", ".join(data["items"][:4])
    return ""


def result_card(row: StoredResult) -> ResultCard:
    """A stored result (read with its owner's scope) as the dashboard shows it."""
    charts = [ChartRef(index=i, title=str(c.get("title") or "chart"), path=str(c["path"])) for i, c in enumerate(row.output.get("charts") or []) if c.get("path")]
    return ResultCard(result_id=row.result_id, tool=row.tool, subject=result_subject(row.output.get("data")), summary=row.summary, created_at=row.created_at, charts=charts)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


def browse_results(settings: Settings, owner: Owner, wanted: ResultFilter) -> ResultPage:
    """One page of the owner's results, newest first, filtered by tool and day."""
    where = [visible_to(StoredResult.owner, owner), StoredResult.tool.not_in(HIDDEN_TOOLS),
             or_(StoredResult.thread_id.is_(None), StoredResult.thread_id.not_like(f"%{PART_THREAD_SUFFIX}"))]  # a launch readout's parts are in it
    with session_scope(settings) as s:
        tools = sorted(s.exec(select(StoredResult.tool).where(*where).distinct()).all())
        if wanted.tool:
            where.append(StoredResult.tool == wanted.tool)
        if wanted.since:
            where.append(StoredResult.created_at >= _day_start(wanted.since))
        if wanted.until:
            where.append(StoredResult.created_at < _day_start(wanted.until + timedelta(days=1)))
        total = s.exec(select(func.count()).select_from(StoredResult).where(*where)).one()
        rows = s.exec(select(StoredResult).where(*where).order_by(StoredResult.created_at.desc(), StoredResult.result_id)
                      .offset((wanted.page - 1) * wanted.per_page).limit(wanted.per_page)).all()
    return ResultPage(items=[result_card(r) for r in rows], total=total, page=wanted.page, per_page=wanted.per_page, tools=tools)


def overview(settings: Settings, owner: Owner, *, results: int = 5, alerts: int = 10) -> Overview:
    """Everything the dashboard's first screen shows, for `owner`."""
    return Overview(owner=owner.key, watches=watch_cards(settings, owner), alerts=recent_alerts(settings, owner, alerts), schedules=schedule_cards(settings, owner),
                    results=browse_results(settings, owner, ResultFilter(per_page=results)).items)
