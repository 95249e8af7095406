"""`/watch`: post a hype alert in a channel when a subject crosses a threshold.

Who may create watches, and which channels may receive alerts, is per guild (`bots.permissions`);
both are checked before anything runs, and a refusal is ephemeral.
"""
from __future__ import annotations

from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bots.deps import Deps
from bots.discord.respond import answer, owner_of, refuse, thread_id
from bots.toolcall import call_tool


def member_roles(user: discord.abc.User) -> list[str]:
    """Role ids and names, so the allow-list may name either."""
    return [str(value) for role in getattr(user, "roles", []) for value in (role.id, role.name)]


def denied_tools(permissions, guild_id: int | None, user: discord.abc.User) -> frozenset[str]:
    """Tools free-text requests may not run for this member (watches, exports), by guild policy."""
    return permissions.denied_tools(f"discord:{guild_id}", str(user.id), member_roles(user), is_admin(user))


def is_admin(user: discord.abc.User) -> bool:
    permissions = getattr(user, "guild_permissions", None)
    return bool(permissions and permissions.manage_guild)


class Watch(commands.Cog):
    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    @app_commands.command(name="watch", description="Alert a channel when a subject's hype crosses a threshold")
    @app_commands.describe(subject="Product, brand or topic", threshold="Hype score 0–100", direction="Fire when the score goes above or below",
                           channel="Where to post the alert (default: this channel)")
    @app_commands.guild_only()
    async def watch(self, interaction: discord.Interaction, subject: app_commands.Range[str, 1, 200], threshold: app_commands.Range[float, 0, 100],
                    direction: Literal["above", "below"] = "above", channel: discord.TextChannel | None = None) -> None:
        workspace = f"discord:{interaction.guild_id}"
        permissions = self.deps.permissions
        if not permissions.may(workspace, "watch", str(interaction.user.id), member_roles(interaction.user), is_admin(interaction.user)):
            return await refuse(interaction, permissions.refusal("watch"))
        target = str(channel.id if channel else interaction.channel_id)
        if not permissions.channel_allowed(workspace, target):
            return await refuse(interaction, permissions.channel_refusal(f"<#{target}>"))
        args = {"action": "create", "subject": subject, "threshold": threshold, "direction": direction, "channel": f"discord:{target}"}
        conversation = thread_id(interaction, interaction.user.id)
        await answer(interaction, lambda: call_tool(self.deps.settings, conversation, "watch_hype", args, owner_of(interaction, interaction.user.id)))


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Watch(bot.deps))
