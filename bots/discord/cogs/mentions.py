"""@caeser in a channel: the message (minus the mention) goes to the agent; the answer is a reply.

Discord delivers a message's content to a bot it mentions even without the privileged
message-content intent, so this works with `Intents.default()`.
"""
from __future__ import annotations

import re

import discord
from discord.ext import commands

from agent.service import check_message
from bots.deps import Deps
from bots.discord.cogs.watch import denied_tools
from bots.discord.embeds import answer_embed, attachments
from bots.discord.respond import owner_of, produce_rendered, thread_id
from bots.render import truncate

MENTION = re.compile(r"<@!?\d+>")


class Mentions(commands.Cog):
    def __init__(self, bot: commands.Bot, deps: Deps) -> None:
        self.bot, self.deps = bot, deps

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or self.bot.user is None or self.bot.user not in message.mentions:
            return
        text = MENTION.sub("", message.content).strip()
        refusal = check_message(text)
        if refusal:
            await message.reply(refusal, mention_author=False)
            return
        conversation = thread_id(message, message.author.id)
        async with message.channel.typing():
            deny = denied_tools(self.deps.permissions, message.guild.id if message.guild else None, message.author)
            rendered = await produce_rendered(lambda: self.deps.agent.ask(conversation, text, None, deny, owner_of(message, message.author.id),
                                                                              origin_channel=f"discord:{message.channel.id}"))
        if rendered.error:
            await message.reply(truncate("⚠️ " + rendered.error.removeprefix("⚠️").strip(), 2000), mention_author=False)
            return
        await message.reply(embed=answer_embed(rendered), files=attachments(rendered), mention_author=False)


async def setup(bot: commands.Bot) -> None:
    await bot.add_cog(Mentions(bot, bot.deps))
