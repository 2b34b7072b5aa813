"""Handing synced events to the rooms' own workers, and storing the sync token only
for what is durably handled.

Each room has its own lane: its events are handled in order, and a slow post in
one class never holds up another class, nor the next sync. A batch is
acknowledged once every room's part of it (and of every earlier batch) is
handled; the stored token never passes an event met by a storage fault
(NotHandled: that room's part is tried again, its lane waits, the others go on).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from bot.core.errors import NotHandled
from bot.core.lanes import Job, Lanes
from bot.platforms.matrix.backoff import Backoff
from bot.platforms.matrix.tokens import TokenStore

if TYPE_CHECKING:
    from bot.platforms.matrix.client import Batch

log = logging.getLogger(__name__)

STORAGE_RETRY_MAX = 5.0  # events waiting for the database are tried again at least this often
Part = tuple[str, Job]  # a room id and what to do there
PartsOf = Callable[["Batch"], list[Part]]


@dataclass
class _Pending:
    """A batch whose rooms are not all handled yet."""

    token: str
    barrier: int
    left: int


class HandOver:
    """Per-room lanes for the batches of one sync loop, and the token they allow storing."""

    def __init__(
        self,
        tokens: TokenStore,
        parts_of: PartsOf,
        saved: str | None,
        on_acknowledged: Callable[[int], None],
    ) -> None:
        self.tokens = tokens
        self.parts_of = parts_of
        self.on_acknowledged = on_acknowledged  # with the newest barrier handled
        self.lanes = Lanes("matrix-room")
        self._pending: deque[_Pending] = deque()
        self._saved = self._acked = saved
        self._barrier = 0
        self._wake = asyncio.Event()
        self._settled = asyncio.Event()
        self._settled.set()
        self._saver: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._saver = asyncio.create_task(self._save_forever(), name="matrix-token")

    def put(self, batch: Batch) -> None:
        """Queue each room's part of `batch` on that room's lane (never waits)."""
        parts = self.parts_of(batch)
        pending = _Pending(batch.token, batch.barrier, len(parts))
        self._pending.append(pending)
        self._settled.clear()
        for room_id, job in parts:
            self.lanes.put(room_id, partial(self._until_handled, room_id, job, pending))
        if not parts:
            self._acknowledge()

    async def _until_handled(self, room_id: str, job: Job, pending: _Pending) -> None:
        """While the database is not answering, this room waits (and the token stays)."""
        backoff = Backoff(maximum=STORAGE_RETRY_MAX)
        while True:
            try:
                await job()
                break
            except NotHandled as e:
                await backoff.wait(
                    f"handling events in {room_id} (the database is not answering)", e
                )
            except Exception:
                log.exception("handling the events of %s failed; moving on", room_id)
                break
        pending.left -= 1
        if pending.left == 0:
            self._acknowledge()

    def _acknowledge(self) -> None:
        """Every batch handled up to the first one that is not: its token may be stored."""
        while self._pending and self._pending[0].left == 0:
            done = self._pending.popleft()
            self._acked = done.token
            self._barrier = max(self._barrier, done.barrier)
        self._wake.set()

    async def _save_forever(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            token, barrier = self._acked, self._barrier
            if token is not None and token != self._saved:
                await self._save(token)
            if barrier:
                self.on_acknowledged(barrier)
            if not self._pending and self._saved == self._acked:
                self._settled.set()

    async def _save(self, token: str) -> None:
        backoff = Backoff(maximum=STORAGE_RETRY_MAX)
        while True:
            try:
                await self.tokens.save(token)
                self._saved = token
                return
            except Exception as e:
                await backoff.wait("storing the sync token", e)

    async def stop(self, drain: float) -> None:
        """Let the rooms finish what was received (up to `drain` s) and store the token."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._settled.wait(), drain)
        if self._pending:
            log.warning("stopping with %d sync batches not fully handled", len(self._pending))
        await self.lanes.stop()
        if self._saver is not None:
            self._saver.cancel()
            await asyncio.gather(self._saver, return_exceptions=True)
