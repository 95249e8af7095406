"""What a hype alert shows, decided once for Slack, Discord and webhooks: the score with its range
and the change since the last check, the drivers, the post count, two sample posts, a small chart
of posts per day, the window's dates (flagged when old) and the request behind the "details" button.

Built at send time from the alert row and the snapshot it was fired on (`hype_snapshots.result`, the
full hype answer), so a re-send shows exactly what the first try showed.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from bots.render import truncate
from memory.db import session_scope
from memory.settings import Settings
from memory.tables import HypeAlert, HypeSnapshot

if TYPE_CHECKING:
    from tools.hype.score import HypeScoreData

SPARK = "▁▂▃▄▅▆▇█"
CHART_DAYS = 14
SAMPLES = 2


class SamplePost(BaseModel):
    text: str
    author: str
    label: str


class AlertCard(BaseModel):
    title: str
    text: str  # the alert sentence (score, range, change, threshold, window, posts, drivers, flags)
    subject: str
    score: float
    low: float | None
    high: float | None
    posts: int | None
    drivers: list[str]
    samples: list[SamplePost]
    chart: str | None  # posts per day as a sparkline, with its first and last date
    window: str | None  # the window's dates, flagged when old
    details: str  # the request the "details" button sends in the alert's thread
    window_days: int


def sparkline(counts: list[int]) -> str:
    """Counts as block characters scaled to the largest (a zero shows as the lowest block)."""
    top = max(counts, default=0)
    return "".join(SPARK[0] if top == 0 else SPARK[min(len(SPARK) - 1, round(c / top * (len(SPARK) - 1)))] for c in counts)


def card_from(alert: HypeAlert, data: HypeScoreData | None) -> AlertCard:
    """The card of `alert`; with no snapshot (older rows) it carries the alert's own text only."""
    from tools.hype.score import window_dates  # the scoring stack loads only when an alert is rendered

    days = data.window_days if data else 7
    details = f"what's the hype on {alert.subject} over the last {days} days?"
    if data is None or data.score is None:
        return AlertCard(title=f"📈 Hype alert: {alert.subject} at {alert.score:.0f}/100", text=alert.text, subject=alert.subject, score=alert.score, low=None, high=None,
                         posts=None, drivers=[], samples=[], chart=None, window=None, details=details, window_days=days)
    points = data.timeline[-CHART_DAYS:]
    chart = f"{sparkline([p.posts for p in points])}  posts/day {points[0].date} → {points[-1].date}" if points else None
    rng = f" (range {data.score_low:.0f}–{data.score_high:.0f})" if data.score_low is not None and data.score_high is not None else ""
    return AlertCard(title=truncate(f"{data.state} Hype alert: {data.subject} at {data.score:.0f}/100{rng}", 150), text=alert.text, subject=data.subject, score=data.score,
                     low=data.score_low, high=data.score_high, posts=data.posts, drivers=data.drivers,
                     samples=[SamplePost(text=truncate(p.text, 280), author=p.author, label=p.label) for p in data.top_posts[:SAMPLES]], chart=chart,
                     window=f"{data.window_days} days {window_dates(data)}" if data.window_start else None, details=details, window_days=days)


def alert_card(settings: Settings, alert: HypeAlert) -> AlertCard:
    """Load the snapshot the alert fired on and build its card."""
    from tools.hype.score import HypeScoreData

    snapshot = None
    if alert.snapshot_id is not None:
        with session_scope(settings) as s:
            snapshot = s.get(HypeSnapshot, alert.snapshot_id)
    data = HypeScoreData.model_validate(snapshot.result) if snapshot is not None and snapshot.result.get("subject") else None
    return card_from(alert, data)
