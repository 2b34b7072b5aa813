"""The waker (APScheduler) and the rows it wakes.

`Wakeups` holds named wake-ups on one APScheduler ``AsyncIOScheduler``: each is a
one-off job at its time, and setting a sooner one wakes the scheduler at once. How
long to wait comes from the injected clock; APScheduler measures the wait on the
machine's clock (a fake clock in tests does not move by itself: tests run what is due
with ``run_due``, the same code the jobs run). The durable timer table
(``bot/timers.py``, one job for its soonest row) and the session rows (`RowWakes`)
both wake through it; the database stays the truth and the jobs are a cache rebuilt
from rows at start.

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
RETRY_AFTER = timedelta(seconds=30)
# only rows due within the horizon hold a wake-up; the next one beyond it wakes a refresh
HORIZON = timedelta(hours=6)
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


class RowWakes:
    """Wakes rows that are their own truth (a session's ``next_step_at``) at each due time:
    `unfinished` lists (id, due) by a time, `run` does what is due for one id and returns
    when it next needs the bot, `after` says the soonest due beyond a time."""

    def __init__(
        self,
        name: str,
        wakeups: Wakeups,
        clock: Clock,
        unfinished: Callable[[datetime | None], Awaitable[list[tuple[int, datetime]]]],
        run: Callable[[int], Awaitable[datetime | None]],
        after: Callable[[datetime], Awaitable[datetime | None]],
    ) -> None:
        self.name = name
        self.wakeups = wakeups
        self.clock = clock
        self._unfinished = unfinished
        self._run = run
        self._after = after
        self._locks: dict[int, asyncio.Lock] = {}

    async def rebuild(self) -> int:
        """Make the wake-ups for the next hours again from the database; returns how many."""
        until = self.clock.now() + HORIZON
        jobs = await self._unfinished(until)
        wanted = {f"{self.name}:{rid}" for rid, _ in jobs}
        for name in self.wakeups.names(f"{self.name}:"):
            if name not in wanted:
                self.wakeups.cancel(name)
        for rid, when in jobs:
            self._plan(rid, when)
        # instead of polling: wake again when the next row beyond the horizon comes close
        beyond = await self._after(until)
        refresh = self.clock.now() + HORIZON if beyond is None else beyond - HORIZON
        self.wakeups.at(f"{self.name}-refresh", refresh, self.rebuild)
        return len(jobs)

    def changed(self) -> None:
        """Rows changed (a new plan or prompt): make the wake-ups again soon."""
        self.wakeups.spawn(self.rebuild)

    async def run_due(self) -> int:
        """Run every row due by the clock now; used with a fake clock."""
        due = [rid for rid, _ in await self._unfinished(self.clock.now())]
        for rid in due:
            await self._fire(rid)
        return len(due)

    def _plan(self, rid: int, when: datetime) -> None:
        if when > self.clock.now() + HORIZON:
            return  # the refresh plans it when it comes closer
        self.wakeups.at(f"{self.name}:{rid}", when, lambda: self._fire(rid))

    async def _fire(self, rid: int) -> None:
        # one run per row at a time; different rows run side by side
        lock = self._locks.setdefault(rid, asyncio.Lock())
        async with lock:
            try:
                next_due = await self._run(rid)
            except Exception:
                log.exception("%s %s failed; retrying in %s", self.name, rid, RETRY_AFTER)
                next_due = self.clock.now() + RETRY_AFTER
            if next_due is not None:
                self._plan(rid, next_due)
        if not lock.locked():
            self._locks.pop(rid, None)
