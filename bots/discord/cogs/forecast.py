"""`/forecast`: demand forecast for a SKU or product — the forecast_demand tool."""
from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bots.deps import Deps
from bots.discord.respond import answer, owner_of, refuse, thread_id
from bots.toolcall import call_tool


class Forecast(commands.Cog):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @app_commands.command(name="forecast", description="Demand forecast with intervals and the peak window")
    @app_commands.describe(sku="Stock code, e.g. 85123A", product="Product name when you don't know the SKU", horizon="Periods ahead (default 12)",
                           frequency="D(aily), W(eekly) or M(onthly); default W")
    async def forecast(self, interaction: discord.Interaction, sku: app_commands.Range[str, 1, 40] | None = None, product: app_commands.Range[str, 1, 200] | None = None,
                       horizon: app_commands.Range[int, 1, 730] = 12, frequency: Literal["D", "W", "M"] = "W") -> None:
        if not (sku or product):
            return await refuse(interaction, "Tell me what to forecast: give a `sku` (e.g. 85123A) or a `product` name.")
        args = {"sku": sku, "product": product, "horizon": horizon, "frequency": frequency}
        conversation = thread_id(interaction, interaction.user.id)
        await answer(interaction, lambda: call_tool(self.deps.settings, conversation, "forecast_demand", {k: v for k, v in args.items() if v is not None},
                                                     owner_of(interaction, interaction.user.id)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Forecast(bot.deps))
