"""Embeds for caeser's Discord messages: answers (key figures as fields) and hype alerts.

Discord's limits (description 4,096, 25 fields, field value 1,024, title 256, 10 attachments)
are applied here so an answer is cut rather than refused with a 400.
"""
from __future__ import annotations

import discord

from bots.render import Rendered, truncate

COLOUR = discord.Colour.from_rgb(88, 101, 242)
ALERT_COLOUR = discord.Colour.orange()
MAX_ATTACHMENTS = 10


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


def alert_embed(subject: str, score: float, why: str, chart_filename: str | None = None) -> discord.Embed:
    """A hype alert as the bot posts it; `.to_dict()` is the REST `embeds` entry. With
    `chart_filename` the image refers to the PNG attached under that name."""
    embed = discord.Embed(title=truncate(f"📈 Hype alert: {subject} at {score:.0f}/100", 256), colour=ALERT_COLOUR)
    embed.add_field(name="Why it fired", value=truncate(why, 1024), inline=False)
    embed.add_field(name="Score", value=f"{score:.0f}/100", inline=True)
    if chart_filename:
        embed.set_image(url=f"attachment://{chart_filename}")
    embed.set_footer(text="caeser hype watch · change it with /watch")
    return embed
