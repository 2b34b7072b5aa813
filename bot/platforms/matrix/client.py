"""Logging in, and the sync loop that never loses a message.

The loop is our own (not nio's `sync_forever`): each sync asks for up to 100
timeline events per room, and every `limited` timeline is back-filled with
`/messages` down to the previous sync position, so a burst loses nothing.
The events of one sync form a `Batch`; each room's part of it goes to that
room's own worker (``handover.py``) and the loop syncs on at once. The sync
token is stored only once every room of a batch (and of every earlier batch)
is handled, so a restart neither loses nor repeats messages.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import random
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp
from nio import (
    AsyncClient,
    Event,
    RoomMessagesError,
    SyncError,
    UnknownAccountDataEvent,
)
from nio.api import Api

from bot.platforms.matrix import crypto
from bot.platforms.matrix.backoff import Backoff
from bot.platforms.matrix.handover import HandOver, PartsOf
from bot.platforms.matrix.tokens import TokenStore

log = logging.getLogger(__name__)

SYNC_FILTER = {
    "room": {"timeline": {"limit": 100}},
    "presence": {"not_types": ["*"]},
}
LONG_POLL_MS = 30_000
IDLE_TYPE = "org.readaloud.idle"
TRANSIENT = (aiohttp.ClientError, TimeoutError, OSError)
AUTH_ERRORS = {"M_UNKNOWN_TOKEN", "M_FORBIDDEN", "M_USER_DEACTIVATED", "M_MISSING_TOKEN"}
REVOKED = {"M_UNKNOWN_TOKEN", "M_MISSING_TOKEN", "M_USER_DEACTIVATED"}
VERSIONS = "/_matrix/client/versions"
LOOK_EVERY = 0.5  # while the homeserver does not answer, look this often (it may be restarting)
SYNC_RETRY_MAX = 5.0  # the server answers but a sync failed: never wait longer than this


class MatrixLoginError(RuntimeError):
    """The homeserver refused the bot's credentials (retrying will not help)."""


class SyncFailed(RuntimeError):
    """A sync or back-fill request failed; the whole sync is retried."""


class TokenRevoked(RuntimeError):
    """The homeserver no longer accepts the bot's access token (logged out, revoked,
    deactivated): retrying with it can never work."""


async def answering(client: AsyncClient, timeout: float = 2.0) -> bool:
    """Whether the homeserver answers at all (``/versions`` needs no login)."""
    try:
        resp = await client.send("GET", VERSIONS, timeout=timeout)
        ok: bool = resp.status == 200
        resp.release()
    except TRANSIENT:
        return False
    return ok


@dataclass
class RoomUpdate:
    """What one sync brought for one joined room: state events and the full timeline."""

    state: list[Event]
    timeline: list[Event]


@dataclass
class Batch:
    """Everything one sync returned, handled as a unit before its token is stored."""

    token: str
    first: bool
    backlog: bool
    rooms: dict[str, RoomUpdate] = field(default_factory=dict)
    invites: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)  # rooms the bot was removed from
    barrier: int = 0


