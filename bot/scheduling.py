"""APScheduler as a cache of rows: one timer per unfinished session, rebuilt at start.

The database decides what is due; a timer only says "look now". Firing twice
is harmless because every post is keyed (see bot/deliveries.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.clock import Clock

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(seconds=30)
# only sessions due within the horizon hold a timer; a refresh job looks further ahead
HORIZON = timedelta(hours=6)
REFRESH_EVERY = timedelta(minutes=10)


class Scheduler:
    """Wakes the session runner at each session's next due time."""

    def __init__(
        self,
        clock: Clock,
        unfinished: Callable[[datetime | None], Awaitable[list[tuple[int, datetime]]]],
        run: Callable[[int], Awaitable[datetime | None]],
    ) -> None:
        self.clock = clock
        self._unfinished = unfinished
        self._run = run
        self._aps = AsyncIOScheduler(timezone=UTC)
        self._locks: dict[int, asyncio.Lock] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start timers from the rows and post what is already due."""
        self._aps.start()
        self._aps.add_job(
            self.rebuild, "interval", seconds=REFRESH_EVERY.total_seconds(), id="refresh"
        )
        await self.rebuild()

    def every(
        self, interval: timedelta, job: Callable[[], Awaitable[object]], *, now: bool = True
    ) -> None:
        """Run housekeeping (like the retention clean-up) regularly: at start too, unless
        ``now`` is False (the job already ran at start)."""
        first = datetime.now(UTC) + (timedelta(0) if now else interval)
        self._aps.add_job(job, "interval", seconds=interval.total_seconds(), next_run_time=first)

    async def stop(self) -> None:
        self._aps.shutdown(wait=False)
        for t in list(self._tasks):
            t.cancel()

    async def rebuild(self) -> int:
        """Make the timers for the next hours again from the database; returns how many."""
        jobs = await self._unfinished(self.clock.now() + HORIZON)
        wanted = {f"session:{sid}" for sid, _ in jobs}
        for job in self._aps.get_jobs():
            if job.id.startswith("session:") and job.id not in wanted:
                job.remove()
        for session_id, when in jobs:
            self._plan(session_id, when)
        return len(jobs)

    def changed(self) -> None:
        """Rows changed (a new plan or prompt): rebuild the timers soon."""
        task = asyncio.get_running_loop().create_task(self.rebuild())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run_due(self) -> int:
        """Run every session due by the clock now; used at start and with a fake clock."""
        due = [sid for sid, _ in await self._unfinished(self.clock.now())]
        for sid in due:
            await self._fire(sid)
        return len(due)

    def _plan(self, session_id: int, when: datetime) -> None:
        if when > self.clock.now() + HORIZON:
            return  # the refresh job plans it when it comes closer
        self._aps.add_job(
            self._fire,
            "date",
            # timers run on the machine's clock; the delay comes from the injected one
            run_date=datetime.now(UTC) + max(when - self.clock.now(), timedelta(0)),
            args=[session_id],
            id=f"session:{session_id}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    async def _fire(self, session_id: int) -> None:
        # one run per session at a time; different sessions run side by side
        lock = self._locks.setdefault(session_id, asyncio.Lock())
        async with lock:
            try:
                next_due = await self._run(session_id)
            except Exception:
                log.exception("session %s failed; retrying in %s", session_id, RETRY_AFTER)
                next_due = self.clock.now() + RETRY_AFTER
            if next_due is not None:
                self._plan(session_id, next_due)
        if not lock.locked():
            self._locks.pop(session_id, None)
