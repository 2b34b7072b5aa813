"""The waker (APScheduler) for the durable timers.

`Wakeups` holds named wake-ups on one APScheduler ``AsyncIOScheduler``: each is a
one-off job at its time, and setting a sooner one wakes the scheduler at once. How
long to wait comes from the injected clock; APScheduler measures the wait on the
machine's clock (a fake clock in tests does not move by itself: tests run what is due
with ``run_due``, the same code the jobs run). The durable timer table
(``bot/timers.py``, one job for its soonest row) wakes through it; the database stays
the truth and the job is a cache planned again from the rows at start.

Waking twice is harmless: the database decides what is due and every post is keyed
(see bot/deliveries.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.core.clock import Clock

log = logging.getLogger(__name__)
Job = Callable[[], Awaitable[object]]


class Wakeups:
    """Named wake-ups, each running its job once at its time (setting a name again moves it)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        # a job may set its own name again while it runs: let both instances be
        self._aps = AsyncIOScheduler(
            timezone=UTC, job_defaults={"max_instances": 1_000_000, "misfire_grace_time": None}
        )
        self._running: set[asyncio.Task[object]] = set()
        # wake-ups handed to APScheduler and not begun yet: name -> (seq, machine time)
        self._armed: dict[str, tuple[int, datetime]] = {}
        self._seq = itertools.count()
        self._stopped = False

    def __len__(self) -> int:
        return len(self._aps.get_jobs())

    def names(self, prefix: str) -> list[str]:
        """The names of the wake-ups set now that start with `prefix`."""
        return [job.id for job in self._aps.get_jobs() if job.id.startswith(prefix)]

    def due(self, name: str) -> datetime | None:
        """When (on the machine's clock) the wake-up of that name runs, if one is set."""
        job = self._aps.get_job(name)
        return None if job is None else job.next_run_time or job.trigger.run_date

    def at(self, name: str, when: datetime, job: Job) -> None:
        """Run `job` at `when` (by the injected clock); replaces a wake-up of that name."""
        if self._stopped:
            return
        delay = max(when - self.clock.now(), timedelta(0))
        run_date = datetime.now(UTC) + delay  # APScheduler waits on the machine's clock
        seq = next(self._seq)
        self._armed[name] = (seq, run_date)
        self._aps.add_job(
            self._run,
            "date",
            run_date=run_date,
            args=[name, seq, job],
            id=name,
            replace_existing=True,
        )

    def cancel(self, name: str) -> None:
        """Forget the wake-up of that name (nothing happens if there is none)."""
        self._armed.pop(name, None)
        with contextlib.suppress(JobLookupError):
            self._aps.remove_job(name)

    async def start(self) -> None:
        if not self._aps.running:
            self._aps.start()

    async def stop(self) -> None:
        """Stop the scheduler and cancel the jobs it started (what they left is in the rows)."""
        self._stopped = True
        if self._aps.running:
            self._aps.shutdown(wait=False)
        running = list(self._running)
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(BaseException):
                await task

    async def idle(self) -> None:
        """Return once nothing is due now and no job runs (tests: let the jobs catch up)."""
        while True:
            now = datetime.now(UTC)
            due = self._aps.running and any(at <= now for _, at in self._armed.values())
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
            elif due:
                await asyncio.sleep(0.01)  # APScheduler picks it up on its next turn
            else:
                return

    def spawn(self, job: Job) -> None:
        """Run `job` now on its own task, stopped with the scheduler."""
        if self._stopped:
            return
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(self._guarded(job))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run(self, name: str, seq: int, job: Job) -> object:
        """What APScheduler runs: the job, counted as running until it ends."""
        if self._armed.get(name, (None,))[0] == seq:
            del self._armed[name]
        if self._stopped:
            # APScheduler made the task just before `stop` and it began only after: the
            # bot has stopped (its database closed), so the job is left to the next start
            return None
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            return await self._guarded(job)
        except asyncio.CancelledError:
            return None  # stopped (see `stop`): what the job left is in the rows
        finally:
            self._running.discard(task)

    @staticmethod
    async def _guarded(job: Job) -> object:
        try:
            return await job()
        except Exception:
            log.exception("a timed job failed")
            return None
