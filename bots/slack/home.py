"""The App Home tab as Block Kit: the workspace's watches (score, sparkline, threshold, a "Stop
watching" button), recent alerts, report schedules and recent results (Re-run, Export PDF).

Slack refuses a whole view for one block over its limits (views.publish → invalid_arguments), so
every limit is enforced here rather than hoped for: at most 100 blocks (the last few kept for a
"more on the dashboard" line), section text ≤ 3,000 characters, button text ≤ 75, button value
≤ 2,000, action_id ≤ 255, header text ≤ 150, context elements ≤ 10.
"""
from __future__ import annotations

from datetime import datetime

from bots.render import truncate
from bots.slack.blocks import Block, context, escape, section
from memory.dashboard import AlertCard, Overview, ResultCard, ScheduleCard, WatchCard
from tools.formatting import result_title, tool_title

MAX_BLOCKS = 100
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
ACTION_ID_LIMIT = 255
URL_LIMIT = 3000
HOME_RERUN = "caeser_home_rerun"
HOME_EXPORT = "caeser_home_export"
HOME_UNWATCH = "caeser_home_unwatch"
HOME_OPEN = "caeser_home_open"  # a link to the result's dashboard page: Slack opens it, the click is only acked
SPARK = "▁▂▃▄▅▆▇█"
ARROWS = {"up": "↗", "down": "↘", "flat": "→"}
SHOWN_WATCHES = 20
SHOWN_RESULTS = 10
SUMMARY_CHARS = 280


def sparkline(scores: list[float]) -> str:
    """Scores (0–100) as eighth-blocks on the 0–100 scale, so two watches' lines compare by eye."""
    return "".join(SPARK[min(7, max(0, int(score / 100 * 8)))] for score in scores)


def header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, HEADER_LIMIT)}}


def button(text: str, action_id: str, value: str, *, style: str | None = None, confirm: str | None = None, url: str | None = None) -> Block:
    out: Block = {"type": "button", "text": {"type": "plain_text", "text": truncate(text, BUTTON_TEXT_LIMIT)}, "action_id": action_id[:ACTION_ID_LIMIT],
                  "value": value[:BUTTON_VALUE_LIMIT]}
    if url:
        out["url"] = url[:URL_LIMIT]
    if style:
        out["style"] = style
    if confirm:
        out["confirm"] = {"title": {"type": "plain_text", "text": "Are you sure?"}, "text": {"type": "plain_text", "text": truncate(confirm, 300)},
                          "confirm": {"type": "plain_text", "text": "Yes"}, "deny": {"type": "plain_text", "text": "Cancel"}}
    return out


def when(moment: datetime) -> str:
    """Slack renders <!date^…> in each reader's own time zone."""
    return f"<!date^{int(moment.timestamp())}^{{date_short_pretty}} {{time}}|{moment:%Y-%m-%d %H:%M} UTC>"


def watch_block(w: WatchCard) -> Block:
    score = f"*{w.score:.0f}*" if w.score is not None else "_not scored yet_"
    trend = f"  `{sparkline(w.trend)}` {ARROWS[w.trend_direction]}" if w.trend_direction else ""
    state = "armed" if w.armed else "fired, waiting to re-arm"
    fired = {0: "no alerts yet", 1: "1 alert"}.get(w.alerts, f"{w.alerts} alerts")
    text = f"*{escape(w.subject)}*  {score}{trend}\nalert {w.direction} {w.threshold:.0f} → {escape(w.channel)} · {state} · {fired}"
    block = section(text)
    block["accessory"] = button("Stop watching", f"{HOME_UNWATCH}_{w.watch_id}", str(w.watch_id), style="danger",
                                confirm=f"Stop watching {w.subject}? Its past alerts are kept.")
    return block


def alert_line(a: AlertCard) -> str:
    return f"• *{escape(a.subject)}* scored {a.score:.0f} ({a.status}) → {escape(a.channel)} · {when(a.created_at)}"


def schedule_line(s: ScheduleCard) -> str:
    due = "paused" if s.paused else (f"next {when(s.next_due_at)}" if s.next_due_at else "not due")
    return f"• *{escape(s.name)}*: {escape(tool_title(s.tool))} {escape(s.when)} ({escape(s.timezone)}) → {escape(', '.join(s.destinations))} · {due}"


def result_blocks(r: ResultCard, dashboard_url: str | None = None) -> list[Block]:
    charts = {0: "", 1: " · 1 chart"}.get(len(r.charts), f" · {len(r.charts)} charts")
    text = f"*{escape(result_title(r.tool, r.subject))}* · {when(r.created_at)}{charts}\n{escape(truncate(r.summary, SUMMARY_CHARS))}"
    buttons = [button("Re-run", f"{HOME_RERUN}_{r.result_id}", r.result_id), button("Export PDF", f"{HOME_EXPORT}_{r.result_id}", r.result_id)]
    if dashboard_url:
        buttons.append(button("Open", f"{HOME_OPEN}_{r.result_id}", r.result_id, url=f"{dashboard_url.rstrip('/')}/results/{r.result_id}"))
    return [section(text), {"type": "actions", "block_id": f"home_result_{r.result_id}"[:255], "elements": buttons}]


def lines_section(lines: list[str], empty: str) -> Block:
    """Lines in one section, cut at whole lines so a long list never breaks a link or a date."""
    if not lines:
        return context(empty)
    kept: list[str] = []
    for line in lines:
        if sum(len(k) + 1 for k in kept) + len(line) > 2900:
            kept.append(f"…and {len(lines) - len(kept)} more")
            break
        kept.append(line)
    return section("\n".join(kept))


def home_view(view: Overview, dashboard_url: str | None = None) -> dict:
    """The Home tab's view for views.publish; never more than Slack's 100 blocks."""
    blocks: list[Block] = [header("caeser: hype, alerts and readouts"),
                           context("Ask me anything in a DM or with `/caeser`." + (f" Full history: <{dashboard_url}|the dashboard>." if dashboard_url else ""))]
    blocks += [{"type": "divider"}, header(f"Watches ({len(view.watches)})")]
    blocks += [watch_block(w) for w in view.watches[:SHOWN_WATCHES]] or [context("No watches yet. Try “alert me in #launches if Stanley cups goes above 70”.")]
    if len(view.watches) > SHOWN_WATCHES:
        blocks.append(context(f"…and {len(view.watches) - SHOWN_WATCHES} more: ask “what am I watching?”"))
    blocks += [{"type": "divider"}, header("Recent alerts"), lines_section([alert_line(a) for a in view.alerts], "No alerts have fired yet.")]
    blocks += [{"type": "divider"}, header("Schedules"), lines_section([schedule_line(s) for s in view.schedules], "No scheduled reports.")]
    blocks += [{"type": "divider"}, header("Recent results")]
    for r in view.results[:SHOWN_RESULTS]:
        blocks += result_blocks(r, dashboard_url)
    if not view.results:
        blocks.append(context("No results yet: ask for a hype score, a forecast or a launch readout."))
    if len(blocks) > MAX_BLOCKS:
        blocks = blocks[: MAX_BLOCKS - 1] + [context("…more on the dashboard")]
    return {"type": "home", "blocks": blocks}
