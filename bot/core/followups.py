"""Work that follows an event but must not hold up the next one.

After a hold, the review for the teacher, the note to the student and the
reactions are slow posts; the next student's message should not wait behind
them. Whoever handles an event decides: by default a follow-up runs at once
(the caller waits for it, as tests and simple adapters expect); inside
``behind()`` it is queued instead, in order per key (a class), on its own task.
Follow-ups must be safe to run again (keyed deliveries), because a restart drops
the queue and the feature's ``resume`` finishes what was left.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from functools import partial

from bot.core.lanes import Job, Lanes

log = logging.getLogger(__name__)

ATTEMPTS = 3  # a follow-up failing for another reason is left to the feature's resume
RETRY_MAX = 5.0


class FollowUps:
    """Runs follow-ups now, or behind the event that caused them (in order per key)."""

    def __init__(self, transient: Callable[[BaseException], bool] = lambda e: False) -> None:
        self.transient = transient
        self.lanes = Lanes("follow-up")
        self._behind: ContextVar[bool] = ContextVar(f"follow-ups-{id(self)}", default=False)

    @contextlib.contextmanager
    def behind(self) -> Iterator[None]:
        """Within this block, follow-ups are queued instead of awaited."""
        token = self._behind.set(True)
        try:
            yield
        finally:
            self._behind.reset(token)

    @property
    def deferring(self) -> bool:
        """Whether a follow-up asked for now would run behind the current event."""
        return self._behind.get()

    async def run(self, key: str, job: Job) -> None:
        """Do `job` now, or (inside ``behind()``) after the earlier follow-ups of `key`."""
        if not self._behind.get():
            await job()
            return
        self.lanes.put(key, partial(self._until_done, key, job))

    async def _until_done(self, key: str, job: Job) -> None:
        token = self._behind.set(False)  # a follow-up's own follow-ups run within it
        try:
            delay, attempts = 0.2, 0
            while True:
                try:
                    await job()
                    return
                except Exception as e:
                    attempts += 1
                    if not self.transient(e) and attempts >= ATTEMPTS:
                        log.exception("a follow-up for %s failed; it is tried again later", key)
                        return
                    log.warning("a follow-up for %s failed (%s); retrying in %.1f s", key, e, delay)
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX)
        finally:
            self._behind.reset(token)

    async def caught_up(self) -> None:
        """Return once every follow-up queued so far is done."""
        await self.lanes.caught_up()

    async def idle(self) -> None:
        """Return once no follow-up is waiting or running."""
        await self.lanes.idle()

    async def drain(self, seconds: float) -> None:
        """Wait up to `seconds` for the follow-ups queued or running to end."""
        await self.lanes.drain(seconds)

    async def stop(self, drain: float = 0.0) -> None:
        """Finish follow-ups for up to `drain` seconds, then drop the rest (resumed later)."""
        await self.lanes.stop(drain)
