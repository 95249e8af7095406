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
from memory.tables import HypeAlert, HypeWatch
from memory.watches import WatchNotFound, alerts_of, get_watches, remove_watch, upsert_watch
from tools.base import ToolContext, ToolError, ToolOutput
from tools.hype import resolve_subject
from tools.registry import register
from tools.webhooks import WebhookRefused, check_destination, configured_webhooks


class WatchHypeInput(BaseModel):
    action: Literal["create", "update", "remove"] = "create"
    subject: str = Field(min_length=1, max_length=200)
    threshold: float | None = Field(default=None, ge=0, le=100, description="Hype score (0–100) that fires the alert; required to create.")
    direction: Literal["above", "below"] = "above"
    channel: str | None = Field(default=None, max_length=300, description="Where to post: 'slack:#channel', 'discord:<channel id>' or 'webhook:<url>'.")
    window_days: int = Field(default=7, ge=1, le=365, description="Window the watched score covers.")


class ListWatchesInput(BaseModel):
    subject: str | None = Field(default=None, description="Only watches on this subject.")
    include_alerts: bool = True


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
    armed: bool
    last_score: float | None
    alerts: list[AlertInfo]


class WatchHypeOutput(ToolOutput):
    data: list[WatchInfo]


class ListWatchesOutput(ToolOutput):
    data: list[WatchInfo]


def _info(watch: HypeWatch, alerts: list[HypeAlert]) -> WatchInfo:
    return WatchInfo(watch_id=watch.id, subject=watch.display, threshold=watch.threshold, direction=watch.direction, channel=watch.channel, window_days=watch.window_days,
                     armed=watch.armed, last_score=watch.last_score,
                     alerts=[AlertInfo(alert_id=a.id, crossing=a.crossing, score=a.score, status=a.status, attempts=a.attempts, text=a.text, created_at=a.created_at,
                                       delivered_at=a.delivered_at, last_error=a.last_error) for a in alerts if a.watch_id == watch.id])


def _channel(ctx: ToolContext, channel: str | None, *, check: bool = True) -> str | None:
    """The stored form of `channel`; `check` refuses webhooks the rules forbid (not needed to remove a watch)."""
    try:
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
        gone = remove_watch(ctx.settings, normalise_subject(inp.subject), channel if inp.channel else None)
        if not gone:
            raise ToolError("not_found", f"There is no watch on “{inp.subject}”{' posting to ' + channel if inp.channel else ''} to remove.", field="subject",
                            options=sorted({w.display for w in get_watches(ctx.settings)}))
        return WatchHypeOutput(summary=f"Removed {len(gone)} watch(es) on {gone[0].display}; their past alerts are kept.", data=[_info(w, []) for w in gone], source="hype watches")
    if channel is None:
        raise ToolError("invalid_argument", "Say where to post the alert: `channel` as 'slack:#channel', 'discord:<channel id>' or 'webhook:https://…' (or set CAESER_ALERT_WEBHOOKS).", field="channel")
    if inp.action == "create" and inp.threshold is None:
        raise ToolError("invalid_argument", "A new watch needs a `threshold` between 0 and 100.", field="threshold")
    key, display = resolve_subject(ctx, inp.subject)
    try:
        watch = upsert_watch(ctx.settings, subject=key, display=display, channel=channel, threshold=inp.threshold, direction=inp.direction, window_days=inp.window_days,
                             create=inp.action == "create")
    except WatchNotFound as exc:
        raise ToolError("not_found", f"Cannot update: {exc}. Create it first.", field="subject") from None
    summary = (f"Watching {display}: I'll post to {channel} when its {watch.window_days}-day hype score goes {watch.direction} {watch.threshold:.0f}, "
               f"once per crossing (it must move {HYSTERESIS:.0f} points back before it can fire again).")
    return WatchHypeOutput(summary=summary, data=[_info(watch, [])], source="hype watches")


@register("list_watches", engine="hype", input_model=ListWatchesInput, output_model=ListWatchesOutput, store=False, description="""
The hype watches that exist and the alerts they fired. Use for "what am I watching?".
""")
def list_watches(inp: ListWatchesInput, ctx: ToolContext) -> ListWatchesOutput:
    watches = get_watches(ctx.settings, normalise_subject(inp.subject) if inp.subject else None)
    alerts = alerts_of(ctx.settings, [w.id for w in watches]) if inp.include_alerts and watches else []
    infos = [_info(w, alerts) for w in watches]
    if not infos:
        return ListWatchesOutput(summary="No hype watches" + (f" on {inp.subject}" if inp.subject else "") + " yet.", data=[], source="hype watches")
    lines = [f"{w.subject} {w.direction} {w.threshold:.0f} → {w.channel} ({len(w.alerts)} alerts"
             + (f", last: {w.alerts[0].status}" + (f" — {w.alerts[0].last_error}" if w.alerts[0].last_error else "") if w.alerts else "") + ")" for w in infos]
    return ListWatchesOutput(summary=f"{len(infos)} watch(es): " + "; ".join(lines) + ".", data=infos, source="hype watches")
