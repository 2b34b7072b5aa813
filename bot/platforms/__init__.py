"""The platform adapters; `configured` builds the ones the configuration turns on (each
adapter's own package is imported only when it is used)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from bot.core.ports import Chat

if TYPE_CHECKING:
    from bot.app import App


def configured(app: App) -> list[Chat]:
    """The platform clients the configuration turns on (not started yet)."""
    chats: list[Chat] = []
    m = app.config.settings.matrix
    if m.enabled and m.homeserver:
        from bot.platforms.matrix import MatrixChat

        matrix = MatrixChat(
            m,
            access_token=app.config.secrets.matrix_access_token,
            password=app.config.secrets.matrix_password,
            pickle_key=app.config.secrets.matrix_pickle_key,
            sessionmaker=app.sessionmaker,
            dispatcher=app.dispatcher,
            registry=app.registry,
            on_fatal=app.fail,
            follow_ups=app.follow_ups,
            clock=app.clock,
        )
        chats.append(matrix)
        remote = getattr(app.services, "circles_remote", None)
        if remote is not None:  # circles between installations travel over this account
            remote.remote.wire = matrix.circle_room
            matrix.circle_room.on_room = remote.remote.arrived
            matrix.circle_room.on_ask = remote.ask_room
    d = app.config.settings.discord
    if d.enabled and app.config.secrets.discord_token:
        from bot.platforms.discord import DiscordChat

        chats.append(
            DiscordChat(
                d,
                app.config.secrets.discord_token,
                app.dispatcher,
                app.registry,
                Path(app.config.settings.bot.data_dir),
            )
        )
    return chats
