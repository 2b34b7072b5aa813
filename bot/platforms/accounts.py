"""How each platform writes an account in message text (``AccountSyntax``,
bot/core/accounts.py), apart from the adapters so that naming them loads no client: the
composition root gives every one to the features (a child may paste an id from another
platform than the class's), and each adapter answers its own as ``Chat.accounts``."""

from __future__ import annotations

from dataclasses import dataclass

_LINKS = ("https://matrix.to/#/", "http://matrix.to/#/")


@dataclass(frozen=True)
class MatrixAccounts:
    """Matrix: ``@localpart:server`` (a port allowed), alone or in a matrix.to link; the
    localpart is the username a person may go by."""

    written: str = r"(?:https?://matrix\.to/#/)?@[\w.=/+-]+:[\w.-]+(?::\d+)?"

    def account(self, written: str) -> str:
        for link in _LINKS:
            written = written.removeprefix(link)
        return written

    def handle(self, user_id: str) -> str:
        if not user_id.startswith("@") or ":" not in user_id:
            return ""
        return user_id[1:].split(":", 1)[0]


@dataclass(frozen=True)
class DiscordAccounts:
    """Discord: ``<@id>``, ``<@!id>`` (a nickname mention) and ``<@&id>`` (a role); ids
    are numbers, so no part of one is anybody's name."""

    written: str = r"<@[!&]?\d+>"

    def account(self, written: str) -> str:
        return written.strip("<@!&>")

    def handle(self, user_id: str) -> str:
        return ""


MATRIX_ACCOUNTS = MatrixAccounts()
DISCORD_ACCOUNTS = DiscordAccounts()
EVERY_PLATFORM = (MATRIX_ACCOUNTS, DISCORD_ACCOUNTS)