class SyncLoop:
    """Syncs forever, back-fills gaps, and hands each batch's rooms to their workers."""

    def __init__(
        self,
        client: AsyncClient,
        tokens: TokenStore,
        parts_of: PartsOf,
        *,
        observe: Callable[[Batch], None] = lambda batch: None,
        max_wait: float = 60.0,
        relogin: Callable[[], Awaitable[bool]] | None = None,
        on_fatal: Callable[[str], None] = lambda reason: None,
    ) -> None:
        self.client = client
        self.relogin = relogin
        self.on_fatal = on_fatal
        self.tokens = tokens
        self.parts_of = parts_of
        self.observe = observe
        self.max_wait = max_wait
        self.token: str | None = None
        self.handover: HandOver | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._seq = itertools.count(1)
        self._barriers: dict[int, asyncio.Future[None]] = {}
        self._barrier_lock = asyncio.Lock()
        self._instance = uuid.uuid4().hex
        self.synced = asyncio.Event()  # set once the first sync's room state is known

    async def start(self) -> None:
        self.token = await self.tokens.load()
        if self.token is None:
            log.info("first start for %s: skipping old history", self.client.user_id)
        self.handover = HandOver(self.tokens, self.parts_of, self.token, self._release)
        self.handover.start()
        self._tasks = [asyncio.create_task(self._sync_forever(), name="matrix-sync")]

    async def stop(self, drain: float = 10.0) -> None:
        """Stop syncing, let the rooms finish what was received (up to `drain` s), stop."""
        if not self._tasks or self.handover is None:
            return
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.handover.stop(drain)
        self._tasks = []
        for fut in self._barriers.values():
            fut.cancel()

    # ---- syncing ----

    async def _sync_forever(self) -> None:
        backoff = Backoff(maximum=min(self.max_wait, SYNC_RETRY_MAX))
        first = True
        while True:
            try:
                batch = await self._sync_once(first)
            except TokenRevoked as e:
                if not await self._login_again(e):
                    return
                continue
            except (*TRANSIENT, SyncFailed) as e:
                await self._recover(backoff, e or type(e).__name__)
                continue
            except Exception as e:  # a bug or an odd answer must not end syncing silently
                log.exception("unexpected error while syncing")
                await backoff.wait("syncing with the homeserver", e)
                continue
            backoff.reset()
            first = False
            await self._keys()
            self.token = batch.token
            self.observe(batch)
            assert self.handover is not None
            self.handover.put(batch)
            self.synced.set()

    async def _sync_once(self, first: bool) -> Batch:
        since = self.token
        # Synapse caches sync answers for 2 minutes keyed by the request (timeout included);
        # a first sync returns at once whatever the timeout, so a random one makes the
        # answer fresh (a restarted bot must not get its previous process's initial sync).
        resp = await self.client.sync(
            timeout=random.randint(1, LONG_POLL_MS) if first else LONG_POLL_MS,
            sync_filter=SYNC_FILTER,
            since=since,
            full_state=True if first else None,
        )
        if isinstance(resp, SyncError):
            if resp.status_code in REVOKED:
                raise TokenRevoked(f"{resp.status_code}: {resp.message}")
            raise SyncFailed(f"{resp.status_code}: {resp.message}")
        batch = Batch(resp.next_batch, first=first, backlog=since is None)
        for room_id, info in resp.rooms.join.items():
            events = list(info.timeline.events)
            if info.timeline.limited and since is not None:
                events = await self._backfill(room_id, info.timeline.prev_batch, since) + events
            batch.rooms[room_id] = RoomUpdate(list(info.state), events)
        batch.invites = list(resp.rooms.invite)
        batch.left = list(resp.rooms.leave)
        for ev in resp.account_data_events:
            if isinstance(ev, UnknownAccountDataEvent) and ev.type == IDLE_TYPE:
                if ev.content.get("instance") == self._instance:
                    batch.barrier = int(ev.content.get("seq", 0))
        return batch

    async def _keys(self) -> None:
        """Keys go out before the batch is handled (a reply then reaches new members'
        devices); a failure here is retried after the next sync."""
        try:
            await crypto.keep_keys(self.client)
        except Exception as e:
            log.warning("keeping encryption keys current failed (%s); trying again", e)

    async def _recover(self, backoff: Backoff, error: object) -> None:
        """Wait before the next sync. While the homeserver does not answer at all (restarting,
        down), look every half second and sync the moment it answers; when it answers but the
        sync failed, back off (a few seconds at most)."""
        if await answering(self.client):
            await backoff.wait("syncing with the homeserver", error)
            return
        log.warning("the homeserver is not answering (%s); waiting for it to come back", error)
        looked = 0
        while not await answering(self.client):
            looked += 1
            if looked % 120 == 0:
                log.warning("the homeserver is still not answering (%d s)", looked * LOOK_EVERY)
            await asyncio.sleep(LOOK_EVERY)
        log.info("the homeserver answers again; syncing")
        backoff.reset()

    async def _login_again(self, error: TokenRevoked) -> bool:
        """A revoked token: log in again with the password if there is one; otherwise stop
        for good and say so once (a supervisor restarts the bot with a new token)."""
        if self.relogin is not None:
            try:
                if await self.relogin():
                    log.warning("the access token was revoked (%s); logged in again", error)
                    return True
            except TRANSIENT as e:
                log.warning("logging in again failed (%s); retrying", e)
                await asyncio.sleep(LOOK_EVERY)
                return True
        reason = (
            f"the homeserver no longer accepts the bot's access token ({error}); set a new "
            "READALOUD_MATRIX_ACCESS_TOKEN (or READALOUD_MATRIX_PASSWORD) and start the bot again"
        )
        log.error("Matrix: %s", reason)
        self.on_fatal(reason)
        return False

    async def _backfill(self, room_id: str, prev_batch: str | None, since: str) -> list[Event]:
        """The events a limited timeline left out, oldest first, back to `since`."""
        older: list[Event] = []
        start = prev_batch
        while start:
            resp = await self.client.room_messages(room_id, start=start, end=since, limit=100)
            if isinstance(resp, RoomMessagesError):
                raise SyncFailed(f"back-filling {room_id}: {resp.status_code}: {resp.message}")
            older.extend(resp.chunk)
            if not resp.chunk or not resp.end or resp.end == start:
                break
            start = resp.end
        log.debug("back-filled %d events in %s", len(older), room_id)
        older.reverse()
        return older

    # ---- waiting until idle (tests, graceful shutdown) ----

    async def wait_idle(self) -> None:
        """Return once every event the server had when called has been handled.

        Writes a sequence number into the bot's own account data; the sync
        that carries it back also carries every earlier event.
        """
        async with self._barrier_lock:
            seq = next(self._seq)
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._barriers[seq] = fut
            path = Api._build_path(["user", self.client.user_id, "account_data", IDLE_TYPE])
            headers = {
                "Authorization": f"Bearer {self.client.access_token}",
                "Content-Type": "application/json",
            }
            body = json.dumps({"instance": self._instance, "seq": seq})
            resp = await self.client.send("PUT", path, body, headers)
            await resp.read()
            if resp.status != 200:
                raise SyncFailed(f"could not write account data: {resp.status}")
        await fut

    def _release(self, seq: int) -> None:
        for n in [n for n in self._barriers if n <= seq]:
            fut = self._barriers.pop(n)
            if not fut.done():
                fut.set_result(None)
