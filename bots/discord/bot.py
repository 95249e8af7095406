"""Run the Discord bot: `/ask`, `/hype`, `/forecast`, `/suggest`, `/watch` and @-mentions.

Commands are synced once per start in `setup_hook` (never in `on_ready`, which fires on every
reconnect); set CAESER_DISCORD_GUILD to a guild id to sync there instantly while developing.
No privileged intents: slash commands and mentions work with `Intents.default()`.
While connected to the gateway the bot touches CAESER_HOME/discord.alive every 30 s: the
container health check reads its age, since a bot has no port to probe.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bots.deps import Deps
from bots.permissions import Permissions, PermissionsError
from bots.render import truncate
from memory.settings import get_settings

log = logging.getLogger(__name__)

EXTENSIONS = tuple(f"bots.discord.cogs.{name}" for name in ("ask", "hype", "forecast", "suggest", "watch", "mentions"))
GUILD_ENV = "CAESER_DISCORD_GUILD"
ALIVE_FILE = "discord.alive"


class CaeserBot(commands.Bot):
    def __init__(self, deps: Deps, *, sync_guild: int | None = None) -> None:
        super().__init__(command_prefix=commands.when_mentioned, intents=discord.Intents.default(), help_command=None)
        self.deps = deps
        self.sync_guild = sync_guild
        self.tree.on_error = self.on_app_command_error
        self.alive_file = deps.settings.home / ALIVE_FILE

    async def load_features(self) -> None:
        for name in EXTENSIONS:
            await self.load_extension(name)

    async def setup_hook(self) -> None:
        await self.load_features()
        self.heartbeat.start()
        if self.sync_guild is not None:
            guild = discord.Object(id=self.sync_guild)
            self.tree.copy_global_to(guild=guild)
            synced = await self.tree.sync(guild=guild)
        else:
            synced = await self.tree.sync()
        log.info("synced %d app commands%s", len(synced), f" to guild {self.sync_guild}" if self.sync_guild else "")

    @tasks.loop(seconds=30)
    async def heartbeat(self) -> None:
        if self.is_ready() and not self.is_closed():
            self.alive_file.parent.mkdir(parents=True, exist_ok=True)
            self.alive_file.touch()

    async def on_message(self, message: discord.Message) -> None:
        """No prefix commands: mentions are questions for the agent (cogs.mentions), not commands."""

    async def on_app_command_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        """Whatever escaped a command becomes a readable, ephemeral sentence; the trace goes to the log."""
        if isinstance(error, app_commands.NoPrivateMessage):
            text = "That command works in a server channel, not in DMs."
        elif isinstance(error, app_commands.TransformerError):
            text = f"I couldn't read {error.value!r} as {error.type.name.lower().replace('_', ' ')}."
        elif isinstance(error, app_commands.CheckFailure):
            text = "You can't use that command here."
        else:
            log.error("command %s failed", interaction.command.name if interaction.command else "?", exc_info=error)
            text = f"Something went wrong on my side ({type(getattr(error, 'original', error)).__name__}); it was logged. Please try again."
        text = truncate("⚠️ " + text, 2000)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--guild", type=int, default=None, help=f"sync commands to this guild only (instant; default ${GUILD_ENV} or global)")


def run(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = get_settings()
    if settings.discord_bot_token is None:
        print("caeser serve discord: set DISCORD_BOT_TOKEN (see docs/bots.md for creating the Discord application).", file=sys.stderr)
        return 2
    try:
        permissions = Permissions.from_env()
    except PermissionsError as exc:
        print(f"caeser serve discord: {exc}", file=sys.stderr)
        return 2
    guild = args.guild or (int(os.environ[GUILD_ENV]) if os.environ.get(GUILD_ENV, "").isdigit() else None)
    from agent.service import Agent  # the heavy import, only once we know we will run
    from memory.build.runner import start_missing

    start_missing(settings, announce=log.info)

    with Agent(settings) as agent:
        bot = CaeserBot(Deps(settings=settings, agent=agent, permissions=permissions), sync_guild=guild)
        bot.run(settings.discord_bot_token.get_secret_value(), log_handler=None)
    return 0
