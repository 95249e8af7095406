"""shopper_analytics: what shoppers did over a date range, for one user or per segment.

Read from the events the storefront sends (/v1/events) and the chat records (record_engagement),
and from the queries the storefront API answered (memory/served_queries.py). Definitions:
- a session is a distinct (user, session id); events without a session id count one per user and day;
- the funnel counts users who did each step at least once: viewed → clicked → added to cart → bought,
  and each step's rate is over the step before it;
- a suggestion is "used" when a click's item is a suggestion; its position is the event's rank;
- zero-result queries are the served queries and prefixes that returned nothing.
Segments: `variant` (the variant tag the storefront put on its events) or `activity` (new: one
session, returning: 2–4, loyal: 5 or more).
"""
from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from memory.engagement import events_between
from memory.served_queries import served_between
from tools.base import Chart, ToolContext, ToolError, ToolOutput
from tools.launch.search import QueryCount
from tools.registry import register
from tools.schemas import StrictInput

STEPS = ("view", "click", "add_to_cart", "purchase")
STEP_LABELS = {"view": "viewed", "click": "clicked", "add_to_cart": "added to cart", "purchase": "bought"}
MAX_DAYS = 366


class ShopperAnalyticsInput(StrictInput):
    user_id: str | None = Field(default=None, max_length=128, description="One shopper; unset = everyone.", examples=["u123"])
    segment_by: Literal["none", "variant", "activity"] = Field(default="none", description="Split the funnel by the events' variant tag or by activity (new / returning / loyal).", examples=["variant"])
    since: date | None = Field(default=None, description="First day (UTC); unset = 30 days before `until`.", examples=["2026-11-01"])
    until: date | None = Field(default=None, description="Last day, included (UTC); unset = today.", examples=["2026-11-30"])
    top: int = Field(default=10, ge=1, le=50, description="How many top and zero-result queries to list.", examples=[10])

    @model_validator(mode="after")
    def _range(self) -> "ShopperAnalyticsInput":
        if self.since and self.until and self.since > self.until:
            raise ValueError(f"since ({self.since}) is after until ({self.until})")
        return self


class FunnelStep(BaseModel):
    step: str
    users: int
    events: int
    rate_from_previous: float | None


class SegmentFunnel(BaseModel):
    segment: str
    users: int
    sessions: int
    funnel: list[FunnelStep]
    revenue: float


class PositionCount(BaseModel):
    position: int
    clicks: int


class ShopperAnalyticsData(BaseModel):
    since: date
    until: date
    user_id: str | None
    users: int
    sessions: int
    events: int
    revenue: float
    funnel: list[FunnelStep]
    segments: list[SegmentFunnel]
    top_queries: list[QueryCount]
    zero_result_queries: list[QueryCount]
    suggestion_clicks: int
    sessions_using_suggestions: float | None = Field(description="Share of sessions with at least one suggestion click.")
    clicked_positions: list[PositionCount]
    mean_clicked_position: float | None


class ShopperAnalyticsOutput(ToolOutput):
    data: ShopperAnalyticsData


def funnel(rows: list[tuple]) -> list[FunnelStep]:
    users = {step: set() for step in STEPS}
    counts: Counter[str] = Counter()
    for user, _session, action, *_ in rows:
        if action in users:
            users[action].add(user)
            counts[action] += 1
    out, previous = [], None
    for step in STEPS:
        n = len(users[step])
        out.append(FunnelStep(step=step, users=n, events=counts[step], rate_from_previous=None if not previous else n / previous))
        previous = n
    return out


def session_key(row: tuple) -> tuple:
    user, session, *_rest, at = row
    return (user, session) if session else (user, "day", at.date())


def segment_of(rows: list[tuple], by: str) -> dict[str, list[tuple]]:
    """Rows grouped by segment (formulas in the module docstring)."""
    if by == "none":
        return {}
    groups: dict[str, list[tuple]] = defaultdict(list)
    if by == "variant":
        for row in rows:
            groups[row[7] or "untagged"].append(row)
        return dict(groups)
    sessions: dict[str, set] = defaultdict(set)
    for row in rows:
        sessions[row[0]].add(session_key(row))
    for row in rows:
        n = len(sessions[row[0]])
        groups["new (1 session)" if n == 1 else "returning (2–4 sessions)" if n < 5 else "loyal (5+ sessions)"].append(row)
    return dict(groups)


