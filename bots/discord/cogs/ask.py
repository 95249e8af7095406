"""`/ask`: anything, in plain words, to the agent (this channel + user is the conversation)."""
from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from agent.service import check_message
from bots.deps import Deps
from bots.discord.cogs.watch import denied_tools
from bots.discord.respond import answer, owner_of, refuse, thread_id


class Ask(commands.Cog):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @app_commands.command(name="ask", description="Ask caeser anything: hype, forecasts, audiences, launches…")
    @app_commands.describe(request="e.g. what's the hype on Stanley cups this week?")
    async def ask(self, interaction: discord.Interaction, request: str) -> None:
        refusal = check_message(request)
        if refusal:
            return await refuse(interaction, refusal)
        conversation = thread_id(interaction, interaction.user.id)
        deny = denied_tools(self.deps.permissions, interaction.guild_id, interaction.user)
        await answer(interaction, lambda: self.deps.agent.ask(conversation, request, None, deny, owner_of(interaction, interaction.user.id),
                                                                   origin_channel=f"discord:{interaction.channel_id}"))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Ask(bot.deps))
