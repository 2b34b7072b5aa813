"""The Discord adapter (discord.py): gateway events in, Chat port out, slash commands."""

from bot.platforms.discord.chat import DiscordChat
from bot.platforms.discord.invite import invite_url

__all__ = ["DiscordChat", "invite_url"]