@register("shopper_analytics", engine="experiments", input_model=ShopperAnalyticsInput, output_model=ShopperAnalyticsOutput, description="""
Shopper behaviour for a date range, for one user or per segment: sessions, the view → click → cart →
purchase funnel, top and zero-result queries, suggestion usage and clicked positions, with a chart.
Use for "how did shoppers behave last week?" or "what queries found nothing?".
""")
def shopper_analytics(inp: ShopperAnalyticsInput, ctx: ToolContext) -> ShopperAnalyticsOutput:
    until = inp.until or datetime.now(timezone.utc).date()
    since = inp.since or until - timedelta(days=29)
    if (until - since).days >= MAX_DAYS:
        raise ToolError("invalid_argument", f"The range {since} – {until} is longer than {MAX_DAYS} days; ask for a year or less.", field="since")
    start, end = datetime.combine(since, time.min, timezone.utc), datetime.combine(until + timedelta(days=1), time.min, timezone.utc)
    # rows: (user, session, action, item_kind, rank, query, value, variant, at)
    rows = [(*row[:6], row[6] or 0.0, *row[7:]) for row in events_between(ctx.settings, ctx.owner, start, end, inp.user_id)]
    served = served_between(ctx.settings, ctx.owner, start, end, inp.user_id)
    sessions = {session_key((r[0], r[1], r[8])) for r in rows}
    queries = Counter(q.strip().lower() for _, q, _, _ in served if q.strip()) + Counter(r[5].strip().lower() for r in rows if r[5] and r[3] == "product" and r[2] == "click")
    zero = Counter(q.strip().lower() for _, q, n, _ in served if n == 0 and q.strip())
    suggestion_clicks = [r for r in rows if r[2] == "click" and r[3] == "suggestion"]
    positions = Counter(r[4] for r in suggestion_clicks if r[4])
    using = {session_key((r[0], r[1], r[8])) for r in suggestion_clicks}
    segments = [SegmentFunnel(segment=name, users=len({r[0] for r in group}), sessions=len({session_key((r[0], r[1], r[8])) for r in group}),
                              funnel=funnel(group), revenue=round(sum(r[6] for r in group if r[2] == "purchase"), 2))
                for name, group in sorted(segment_of(rows, inp.segment_by).items())]
    mean_pos = sum(p * c for p, c in positions.items()) / sum(positions.values()) if positions else None
    data = ShopperAnalyticsData(since=since, until=until, user_id=inp.user_id, users=len({r[0] for r in rows}), sessions=len(sessions), events=len(rows),
                                revenue=round(sum(r[6] for r in rows if r[2] == "purchase"), 2), funnel=funnel(rows), segments=segments,
                                top_queries=[QueryCount(query=q, count=c) for q, c in queries.most_common(inp.top)],
                                zero_result_queries=[QueryCount(query=q, count=c) for q, c in zero.most_common(inp.top)],
                                suggestion_clicks=len(suggestion_clicks), sessions_using_suggestions=len(using) / len(sessions) if sessions else None,
                                clicked_positions=[PositionCount(position=p, clicks=c) for p, c in sorted(positions.items())], mean_clicked_position=mean_pos)
    who = f"shopper '{inp.user_id}'" if inp.user_id else "shoppers"
    if not rows and not served:
        summary = (f"No events from {who} between {since} and {until}. Storefronts send them to POST /v1/events (caeser serve api); "
                   "the chat records them with record_engagement.")
        return ShopperAnalyticsOutput(summary=summary, data=data, source="shopper events and served queries (SQL)")
    steps = "; ".join(f"{s.users:,} {STEP_LABELS[s.step]}" + (f" ({s.rate_from_previous:.0%})" if s.rate_from_previous is not None else "") for s in data.funnel)
    summary = f"{who.capitalize()} from {since} to {until}: {data.users:,} users, {data.sessions:,} sessions, {data.events:,} events, revenue {data.revenue:,.2f}. Funnel: {steps}."
    if data.top_queries:
        summary += " Top queries: " + ", ".join(f"'{q.query}' ({q.count})" for q in data.top_queries[:5]) + "."
    if data.zero_result_queries:
        summary += " Found nothing for: " + ", ".join(f"'{q.query}' ({q.count})" for q in data.zero_result_queries[:5]) + "."
    if data.suggestion_clicks:
        summary += f" Suggestions were clicked {data.suggestion_clicks:,} times, in {data.sessions_using_suggestions:.0%} of sessions" + (f", at position {mean_pos:.1f} on average." if mean_pos else ".")
    for seg in segments[:4]:
        bought = seg.funnel[-1]
        summary += f" {seg.segment}: {seg.users:,} users, {bought.users:,} bought."
    charts = []
    if rows:
        from tools.experiments.shopper_chart import shopper_chart

        path = shopper_chart(data, ctx.charts_dir / f"shoppers-{uuid.uuid4().hex[:8]}.png", f"Shopper funnel {since} – {until}" + (f", {inp.user_id}" if inp.user_id else ""))
        charts.append(Chart(path=str(path), title="Shopper funnel and clicked suggestion positions"))
    return ShopperAnalyticsOutput(summary=summary, data=data, charts=charts, source="shopper events (/v1/events, record_engagement) and served queries (SQL)")

