"""`/hype`: the hype score of a subject, with its chart — the hype_score tool, no model in between."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bots.deps import Deps
from bots.discord.embeds import parse_details
from bots.discord.respond import answer, owner_of, thread_id
from bots.toolcall import call_tool


class Hype(commands.Cog):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @app_commands.command(name="hype", description="Hype score 0–100 for a product, brand or topic, with its timeline")
    @app_commands.describe(subject="Product, brand or topic, e.g. Stanley cups", window_days="How many days of posts to score (default 7)")
    async def hype(self, interaction: discord.Interaction, subject: app_commands.Range[str, 1, 200], window_days: app_commands.Range[int, 1, 365] = 7) -> None:
        conversation = thread_id(interaction, interaction.user.id)
        await answer(interaction, lambda: call_tool(self.deps.settings, conversation, "hype_score", {"subject": subject, "window_days": window_days},
                                                     owner_of(interaction, interaction.user.id)))

    @commands.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """The "Details" button under a hype alert (`bots.discord.embeds.details_button`): the full
        hype answer for the alert's subject and window, in the channel."""
        if interaction.type != discord.InteractionType.component:
            return
        details = parse_details(str((interaction.data or {}).get("custom_id", "")))
        if details is None:
            return
        subject, days = details
        conversation = thread_id(interaction, interaction.user.id)
        await answer(interaction, lambda: call_tool(self.deps.settings, conversation, "hype_score", {"subject": subject, "window_days": days},
                                                     owner_of(interaction, interaction.user.id)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Hype(bot.deps))
