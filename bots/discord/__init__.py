"""The Discord bot (discord.py): app commands, one cog per feature, plus @-mentions."""
