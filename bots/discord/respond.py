"""How every command answers: defer at once, work off the event loop, then one follow-up.

The defer is public (answers are for the channel); a failure then deletes the "thinking…"
placeholder and sends the reason as an ephemeral follow-up, so only the asker sees it. Refusals
known before any work (bad input, no permission) skip the defer and answer ephemerally at once.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import discord

from agent.service import AgentReply
from bots.discord.embeds import answer_embed, attachments
from bots.render import Rendered, render, truncate
from memory.owner import Owner

log = logging.getLogger(__name__)


def thread_id(interaction_or_message: discord.Interaction | discord.Message, user_id: int) -> str:
    """Discord conversations are per channel and user: two people in one channel don't share memory."""
    guild = interaction_or_message.guild.id if interaction_or_message.guild else "dm"
    return f"discord:{guild}:{interaction_or_message.channel.id}:{user_id}"


def owner_of(interaction_or_message: discord.Interaction | discord.Message, user_id: int) -> Owner:
    """The tenant: the guild, or in direct messages the user alone."""
    guild = interaction_or_message.guild
    return Owner.discord(guild.id if guild else f"dm-{user_id}")


async def refuse(interaction: discord.Interaction, text: str) -> None:
    await interaction.response.send_message(truncate(text, 2000), ephemeral=True)


async def produce_rendered(produce: Callable[[], AgentReply]) -> Rendered:
    """Run the blocking agent/tool call in a worker thread: the gateway heartbeat keeps beating."""
    try:
        return render(await asyncio.to_thread(produce))
    except Exception as exc:  # a bug below us: a sentence for the user, the trace for the log
        log.exception("request failed")
        message = f"Something went wrong on my side ({type(exc).__name__}); it was logged. Please try again."
        return Rendered(headline=message, error=message)


async def answer(interaction: discord.Interaction, produce: Callable[[], AgentReply]) -> None:
    await interaction.response.defer(thinking=True)
    rendered = await produce_rendered(produce)
    if rendered.error:
        await send_error(interaction, rendered.error)
        return
    await interaction.followup.send(embed=answer_embed(rendered), files=attachments(rendered))


async def send_error(interaction: discord.Interaction, message: str) -> None:
    text = truncate("⚠️ " + message.removeprefix("⚠️").strip(), 2000)
    try:
        await interaction.delete_original_response()
    except discord.HTTPException:
        log.info("could not remove the thinking placeholder; the error follows it")
    await interaction.followup.send(text, ephemeral=True)
