"""The link a teacher opens to add the bot asks for exactly the permissions it uses."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import discord

from bot.platforms.discord import invite_url


def test_the_invite_link_asks_for_exactly_what_the_bot_needs() -> None:
    url = urlparse(invite_url("1234567890"))
    query = parse_qs(url.query)
    assert (url.netloc, url.path) == ("discord.com", "/oauth2/authorize")
    assert query["client_id"] == ["1234567890"]
    assert query["scope"] == ["bot applications.commands"]
    granted = discord.Permissions(int(query["permissions"][0]))
    wanted = discord.Permissions.none()
    wanted.update(**dict.fromkeys(NEEDED, True))
    assert granted == wanted


NEEDED = {
    "view_channel", "send_messages", "send_messages_in_threads", "create_public_threads",
    "manage_threads", "manage_messages", "manage_webhooks", "manage_channels",
    "read_message_history", "add_reactions", "embed_links", "attach_files",
}  # fmt: skip
