"""Work in order per key, keys independent of each other: one worker task per busy key.

A room's (or a class's) jobs run one after another, so what happened in it keeps its
order; a slow job in one room never holds up another room. A worker ends when its
key has nothing left to do, so thousands of quiet rooms cost nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from functools import partial

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]


class Lanes:
    """Ordered queues of jobs by key, each drained by its own task."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._queues: dict[str, deque[Job]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()
        self._marks: set[asyncio.Future[None]] = set()

    def put(self, key: str, job: Job) -> None:
        """Run `job` after every job put under `key` before it."""
        queue = self._queues.get(key)
        if queue is None:
            queue = self._queues[key] = deque()
            task = asyncio.create_task(self._work(key, queue), name=f"{self.name}:{key}")
            self._workers[key] = task
        queue.append(job)
        self._idle.clear()

    @property
    def waiting(self) -> int:
        """Jobs queued or running, over all keys."""
        return sum(len(q) for q in self._queues.values())

    async def _work(self, key: str, queue: deque[Job]) -> None:
        try:
            while queue:
                try:
                    await queue[0]()
                except Exception:  # the job's own handling decides about retries
                    log.exception("%s: a job for %s failed", self.name, key)
                queue.popleft()
        finally:
            if self._queues.get(key) is queue:
                del self._queues[key]
                del self._workers[key]
            if not self._queues:
                self._idle.set()

    async def idle(self) -> None:
        """Return once no key has anything left to do."""
        while not self._idle.is_set():
            await self._idle.wait()

    async def caught_up(self) -> None:
        """Return once every job put so far has run (jobs put later may still wait)."""
        loop = asyncio.get_running_loop()
        marks: list[asyncio.Future[None]] = []
        for key in list(self._queues):
            mark: asyncio.Future[None] = loop.create_future()
            self._marks.add(mark)
            mark.add_done_callback(self._marks.discard)
            marks.append(mark)
            self.put(key, partial(_reached, mark))
        await asyncio.gather(*marks)

    async def drain(self, seconds: float) -> None:
        """Wait up to `seconds` for every key to have nothing left to do."""
        if seconds > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.idle(), seconds)

    async def stop(self, drain: float = 0.0) -> None:
        """Let running work finish for up to `drain` seconds, then cancel the rest."""
        await self.drain(drain)
        if self.waiting:
            log.warning("%s: stopping with %d job(s) not done", self.name, self.waiting)
        workers = list(self._workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for mark in list(self._marks):
            mark.cancel()


async def _reached(mark: asyncio.Future[None]) -> None:
    if not mark.done():
        mark.set_result(None)
