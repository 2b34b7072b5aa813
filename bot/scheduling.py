"""The one loop that wakes whatever waits, and the rows it wakes.

`Wakeups` is a single asyncio task sleeping until the soonest wake-up, woken early
when a sooner one is set. How long to wait comes from the injected clock; the wait
itself is measured on the machine's monotonic clock (a fake clock in tests does not
move by itself: tests run what is due with ``run_due``). The durable timer table
(``bot/timers.py``) and the session rows (`RowWakes`) both wake through it; the
database stays the truth and the wake-ups are a cache rebuilt from rows at start.

Waking twice is harmless: the database decides what is due and every post is keyed
(see bot/deliveries.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

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
        self._heap: list[tuple[float, int, str]] = []
        self._entries: dict[str, tuple[float, int, Job]] = {}
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._running: set[asyncio.Task[object]] = set()

    def __len__(self) -> int:
        return len(self._entries)

    def names(self, prefix: str) -> list[str]:
        """The names of the wake-ups set now that start with `prefix`."""
        return [name for name in self._entries if name.startswith(prefix)]

    def at(self, name: str, when: datetime, job: Job) -> None:
        """Run `job` at `when` (by the injected clock); replaces a wake-up of that name."""
        delay = max((when - self.clock.now()).total_seconds(), 0.0)
        deadline, seq = time.monotonic() + delay, next(self._seq)
        self._entries[name] = (deadline, seq, job)
        heapq.heappush(self._heap, (deadline, seq, name))
        if self._heap[0][1] == seq:  # the soonest now: the loop sleeps less
            self._wake.set()

    def cancel(self, name: str) -> None:
        """Forget the wake-up of that name (its heap entry is dropped when reached)."""
        self._entries.pop(name, None)

    async def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._loop(), name="wakeups")

    async def stop(self) -> None:
        """Stop the loop and cancel the jobs it started (what they left is in the rows)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        running = list(self._running)
        for task in running:
            task.cancel()
        for task in running:
            with contextlib.suppress(BaseException):
                await task

    async def idle(self) -> None:
        """Return once nothing is due now and no job runs (tests: let the loop catch up)."""
        while True:
            now = time.monotonic()
            due = self._task is not None and any(
                deadline <= now and self._entries.get(name, (0, -1))[1] == seq
                for deadline, seq, name in self._heap
            )
            if self._running:
                await asyncio.gather(*self._running, return_exceptions=True)
            elif due:
                await asyncio.sleep(0.01)  # the loop picks it up on its next turn
            else:
                return

    def spawn(self, job: Job) -> None:
        """Run `job` now on its own task, stopped with the loop."""
        task: asyncio.Task[object] = asyncio.get_running_loop().create_task(self._guarded(job))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            now = time.monotonic()
            while self._heap and self._heap[0][0] <= now:
                _, seq, name = heapq.heappop(self._heap)
                entry = self._entries.get(name)
                if entry is None or entry[1] != seq:
                    continue  # moved or cancelled
                del self._entries[name]
                self.spawn(entry[2])
            timeout = self._heap[0][0] - now if self._heap else None
            with contextlib.suppress(TimeoutError):  # no task of its own (unlike wait_for)
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

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
