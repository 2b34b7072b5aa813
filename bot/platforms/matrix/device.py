"""The bot's device: logged in, with its crypto store open, and a new device when the keys
were lost.

A store that cannot be read (corrupt, or its pickle key changed) or that is gone while
the homeserver still holds the device's old keys cannot be repaired: members' clients
refuse new keys for a device they know, so the bot would read nothing encrypted. With a
password it logs in as a new device (remembered beside the store, so restarts keep it);
with an access token only it keeps running (plain rooms work) and says what is needed.
Either way it never stops or loops, and the teachers are told (``EncryptionReset``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from nio import AsyncClient

from bot.config import MatrixSettings
from bot.platforms.matrix import crypto
from bot.platforms.matrix.login import connect

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reset:
    """The keys were lost at this start: the device now used, and whether it is new."""

    device: str
    new_device: bool


async def logged_in(
    settings: MatrixSettings,
    *,
    access_token: str,
    password: str,
    store: Path,
    pickle_key: str,
    max_wait: float,
) -> tuple[AsyncClient, Reset | None]:
    """A logged-in client with its keys on the server; a Reset if the old keys were lost."""

    async def login(token: str) -> AsyncClient:
        return await connect(
            settings,
            access_token=token,
            password=password,
            store_path=str(store),
            pickle_key=pickle_key,
            max_wait=max_wait,
        )

    # once moved to a new device the token (of the old one) is not used while a password is
    moved = password and crypto.saved_device(store, settings.user_id)
    client = await login("" if moved else access_token)
    problem = crypto.open_store(client)
    if problem is None and await crypto.lost_keys(client):
        problem = "the crypto store is missing but the homeserver knows this device's keys"
        log.error("Matrix: %s (device %s)", problem, client.device_id)
    reset = None
    if problem is not None:
        if password:
            old = client.device_id
            await client.close()
            fresh = crypto.new_device_id(settings.device_id)
            crypto.save_device(store, settings.user_id, fresh)
            client = await login("")  # a password login, as the new device
            crypto.open_store(client)
            log.error("Matrix: encryption keys lost; the bot is now device %s (was %s)", fresh, old)
            reset = Reset(str(client.device_id), True)
        else:
            log.error(
                "Matrix: encryption keys lost and no READALOUD_MATRIX_PASSWORD to log in as a "
                "new device: encrypted rooms cannot be read until the bot has a new login (a "
                "new access token) or a password"
            )
            reset = Reset(str(client.device_id), False)
    if reset is None or reset.new_device:
        await crypto.keep_keys(client)  # the device's keys are on the server before any sync
    return client, reset
