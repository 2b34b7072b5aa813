"""The platform adapters; `configured` builds the ones the configuration turns on (each
adapter's own package is imported only when it is used)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from bot.core.ports import Chat

if TYPE_CHECKING:
    from bot.app import App
    from bot.platforms.matrix import MatrixChat

log = logging.getLogger(__name__)
CIRCLES_STORE = "matrix-circles-crypto"  # under bot.data_dir: the circles account's keys


class Account(Protocol):
    """A platform account that is started and stopped with the app."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class Platforms:
    """What the configuration turns on, not started yet."""

    chats: list[Chat] = field(default_factory=list)  # where classes are (`App.chats`)
    # accounts that carry circles between schools and are no place for a class: never in
    # `App.chats`, so no feature can set a class up or post a class message through them
    circle_accounts: list[Account] = field(default_factory=list)


def configured(app: App) -> Platforms:
    """The platform clients the configuration turns on (not started yet)."""
    found = Platforms()
    m = app.config.settings.matrix
    matrix: MatrixChat | None = None
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
        found.chats.append(matrix)
    circles = _circles_account(app, carried_by=matrix)
    if circles is not None:
        found.circle_accounts.append(circles)
    carrier = matrix or circles
    remote = getattr(app.services, "circles_remote", None)
    if remote is not None and carrier is not None:  # circles between installations
        remote.remote.wire = carrier.circle_room
        carrier.circle_room.on_room = remote.remote.arrived
        carrier.circle_room.on_ask = remote.ask_room
    d = app.config.settings.discord
    if d.enabled and app.config.secrets.discord_token:
        from bot.platforms.discord import DiscordChat

        found.chats.append(
            DiscordChat(
                d,
                app.config.secrets.discord_token,
                app.dispatcher,
                app.registry,
                Path(app.config.settings.bot.data_dir),
            )
        )
    return found


def _circles_account(app: App, carried_by: MatrixChat | None) -> MatrixChat | None:
    """The [circles] Matrix account, when it is configured and no [matrix] account carries
    circles: a MatrixChat in circles-only mode (``bot/platforms/matrix/circles_only.py``)."""
    c, token = app.config.settings.circles, app.config.secrets.circles_matrix_access_token
    if not (c.matrix_homeserver and c.matrix_user_id and token):
        return None
    if carried_by is not None:
        log.info(
            "the [circles] Matrix account %s is not used: the [matrix] account %s carries "
            "circles between schools",
            c.matrix_user_id,
            carried_by.settings.user_id,
        )
        return None
    from bot.config import MatrixSettings
    from bot.platforms.matrix import MatrixChat

    settings = MatrixSettings(
        homeserver=c.matrix_homeserver,
        user_id=c.matrix_user_id,
        device_id=c.matrix_device_id,
        crypto_store=str(Path(app.config.settings.bot.data_dir) / CIRCLES_STORE),
        encrypt_rooms=False,  # it opens no room but circle rooms, which are not encrypted
    )

    def lost(reason: str) -> None:  # the classes go on; circle posts wait in the outbox
        log.error("the circles Matrix account stopped (%s); circle posts wait for it", reason)

    log.info("circles between schools travel over the Matrix account %s", c.matrix_user_id)
    return MatrixChat(
        settings,
        access_token=token,
        pickle_key=app.config.secrets.matrix_pickle_key,
        sessionmaker=app.sessionmaker,
        dispatcher=app.dispatcher,
        registry=app.registry,
        on_fatal=lost,
        clock=app.clock,
        circles_only=True,
    )
