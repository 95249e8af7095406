"""One extension per feature; `bots.discord.bot.EXTENSIONS` lists them."""
