"""The OAuth2 link a teacher opens to add the bot to a server, with exactly what it needs."""

from __future__ import annotations

from urllib.parse import urlencode

import discord

SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    """Everything the adapter does, and nothing more."""
    return discord.Permissions(
        view_channel=True,
        send_messages=True,
        send_messages_in_threads=True,
        create_public_threads=True,
        manage_threads=True,
        manage_messages=True,
        manage_webhooks=True,
        manage_channels=True,
        read_message_history=True,
        add_reactions=True,
        embed_links=True,
        attach_files=True,
    )


def invite_url(application_id: str | int) -> str:
    """https://discord.com/oauth2/authorize?client_id=…&scope=bot+applications.commands&permissions=…"""
    if not str(application_id).isdigit():
        raise ValueError("application_id must be the numeric id from the Developer Portal")
    query = urlencode(
        {
            "client_id": str(application_id),
            "scope": " ".join(SCOPES),
            "permissions": str(required_permissions().value),
        }
    )
    return f"https://discord.com/oauth2/authorize?{query}"
