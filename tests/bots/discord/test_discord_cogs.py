"""The Discord cogs: command callbacks run against recording interaction objects (dpytest does not
drive app commands), mentions against a recording message. No network, no login."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest
from discord import app_commands

from agent.service import AgentReply, ToolCallRecord
from bots.deps import Deps
from bots.discord.bot import CaeserBot
from bots.discord.cogs.mentions import Mentions
from bots.permissions import Permissions, Policy
from memory.owner import Owner
from memory.settings import Settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 32


@pytest.fixture
def settings(settings: Settings, tmp_path: Path) -> Settings:
    """An empty data directory: every tool answers fast (a readable "no data" error where it needs data)."""
    empty = tmp_path / "no-data"
    empty.mkdir()
    return settings.model_copy(update={"data_dir": empty})


@pytest.fixture
def chart(tmp_path: Path) -> Path:
    path = tmp_path / "hype_stanley.png"
    path.write_bytes(PNG)
    return path


def hype_reply(chart: Path) -> AgentReply:
    payload = {"summary": "Stanley hype is 72/100.", "data": {"subject": "Stanley", "score": 72.4, "posts": 120}, "charts": [{"path": str(chart), "title": "hype"}],
               "result_id": "r-hype-1", "source": "posts; hype engine"}
    return AgentReply(text="Stanley hype is 72/100.", tool_calls=[ToolCallRecord(tool="hype_score", args={"subject": "Stanley"}, ok=True, result_id="r-hype-1")],
                      charts=[str(chart)], data=[payload])


class FakeAgent:
    def __init__(self, reply: AgentReply, delay: float = 0.0) -> None:
        self.reply, self.delay, self.asked = reply, delay, []
        self.origins: list[str | None] = []

    def ask(self, thread_id: str, text: str, progress: Any = None, deny_tools: frozenset[str] = frozenset(), owner: Any = None,
            origin_channel: str | None = None) -> AgentReply:
        self.asked.append((thread_id, text))
        self.origins.append(origin_channel)
        time.sleep(self.delay)  # blocking on purpose: it must run off the event loop
        return self.reply


class Interaction:
    """Records what a command does with its interaction, in order."""

    def __init__(self, user_id: int = 1, roles: tuple[str, ...] = (), admin: bool = False) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.user = SimpleNamespace(id=user_id, roles=[SimpleNamespace(id=900 + i, name=r) for i, r in enumerate(roles)],
                                    guild_permissions=SimpleNamespace(manage_guild=admin))
        self.guild_id, self.channel_id = 42, 555
        self.guild, self.channel = SimpleNamespace(id=42), SimpleNamespace(id=555)
        self.command = None
        done = [False]
        rec = self

        class Response:
            async def defer(self, *, thinking: bool = False, ephemeral: bool = False) -> None:
                done[0] = True
                rec.calls.append(("defer", {"thinking": thinking, "ephemeral": ephemeral}))

            async def send_message(self, content: str | None = None, *, ephemeral: bool = False, **kw: Any) -> None:
                done[0] = True
                rec.calls.append(("send_message", {"content": content, "ephemeral": ephemeral, **kw}))

            def is_done(self) -> bool:
                return done[0]

        class Followup:
            async def send(self, content: str | None = None, *, embed: discord.Embed | None = None, files: list[discord.File] | None = None,
                           ephemeral: bool = False, **kw: Any) -> None:
                rec.calls.append(("followup", {"content": content, "embed": embed, "files": {f.filename: f.fp.read() for f in files or []}, "ephemeral": ephemeral}))

        self.response, self.followup = Response(), Followup()

    async def delete_original_response(self) -> None:
        self.calls.append(("delete_original", {}))

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, _ in self.calls]


PERMS = Permissions({"discord:42": Policy(watch=["role:Marketing", "admin"], alert_channels=["555", "777"])})


async def make_bot(settings: Settings, agent: FakeAgent | None = None, permissions: Permissions = PERMS) -> CaeserBot:
    bot = CaeserBot(Deps(settings=settings, agent=agent, permissions=permissions))
    await bot.load_features()
    return bot


async def invoke(bot: CaeserBot, name: str, interaction: Interaction, **kwargs: Any) -> None:
    command = bot.tree.get_command(name)
    assert isinstance(command, app_commands.Command)
    await command.callback(command.binding, interaction, **kwargs)


async def test_commands_load_and_sync_in_setup_hook_without_privileged_intents(settings: Settings) -> None:
    bot = CaeserBot(Deps(settings=settings, agent=None, permissions=Permissions()))
    synced: list[Any] = []

    async def sync(*, guild: Any = None) -> list[Any]:
        synced.append(guild)
        return bot.tree.get_commands()

    bot.tree.sync = sync  # type: ignore[method-assign]
    await bot.setup_hook()
    assert bot.heartbeat.is_running()
    bot.heartbeat.cancel()
    assert {c.name for c in bot.tree.get_commands()} == {"ask", "hype", "forecast", "suggest", "watch"}
    assert synced == [None]
    assert not bot.intents.message_content and not bot.intents.members and not bot.intents.presences
    assert "on_ready" not in CaeserBot.__dict__  # syncing there would repeat on every reconnect


async def test_hype_defers_then_sends_an_embed_and_a_png(settings: Settings, chart: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    bot, interaction = await make_bot(settings), Interaction()
    monkeypatch.setattr(sys.modules["bots.discord.cogs.hype"], "call_tool", lambda s, thread, name, args, owner: calls.append((thread, name, args, owner)) or hype_reply(chart))
    await invoke(bot, "hype", interaction, subject="Stanley", window_days=7)
    assert interaction.kinds == ["defer", "followup"]
    assert interaction.calls[0][1]["thinking"] is True
    sent = interaction.calls[1][1]
    embed: discord.Embed = sent["embed"]
    assert "72/100" in embed.description and {f.name: f.value for f in embed.fields}["Score"] == "72.4"
    assert embed.image.url == "attachment://hype_stanley.png" and sent["files"] == {"hype_stanley.png": PNG}
    assert calls == [("discord:42:555:1", "hype_score", {"subject": "Stanley", "window_days": 7}, Owner.discord(42))]  # the guild is the tenant


async def test_a_tool_error_comes_back_readable_and_ephemeral(settings: Settings) -> None:
    bot, interaction = await make_bot(settings), Interaction()
    await invoke(bot, "hype", interaction, subject="Nonexistent Gizmo", window_days=7)  # real tool, empty data dir
    assert interaction.kinds == ["defer", "delete_original", "followup"]
    sent = interaction.calls[-1][1]
    assert sent["ephemeral"] is True and sent["embed"] is None
    assert "Nonexistent Gizmo" in sent["content"] and "Traceback" not in sent["content"]


async def test_ask_runs_the_agent_off_the_event_loop(settings: Settings, chart: Path) -> None:
    agent = FakeAgent(hype_reply(chart), delay=0.5)
    bot, interaction = await make_bot(settings, agent), Interaction()
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.02)

    task = asyncio.create_task(ticker())
    await invoke(bot, "ask", interaction, request="what's the hype on Stanley?")
    task.cancel()
    assert ticks >= 10  # the loop kept running while the agent blocked its thread for 0.5 s
    assert agent.asked == [("discord:42:555:1", "what's the hype on Stanley?")]
    assert agent.origins == ["discord:555"]  # a watch asked here posts here
    assert interaction.kinds == ["defer", "followup"] and interaction.calls[1][1]["files"] == {"hype_stanley.png": PNG}


@pytest.mark.parametrize(("name", "kwargs", "expected"), [
    ("ask", {"request": "   "}, "empty"),
    ("ask", {"request": "x" * 4001}, "4,001 characters"),
    ("forecast", {}, "give a `sku`"),
])
async def test_bad_input_is_refused_ephemerally_before_any_work(settings: Settings, name: str, kwargs: dict, expected: str) -> None:
    agent = FakeAgent(AgentReply(text="unused"))
    bot, interaction = await make_bot(settings, agent), Interaction()
    await invoke(bot, name, interaction, **kwargs)
    assert interaction.kinds == ["send_message"]
    assert interaction.calls[0][1]["ephemeral"] is True and expected in interaction.calls[0][1]["content"]
    assert agent.asked == []


async def test_watch_needs_permission_and_an_allowed_channel(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    created = []
    bot = await make_bot(settings)
    # load_extension executes each cog module afresh: patch the module the commands were built from
    monkeypatch.setattr(sys.modules["bots.discord.cogs.watch"], "call_tool", lambda s, thread, name, args, owner: created.append(args) or AgentReply(text="Watching Stanley."))
    nobody = Interaction(user_id=7)
    await invoke(bot, "watch", nobody, subject="Stanley", threshold=70.0)
    assert nobody.kinds == ["send_message"] and nobody.calls[0][1]["ephemeral"] and "permission to create hype watches" in nobody.calls[0][1]["content"]
    marketer = Interaction(user_id=8, roles=("Marketing",))
    await invoke(bot, "watch", marketer, subject="Stanley", threshold=70.0, channel=SimpleNamespace(id=999))
    assert marketer.kinds == ["send_message"] and "allow-list" in marketer.calls[0][1]["content"]
    admin = Interaction(user_id=9, admin=True)
    await invoke(bot, "watch", admin, subject="Stanley", threshold=70.0, direction="above", channel=SimpleNamespace(id=777))
    assert admin.kinds == ["defer", "followup"]
    assert created == [{"action": "create", "subject": "Stanley", "threshold": 70.0, "direction": "above", "channel": "discord:777"}]


async def test_unexpected_errors_become_an_ephemeral_sentence(settings: Settings) -> None:
    bot, interaction = await make_bot(settings), Interaction()
    command = bot.tree.get_command("hype")
    await bot.on_app_command_error(interaction, app_commands.CommandInvokeError(command, RuntimeError("secret detail")))
    kind, sent = interaction.calls[0]
    assert kind == "send_message" and sent["ephemeral"] and "RuntimeError" in sent["content"] and "secret detail" not in sent["content"]


class Message:
    def __init__(self, content: str, mentions: list[Any]) -> None:
        self.content, self.mentions = content, mentions
        self.author = SimpleNamespace(id=3, bot=False)
        self.guild = SimpleNamespace(id=42)
        self.replies: list[dict[str, Any]] = []

        class Typing:
            async def __aenter__(self) -> None:
                return None

            async def __aexit__(self, *exc: object) -> None:
                return None

        self.channel = SimpleNamespace(id=555, typing=Typing)

    async def reply(self, content: str | None = None, *, embed: discord.Embed | None = None, files: list[discord.File] | None = None, **kw: Any) -> None:
        self.replies.append({"content": content, "embed": embed, "files": [f.filename for f in files or []]})


async def test_mentions_are_answered_and_other_messages_ignored(settings: Settings, chart: Path) -> None:
    me = SimpleNamespace(id=100)
    agent = FakeAgent(hype_reply(chart))
    cog = Mentions(SimpleNamespace(user=me), Deps(settings=settings, agent=agent, permissions=PERMS))
    unrelated, empty, asked = Message("hello all", []), Message("<@100>", [me]), Message("<@100> hype on Stanley?", [me])
    for message in (unrelated, empty, asked):
        await cog.on_message(message)
    assert unrelated.replies == []
    assert "empty" in empty.replies[0]["content"]
    assert agent.asked == [("discord:42:555:3", "hype on Stanley?")]
    assert asked.replies[0]["embed"] is not None and asked.replies[0]["files"] == ["hype_stanley.png"]


async def test_the_details_button_under_an_alert_answers_with_the_hype_score(settings: Settings, chart: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    bot, interaction = await make_bot(settings), Interaction()
    monkeypatch.setattr(sys.modules["bots.discord.cogs.hype"], "call_tool", lambda s, thread, name, args, *owner: calls.append((name, args)) or hype_reply(chart))
    cog = bot.get_cog("Hype")
    interaction.type, interaction.data = discord.InteractionType.application_command, {"custom_id": "caeser_details:7:Stanley"}
    await cog.on_interaction(interaction)  # not a button: left to the command tree
    interaction.type, interaction.data = discord.InteractionType.component, {"custom_id": "caeser_export_csv"}
    await cog.on_interaction(interaction)  # another button: not ours
    assert calls == [] and interaction.calls == []
    interaction.data = {"custom_id": "caeser_details:14:Stanley Cups"}
    await cog.on_interaction(interaction)
    assert calls == [("hype_score", {"subject": "Stanley Cups", "window_days": 14})] and interaction.kinds == ["defer", "followup"]
