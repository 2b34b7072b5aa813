"""End-to-end encryption: the bot's crypto store, its pickle key, and keeping keys current.

matrix-nio does the cryptography (``matrix-nio[e2e]``); this module decides where
the store lives (one SQLite file per account and device, in a directory only the
bot can read), which key protects it (``READALOUD_MATRIX_PICKLE_KEY``, or one derived
from the bot's secret, never logged), and does after every sync what nio's own
``sync_forever`` would: upload keys, learn members' devices, open Olm sessions,
send pending to-device messages (room keys, key requests).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import secrets
import time
from pathlib import Path
from typing import Any

from nio import AsyncClient, AsyncClientConfig, LocalProtocolError
from nio.crypto import ENCRYPTION_ENABLED

log = logging.getLogger(__name__)

ENCRYPTION_STATE = {
    "type": "m.room.encryption",
    "state_key": "",
    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
}
KEYS_LOCK = "_readaloud_keys_lock"


def available() -> bool:
    """Whether matrix-nio's E2E support (vodozemac, peewee) is installed."""
    return bool(ENCRYPTION_ENABLED)


def pickle_key(explicit: str, store: Path, user_id: str) -> str:
    """The key the store's secrets are encrypted with: READALOUD_MATRIX_PICKLE_KEY when set,
    else a random key made at first start and kept beside the store (0600). It does not
    follow the access token or password, so changing how the bot logs in keeps its keys."""
    if explicit:
        return explicit
    path = store / f"{user_id}.pickle-key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(key)
    return key


def prepare_store(path: Path) -> Path:
    """The store directory, created readable by the bot's user alone (0700); files in it
    are made 0600 (the Olm account there is as secret as the access token)."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    for item in path.iterdir():
        if item.is_file():
            os.chmod(item, 0o600)
    return path


def protect_files(path: Path) -> None:
    """After nio created its database files: only the bot's user may read them."""
    if path.is_dir():
        for item in path.iterdir():
            if item.is_file():
                os.chmod(item, 0o600)


def client_config(key: str, **overrides: Any) -> AsyncClientConfig:
    """nio's configuration with encryption on (when installed) and the sync token ours."""
    return AsyncClientConfig(
        encryption_enabled=available() and bool(key),
        pickle_key=key or "DEFAULT_KEY",
        store_sync_tokens=False,
        **overrides,
    )


def store_file(client: AsyncClient) -> Path:
    """The SQLite file nio keeps this account's and device's keys in."""
    return Path(client.store_path) / f"{client.user_id}_{client.device_id}.db"


def open_store(client: AsyncClient) -> str | None:
    """Load the crypto store (after login). A store that cannot be read (corrupt, or its key
    changed) is moved aside and a fresh one made: returns what went wrong, for the teachers."""
    if not client.config.encryption_enabled or not client.store_path:
        return None
    if client.olm is not None:
        return None
    try:
        client.load_store()
        protect_files(Path(client.store_path))
        return None
    except Exception as e:  # peewee, vodozemac and sqlite errors all mean the same here
        broken = store_file(client)
        aside = broken.with_name(f"{broken.name}.unreadable-{int(time.time())}")
        log.error(
            "the Matrix crypto store %s cannot be read (%s); moved it to %s and starting "
            "with new encryption keys",
            broken,
            type(e).__name__,
            aside,
        )
        if broken.exists():
            broken.rename(aside)
        client.store = None
        client.olm = None
        client.load_store()
        protect_files(Path(client.store_path))
        return f"{type(e).__name__}"


async def keep_keys(client: AsyncClient) -> None:
    """What must go out after a sync for encryption to work: one at a time per client."""
    if client.olm is None:
        return
    lock: asyncio.Lock | None = getattr(client, KEYS_LOCK, None)
    if lock is None:
        lock = asyncio.Lock()
        setattr(client, KEYS_LOCK, lock)
    async with lock:
        try:
            if client.should_upload_keys:
                await client.keys_upload()
            if client.should_query_keys:
                await client.keys_query()
            if client.should_claim_keys:
                await client.keys_claim(client.get_users_for_key_claiming())
            if client.outgoing_to_device_messages:
                await client.send_to_device_messages()
        except LocalProtocolError as e:  # nothing to do after all (another call did it)
            log.debug("key upkeep: %s", e)


async def before_send(client: AsyncClient, room_id: str) -> None:
    """Before posting in an encrypted room: the members' devices are known, so each gets
    the room key (a new member's devices may not be queried yet)."""
    if client.olm is None:
        return
    room = client.rooms.get(room_id)
    if room is None or not room.encrypted:
        return
    if client.should_query_keys or client.should_claim_keys:
        await keep_keys(client)


def olm_fresh(client: AsyncClient) -> bool:
    """The Olm account was made just now (its keys have never been uploaded)."""
    olm = client.olm
    return olm is not None and not olm.account.shared


async def server_keys(client: AsyncClient) -> str | None:
    """The signing key the homeserver holds for this device, if it has any."""
    body = json.dumps({"device_keys": {client.user_id: [client.device_id]}})
    headers = {"Authorization": f"Bearer {client.access_token}", "Content-Type": "application/json"}
    resp = await client.send("POST", "/_matrix/client/v3/keys/query", body, headers)
    data = await resp.json()
    device = data.get("device_keys", {}).get(client.user_id, {}).get(client.device_id or "", {})
    key = device.get("keys", {}).get(f"ed25519:{client.device_id}")
    return str(key) if key else None


async def lost_keys(client: AsyncClient) -> bool:
    """The homeserver knows this device with other keys than the store has: the store was
    lost or replaced, and members' clients would refuse the new keys for the old device."""
    if not olm_fresh(client):
        return False
    assert client.olm is not None
    held = await server_keys(client)
    return held is not None and held != client.olm.account.identity_keys["ed25519"]


def device_file(store: Path, user_id: str) -> Path:
    return store / f"{user_id}.device"


def saved_device(store: Path, user_id: str) -> str | None:
    """The device id the bot moved to after losing its keys (used for password logins)."""
    try:
        return device_file(store, user_id).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def save_device(store: Path, user_id: str, device_id: str) -> None:
    path = device_file(store, user_id)
    path.write_text(device_id, encoding="utf-8")
    os.chmod(path, 0o600)


def new_device_id(base: str) -> str:
    return f"{base}_{secrets.token_hex(3).upper()}"


def check_store(path: Path) -> list[str]:
    """For `readaloud check`: what stops encryption from working (empty: all good)."""
    problems = []
    if not available():
        problems.append(
            "Matrix end-to-end encryption is not installed: pip install 'matrix-nio[e2e]'"
        )
    try:
        prepare_store(path)
        probe = path / ".readaloud-write-check"
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as e:
        problems.append(f"the Matrix crypto store {path} is not writable: {e.strerror or e}")
    return problems
