"""Logging in to the homeserver, waiting while it is unreachable."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from nio import AsyncClient, LoginResponse, WhoamiResponse

from bot.config import MatrixSettings
from bot.platforms.matrix import crypto
from bot.platforms.matrix.backoff import Backoff
from bot.platforms.matrix.client import AUTH_ERRORS, REVOKED, TRANSIENT, MatrixLoginError

log = logging.getLogger(__name__)


async def connect(
    settings: MatrixSettings,
    *,
    access_token: str = "",
    password: str = "",
    store_path: str = "",
    pickle_key: str = "",
    max_wait: float = 60.0,
) -> AsyncClient:
    """A logged-in client; an unreachable homeserver is retried with backoff until it answers.

    With an access token the device id comes from whoami (so txn ids keep
    deduplicating); with a password the configured device id is reused. The crypto
    store (at `store_path`) is not opened yet: ``crypto.open_store`` does, with its checks.
    """
    if not (access_token or password):
        raise MatrixLoginError("no Matrix access token or password given")
    key, device = "", settings.device_id
    if store_path:
        crypto.prepare_store(Path(store_path))
        key = crypto.pickle_key(pickle_key, Path(store_path), settings.user_id)
        # after lost keys the bot moved to a new device: a password login stays on it
        device = crypto.saved_device(Path(store_path), settings.user_id) or device
    config = crypto.client_config(key, max_timeouts=0, request_timeout=60)
    client = AsyncClient(
        settings.homeserver,
        settings.user_id,
        device_id=device,
        store_path=store_path,
        config=config,
    )
    backoff = Backoff(maximum=max_wait)
    while True:
        try:
            if access_token:
                client.access_token = access_token
                who = await client.whoami()
                if isinstance(who, WhoamiResponse):
                    if settings.user_id and who.user_id != settings.user_id:
                        raise MatrixLoginError(
                            f"the access token belongs to {who.user_id}, "
                            f"not to matrix.user_id {settings.user_id}"
                        )
                    device = who.device_id or settings.device_id
                    client.user_id, client.device_id = who.user_id, device
                    client.access_token = access_token
                    break
                error: Any = who
                if password and getattr(who, "status_code", None) in REVOKED:
                    log.warning("the Matrix access token was refused; logging in with the password")
                    access_token = ""
                    continue
            else:
                client.store_path = ""  # the store is opened below, with its checks
                login = await client.login(password, device_name="readaloud")
                client.store_path = store_path
                if isinstance(login, LoginResponse):
                    break
                error = login
            if getattr(error, "status_code", None) in AUTH_ERRORS:
                raise MatrixLoginError(f"{settings.homeserver} refused the login: {error}")
            await backoff.wait(f"logging in to {settings.homeserver}", error)
        except TRANSIENT as e:
            await backoff.wait(f"connecting to {settings.homeserver}", e or type(e).__name__)
        except BaseException:
            await client.close()
            raise
    log.info(
        "logged in to %s as %s (device %s)", settings.homeserver, client.user_id, client.device_id
    )
    return client
