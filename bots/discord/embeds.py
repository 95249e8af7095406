"""Embeds for caeser's Discord messages: answers (key figures as fields) and hype alerts.

Discord's limits (description 4,096, 25 fields, field value 1,024, title 256, 10 attachments)
are applied here so an answer is cut rather than refused with a 400.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bots.render import Rendered, truncate

if TYPE_CHECKING:
    from bots.alert_card import AlertCard

COLOUR = discord.Colour.from_rgb(88, 101, 242)
ALERT_COLOUR = discord.Colour.orange()
MAX_ATTACHMENTS = 10
DETAILS_PREFIX = "caeser_details:"


def answer_embed(rendered: Rendered) -> discord.Embed:
    embed = discord.Embed(description=truncate(rendered.headline, 4096), colour=COLOUR)
    for figure in rendered.figures[:25]:
        embed.add_field(name=truncate(figure.label, 256), value=truncate(figure.value, 1024), inline=True)
    if rendered.charts:
        embed.set_image(url=f"attachment://{rendered.charts[0].name}")  # the first chart shows inside the embed
    footer = " · ".join(part for part in (f"source: {rendered.source}" if rendered.source else "", f"result {rendered.result_id}" if rendered.result_id else "") if part)
    if footer:
        embed.set_footer(text=truncate(footer, 2048))
    return embed


def attachments(rendered: Rendered) -> list[discord.File]:
    return [discord.File(path, filename=path.name) for path in [*rendered.charts, *rendered.files][:MAX_ATTACHMENTS]]


def alert_embed(card: AlertCard, alert_key: str) -> discord.Embed:
    """A hype alert as the bot posts it; `.to_dict()` is the REST `embeds` entry. The footer carries
    the alert's key: before a re-send the sender looks for it among the channel's recent messages."""
    embed = discord.Embed(title=truncate(card.title, 256), colour=ALERT_COLOUR)
    embed.add_field(name="Why it fired", value=truncate(card.text, 1024), inline=False)
    rng = f" (range {card.low:.0f}–{card.high:.0f})" if card.low is not None and card.high is not None else ""
    embed.add_field(name="Score", value=f"{card.score:.0f}/100{rng}", inline=True)
    if card.posts is not None:
        embed.add_field(name="Posts", value=f"{card.posts:,}", inline=True)
    if card.window:
        embed.add_field(name="Window", value=truncate(card.window, 1024), inline=False)
    if card.samples:
        embed.add_field(name="Sample posts", value=truncate("\n".join(f"> {p.text} — {p.author or 'anonymous'}" for p in card.samples), 1024), inline=False)
    if card.chart:
        embed.add_field(name="Posts per day", value=truncate(card.chart, 1024), inline=False)
    embed.set_footer(text=f"caeser hype watch · change it with /watch · {footer_key(alert_key)}")
    return embed


def footer_key(alert_key: str) -> str:
    """How an alert's key appears in its embed footer (and is searched for before a re-send)."""
    return f"alert {alert_key}"


def details_button(card: AlertCard) -> dict:
    """The REST `components` row with the "Details" button; its custom id carries the window and
    the subject (`bots.discord.cogs.hype` answers with the full hype_score answer)."""
    return {"type": 1, "components": [{"type": 2, "style": 2, "label": "Details", "custom_id": f"{DETAILS_PREFIX}{card.window_days}:{card.subject}"[:100]}]}


def parse_details(custom_id: str) -> tuple[str, int] | None:
    """(subject, window days) from a "Details" button's custom id; None for other components."""
    days, _, subject = custom_id.removeprefix(DETAILS_PREFIX).partition(":")
    return (subject, int(days)) if custom_id.startswith(DETAILS_PREFIX) and days.isdigit() and subject else None
