"""`/suggest`: autosuggest completions for a typed prefix, personalised to the Discord user."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bots.deps import Deps
from bots.discord.respond import answer, owner_of, thread_id
from bots.toolcall import call_tool


class Suggest(commands.Cog):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @app_commands.command(name="suggest", description="Search completions for what you have typed so far")
    @app_commands.describe(prefix="What you have typed so far, e.g. 'wooden ch'", k="How many suggestions (default 10)")
    async def suggest(self, interaction: discord.Interaction, prefix: app_commands.Range[str, 1, 200], k: app_commands.Range[int, 1, 50] = 10) -> None:
        conversation = thread_id(interaction, interaction.user.id)
        args = {"prefix": prefix, "k": k, "user_id": f"discord:{interaction.user.id}"}
        await answer(interaction, lambda: call_tool(self.deps.settings, conversation, "suggest_queries", args, owner_of(interaction, interaction.user.id)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Suggest(bot.deps))
