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

from nio import AsyncClient, DeleteDevicesResponse

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
            await retire(client, str(old), password)
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


async def retire(client: AsyncClient, device: str, password: str) -> None:
    """Sign the device whose keys were lost out: members' clients stop sharing room keys
    with it (whoever holds a copy of the lost store reads nothing new). The server asks
    for the password again (interactive auth); a refusal is logged, never fatal."""
    try:
        first = await client.delete_devices([device])
        if isinstance(first, DeleteDevicesResponse):
            return
        auth = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": client.user_id},
            "password": password,
            "session": getattr(first, "session", ""),
        }
        done = await client.delete_devices([device], auth)
        if isinstance(done, DeleteDevicesResponse):
            log.info("Matrix: signed out the old device %s", device)
            return
        problem = getattr(done, "message", done)
    except Exception as e:  # the bot goes on as the new device either way
        problem = e
    log.warning(
        "Matrix: could not sign out the old device %s (%s): remove it by hand", device, problem
    )
