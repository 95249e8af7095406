"""Block Kit for caeser's Slack messages: working, answer, error, and hype alerts.

Slack limits (section text 3,000 chars, 10 fields of 2,000, 25 action elements, button value
2,000) are enforced here so a long answer is cut, never rejected by `chat.update` with invalid_blocks.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bots.render import Rendered, truncate

if TYPE_CHECKING:
    from bots.alert_card import AlertCard

EXPORT_FORMATS = ("csv", "pdf", "json")
EXPORT_ACTION = "caeser_export"
FOLLOWUP_ACTION = "caeser_followup"
SECTION_LIMIT = 3000
MAX_SECTIONS = 4

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack mrkdwn reserves &, < and >; user-visible text must not be read as links or mentions."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}}


def context(text: str) -> Block:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT)}]}


def working_blocks(request: str, progress: str | None = None) -> list[Block]:
    line = f":hourglass_flowing_sand: Working on “{escape(truncate(request, 200))}”…"
    return [section(line), *([context(escape(progress))] if progress else [])]


def headline_sections(text: str) -> list[Block]:
    chunks = [text[i : i + SECTION_LIMIT] for i in range(0, len(text), SECTION_LIMIT)][:MAX_SECTIONS]
    return [section(chunk) for chunk in chunks]


def answer_blocks(rendered: Rendered) -> list[Block]:
    """Summary, key figures as fields, source line, then export and follow-up buttons."""
    if rendered.error:
        return error_blocks(rendered.error)
    blocks = headline_sections(escape(rendered.headline))
    if rendered.figures:
        fields = [{"type": "mrkdwn", "text": f"*{escape(f.label)}*\n{escape(truncate(f.value, 200))}"} for f in rendered.figures[:10]]
        blocks.append({"type": "section", "fields": fields})
    meta = [f"source: {escape(rendered.source)}"] if rendered.source else []
    if rendered.result_id:
        meta.append(f"result `{rendered.result_id}`")
    if meta:
        blocks.append(context(" · ".join(meta)))
    buttons: list[Block] = []
    if rendered.result_id:
        buttons += [{"type": "button", "action_id": f"{EXPORT_ACTION}_{fmt}", "text": {"type": "plain_text", "text": f"Export {fmt.upper()}"},
                     "value": f"{rendered.result_id}:{fmt}"} for fmt in EXPORT_FORMATS]
    buttons += [{"type": "button", "action_id": f"{FOLLOWUP_ACTION}_{i}", "text": {"type": "plain_text", "text": truncate(f.label, 75)},
                 "value": truncate(f.request, 2000)} for i, f in enumerate(rendered.followups)]
    if buttons:
        blocks.append({"type": "actions", "elements": buttons[:25]})
    return blocks


def error_blocks(message: str) -> list[Block]:
    return [section(f":warning: {escape(message.removeprefix('⚠️').strip())}")]


def alert_blocks(card: AlertCard) -> list[Block]:
    """A hype alert as the bot posts it: headline with score and range, why it fired (change since
    the last check, threshold, window, drivers), post count and window dates, two sample posts, the
    posts-per-day sparkline, and a "Details" button that asks for the full hype answer in the
    alert's thread (the follow-up action, `bots.slack.listeners.actions`)."""
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": truncate(card.title, 150)}},
        section(f"*Why it fired:* {escape(card.text)}"),
    ]
    fields = ([f"*Posts*\n{card.posts:,}"] if card.posts is not None else []) + ([f"*Window*\n{escape(card.window)}"] if card.window else [])
    if fields:
        blocks.append({"type": "section", "fields": [{"type": "mrkdwn", "text": truncate(f, 2000)} for f in fields]})
    if card.samples:
        blocks.append(section("*Sample posts*\n" + "\n".join(f"> {escape(p.text)} — _{escape(p.author or 'anonymous')}_ ({p.label})" for p in card.samples)))
    if card.chart:
        blocks.append(context(escape(card.chart)))
    blocks.append({"type": "actions", "elements": [{"type": "button", "action_id": f"{FOLLOWUP_ACTION}_details", "text": {"type": "plain_text", "text": "Details"},
                                                     "value": truncate(card.details, 2000)}]})
    blocks.append(context("caeser hype watch · manage it with `/caeser watch` or “what am I watching?”"))
    return blocks
