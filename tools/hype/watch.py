"""Watch tools: create/update/remove a hype watch, and list watches with the alerts they fired.

A watch is (subject, channel) → threshold and direction; `caeser serve watcher` evaluates them.
With no channel, the first of CAESER_ALERT_WEBHOOKS is used. A webhook must pass `tools.webhooks`
(allow-listed, https, public address) here, so a refused one is never stored, and again at send time.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from engines.hype.posts import normalise_subject
from engines.hype.watch import HYSTERESIS, parse_channel
from memory.posts import known_subjects
from memory.tables import HypeAlert, HypeWatch
from memory.watches import WatchNotFound, alerts_of, get_watches, remove_watch, upsert_watch
from tools.base import ToolContext, ToolError, ToolOutput
from tools.registry import register
from tools.schemas import StrictInput
from tools.webhooks import WebhookRefused, check_destination, configured_webhooks


class WatchHypeInput(StrictInput):
    action: Literal["create", "update", "remove"] = Field(default="create", description="create a watch, update its threshold/direction, or remove it.", examples=["create"])
    subject: str = Field(min_length=1, max_length=200, description="Product, brand or topic to watch.", examples=["Stanley cups"])
    threshold: float | None = Field(default=None, ge=0, le=100, description="Hype score (0–100) that fires the alert; required to create.", examples=[70])
    direction: Literal["above", "below"] = Field(default="above", description="Fire when the score goes above or below the threshold.", examples=["above"])
    channel: str | None = Field(default=None, max_length=300, description="Where to post: 'slack:#channel', 'discord:<channel id>' or 'webhook:<url>'.", examples=["slack:#launches"])
    window_days: int = Field(default=7, ge=1, le=365, description="Window the watched score covers.", examples=[7])
    days_in_row: int = Field(default=1, ge=1, le=30, description="Fire only when the score's range is past the threshold on this many days in a row.", examples=[1])


class ListWatchesInput(StrictInput):
    subject: str | None = Field(default=None, description="Only watches on this subject.", examples=["Stanley cups"])
    include_alerts: bool = Field(default=True, description="Include the alerts each watch fired (newest first).", examples=[True])


class AlertInfo(BaseModel):
    alert_id: int
    crossing: int
    score: float
    status: str
    attempts: int
    text: str
    created_at: datetime
    delivered_at: datetime | None
    last_error: str | None


class WatchInfo(BaseModel):
    watch_id: int
    subject: str
    threshold: float
    direction: str
    channel: str
    window_days: int
    days_in_row: int = 1
    armed: bool
    last_score: float | None
    status: str = Field(default="", description="'waiting for first posts', 'armed', 'fired (re-arms …)' or 'last alert failed: <reason>'.")
    alerts: list[AlertInfo]


class WatchHypeOutput(ToolOutput):
    data: list[WatchInfo]


class ListWatchesOutput(ToolOutput):
    data: list[WatchInfo]


def _status(watch: HypeWatch, alerts: list[HypeAlert], has_posts: bool) -> str:
    """What the watch is doing, in words; a failed last delivery comes first, with its reason."""
    last = next((a for a in alerts if a.watch_id == watch.id), None)
    if last is not None and last.status == "failed":
        return f"last alert failed: {last.last_error}"
    if not has_posts:
        return f"waiting for first posts (`caeser posts import FILE --subject '{watch.display}'`)"
    if watch.armed:
        return "armed"
    back = watch.threshold - HYSTERESIS if watch.direction == "above" else watch.threshold + HYSTERESIS
    return f"fired; re-arms once the score is {'below' if watch.direction == 'above' else 'above'} {back:.0f}"


def _info(watch: HypeWatch, alerts: list[HypeAlert], has_posts: bool = True) -> WatchInfo:
    return WatchInfo(watch_id=watch.id, subject=watch.display, threshold=watch.threshold, direction=watch.direction, channel=watch.channel, window_days=watch.window_days,
                     days_in_row=watch.days_in_row, armed=watch.armed, last_score=watch.last_score, status=_status(watch, alerts, has_posts),
                     alerts=[AlertInfo(alert_id=a.id, crossing=a.crossing, score=a.score, status=a.status, attempts=a.attempts, text=a.text, created_at=a.created_at,
                                       delivered_at=a.delivered_at, last_error=a.last_error) for a in alerts if a.watch_id == watch.id])


def _channel(ctx: ToolContext, channel: str | None, *, check: bool = True) -> str | None:
    """The stored form of `channel`; `check` refuses webhooks the rules forbid (not needed to remove a watch)."""
    try:
        channel = channel or ctx.origin_channel  # asked in a Slack/Discord channel: the alert goes back there
        if channel is None:
            hooks = configured_webhooks(ctx.settings)
            if not hooks:
                return None
            channel = f"webhook:{next(iter(hooks))}"
        parsed = parse_channel(channel)
        if parsed.kind == "webhook" and check:
            check_destination(parsed.target, ctx.settings)
    except WebhookRefused as exc:
        raise ToolError("invalid_argument", f"I can't post alerts there: {exc}.", field="channel") from None
    except ValueError as exc:
        raise ToolError("invalid_argument", str(exc).capitalize() + ".", field="channel") from None
    return f"{parsed.kind}:{parsed.target}"


@register("watch_hype", engine="hype", input_model=WatchHypeInput, output_model=WatchHypeOutput, description="""
Create, update or remove a hype watch: when the subject's hype score crosses the threshold, caeser
posts an alert to the named Slack/Discord channel or webhook. Use for "alert me in #launches if X goes above 70".
""")
def watch_hype(inp: WatchHypeInput, ctx: ToolContext) -> WatchHypeOutput:
    channel = _channel(ctx, inp.channel, check=inp.action != "remove")
    if inp.action == "remove":
        gone = remove_watch(ctx.settings, ctx.owner, normalise_subject(inp.subject), channel if inp.channel else None)
        if not gone:
            raise ToolError("not_found", f"There is no watch on “{inp.subject}”{' posting to ' + channel if inp.channel else ''} to remove.", field="subject",
                            options=sorted({w.display for w in get_watches(ctx.settings, ctx.owner)}))
        return WatchHypeOutput(summary=f"Removed {len(gone)} watch(es) on {gone[0].display}; their past alerts are kept.", data=[_info(w, []) for w in gone], source="hype watches")
    if channel is None:
        raise ToolError("invalid_argument", "Where should I post the alert? Reply with a Slack channel (#launches), a Discord channel id or a configured webhook name (webhook:team); or set CAESER_ALERT_WEBHOOKS.", field="channel")
    if inp.action == "create" and inp.threshold is None:
        raise ToolError("invalid_argument", "A new watch needs a `threshold` between 0 and 100.", field="threshold")
    try:
        from tools.hype.score import resolve_subject  # the hype tool (charts, sentiment model) loads only when a watch is set

        key, display = resolve_subject(ctx, inp.subject)
        waiting = False
    except ToolError as exc:
        if exc.code != "not_found":
            raise
        key, display, waiting = normalise_subject(inp.subject), inp.subject.strip(), True  # a launch not yet talked about: wait for its posts
    try:
        watch = upsert_watch(ctx.settings, owner=ctx.owner, subject=key, display=display, channel=channel, threshold=inp.threshold, direction=inp.direction, window_days=inp.window_days,
                             create=inp.action == "create", days_in_row=inp.days_in_row)
    except WatchNotFound as exc:
        raise ToolError("not_found", f"Cannot update: {exc}. Create it first.", field="subject") from None
    days = f" on {watch.days_in_row} days in a row" if watch.days_in_row > 1 else ""
    summary = (f"Watching {display}: I'll post to {channel} when its {watch.window_days}-day hype score's 90% range is wholly {watch.direction} {watch.threshold:.0f}{days}, "
               f"once per crossing (the score must move {HYSTERESIS:.0f} points back before it can fire again).")
    if waiting:
        summary += (f" There are no posts about {display} yet: the watch waits for its first ones (import them with "
                    f"`caeser posts import FILE --subject '{display}'`), then scores them against comparable subjects.")
    return WatchHypeOutput(summary=summary, data=[_info(watch, [], has_posts=not waiting)], source="hype watches")


@register("list_watches", engine="hype", input_model=ListWatchesInput, output_model=ListWatchesOutput, store=False, description="""
The hype watches that exist and the alerts they fired. Use for "what am I watching?".
""")
def list_watches(inp: ListWatchesInput, ctx: ToolContext) -> ListWatchesOutput:
    watches = get_watches(ctx.settings, ctx.owner, normalise_subject(inp.subject) if inp.subject else None)
    alerts = alerts_of(ctx.settings, [w.id for w in watches]) if inp.include_alerts and watches else []
    subjects = known_subjects(ctx.settings) if watches else {}
    infos = [_info(w, alerts, has_posts=w.subject in subjects) for w in watches]
    if not infos:
        return ListWatchesOutput(summary="No hype watches" + (f" on {inp.subject}" if inp.subject else "") + " yet.", data=[], source="hype watches")
    lines = [f"{w.subject} {w.direction} {w.threshold:.0f}{f' for {w.days_in_row} days' if w.days_in_row > 1 else ''} → {w.channel}: {w.status} ({len(w.alerts)} alerts"
             + (f", last: {w.alerts[0].status}" if w.alerts else "") + ")" for w in infos]
    return ListWatchesOutput(summary=f"{len(infos)} watch(es): " + "; ".join(lines) + ".", data=infos, source="hype watches")
