"""Durable timers: one table (kind, key, due time, payload) for everything that waits.

The rows are the truth. One APScheduler job (``bot/scheduling.py``) waits for the
soonest row this process may run; a ``set`` that is sooner moves the job at once, and
every start plans it again from the rows. A feature declares the kinds it handles
(``bot/core/feature.py``, `Timer`).

A timer fires exactly once, across crashes and processes (the statements are in
``bot/timer_claims.py``):

1. **claim**: one statement marks the row as this process's (``claimed_by``, the
   process's partition, and ``claim_boot``, this start) if it is due and nobody holds
   it. A claim left by an earlier start of the same partition (it crashed or was killed)
   is let go at once when the next start begins; a claim of another partition's process,
   running at the same time on the same database, is taken over only once it is older
   than `LEASE` (that process died). Only one process wins the claim.
2. **run**: the handler runs. A ``run_in`` handler gets the transaction that will
   complete the timer, so its database writes are committed with the completion or not
   at all: a crash (or a lost claim) rolls them back, and the next claim runs them once.
   A ``run`` handler's effects are keyed (deliveries, state rows), so running it again
   after a crash between its effects and the completion does not repeat them.
3. **complete**: in that same transaction (``run_in``) or the next (``run``), the row is
   deleted, or moved to its next time for a repeating timer, but only while this start
   still holds the claim at the revision it claimed. A ``set`` during the run bumps the
   revision: the run then only lets go of its claim, and the new time stands.

A handler that raises lets go of its claim and is tried again later (backing off); a
stop lets go of this start's claims, so the next start runs them at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
from collections.abc import AsyncIterator, Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.feature import Due, Timer
from bot.db.faults import is_storage_fault
from bot.db.tables import TimerRow
from bot.scheduling import Wakeups
from bot.timer_claims import LEASE, RELEASED, Claim, TimerLost, claim_due, complete, upsert

log = logging.getLogger(__name__)
RETRY_FIRST, RETRY_MAX = timedelta(seconds=30), timedelta(hours=1)


class Timers:
    """Sets, wakes and runs the durable timers of every feature."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        wakeups: Wakeups,
        partition: str = "",
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.wakeups = wakeups
        # which process this is (the same after a restart), and which start of it
        self.owner = hashlib.sha256(partition.encode()).hexdigest()[:16]
        self.boot = secrets.token_hex(8)
        self._kinds: dict[str, Timer] = {}
        self._next: datetime | None = None  # when the job for the soonest row runs
        self._later: dict[tuple[str, str], datetime] = {}  # set by `later`, not run yet
        self._jobs_may_run = asyncio.Event()
        self._jobs_may_run.set()
        self._waking: set[asyncio.Task[object]] = set()  # jobs running what is due

    def handle(self, timers: Iterable[Timer]) -> None:
        """Run these kinds when they come due (declared by the features)."""
        for timer in timers:
            if timer.kind in self._kinds:
                raise ValueError(f"timer kind declared twice: {timer.kind}")
            if (timer.run is None) == (timer.run_in is None):
                raise ValueError(f"timer {timer.kind}: give exactly one of run and run_in")
            self._kinds[timer.kind] = timer

    # ---- setting ----

    async def set(
        self,
        kind: str,
        key: str,
        due: datetime,
        payload: dict[str, Any] | None = None,
        *,
        keep_sooner: bool = False,
    ) -> datetime:
        """Make (or move) the timer `kind`/`key` to `due`; with `keep_sooner` a timer that
        is already due sooner stays. Returns when it is due now."""
        async with self.sessionmaker.begin() as db:
            when = await upsert(db, kind, key, due, payload or {}, keep_sooner)
        if kind in self._durable():
            self._wake_at(when)
        return when

    async def later(self, kind: str, after: timedelta, key: str = "") -> None:
        """Set `kind` to run `after` from now unless it already runs sooner; a fault is
        logged, not raised (for callers on a failure path)."""
        if self._later.get((kind, key), self.clock.now()) > self.clock.now():
            return  # set already, and it has not run since
        try:
            self._later[(kind, key)] = await self.set(
                kind, key, self.clock.now() + after, keep_sooner=True
            )
        except Exception as e:
            log.warning("could not set the timer %s: %s", kind, e)

    async def cancel(self, kind: str, key: str = "") -> None:
        """Forget the timer `kind`/`key` (nothing happens if it has none; the job for the
        soonest row finds nothing to do and plans the next)."""
        async with self.sessionmaker.begin() as db:
            await db.execute(delete(TimerRow).where(TimerRow.kind == kind, TimerRow.key == key))

    # ---- waking: one job for the soonest row ----

    def _durable(self) -> list[str]:
        return [kind for kind, timer in self._kinds.items() if timer.durable]

    async def start(self) -> None:
        """Take over what an earlier start of this process left claimed (it was killed),
        make the rows of repeating timers that have none yet, then plan the soonest."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            taken = await db.execute(
                update(TimerRow)
                .where(TimerRow.claimed_by == self.owner, TimerRow.claim_boot != self.boot)
                .values(**RELEASED)
            )
            if taken_over := int(getattr(taken, "rowcount", 0) or 0):
                log.info("took over %d timer(s) an earlier start left claimed", taken_over)
            have = set(await db.scalars(select(TimerRow.kind).where(TimerRow.key == "")))
            for timer in self._kinds.values():
                if timer.every is not None and timer.durable and timer.kind not in have:
                    await upsert(db, timer.kind, "", now + timer.first, {}, True)
        for timer in self._kinds.values():
            if not timer.durable:
                self.wakeups.at(
                    _name(timer.kind, ""), now + timer.first, partial(self._local, timer)
                )
        await self._plan_soonest()

    def replan(self) -> None:
        """Rows were written in a feature's own transaction (``bot/timer_mirror.py``), now
        committed: plan the job for the soonest row again, soon."""
        self.wakeups.spawn(self._plan_soonest)

    async def _plan_soonest(self) -> None:
        """Move the job to the soonest row this process may run (sooner or later than
        planned): a free row when it is due, a row another process holds when its lease
        runs out."""
        kinds = self._durable()
        # both read the (claimed_by, due_at) index: walked in due order from the free rows,
        # and as a range over the few claimed ones (SQLite would otherwise go by kind and
        # read every session's timer); the kinds are checked on what comes back
        async with self.sessionmaker() as db:
            free = await db.scalar(
                select(TimerRow.due_at)
                .where(TimerRow.claimed_by.is_(None), TimerRow.kind.in_(kinds))
                .order_by(TimerRow.due_at)
                .limit(1)
            )
            claimed = await db.execute(
                select(TimerRow.kind, TimerRow.claimed_at).where(
                    TimerRow.claimed_by > "", TimerRow.claimed_by != self.owner
                )
            )
            others = [at for kind, at in claimed if kind in kinds and at is not None]
        held = min(others, default=None)
        soonest = [t for t in (free, None if held is None else held + LEASE) if t is not None]
        self._next = None
        if soonest:
            self._wake_at(min(soonest))
        else:
            self.wakeups.cancel(WAKE)

    def _wake_at(self, when: datetime) -> None:
        if self._next is None or when < self._next:
            self._next = when
            self.wakeups.at(WAKE, when, self._wake)

    async def _wake(self) -> None:
        """The job: run what is due, having planned the next wake-up first."""
        # not while a test runs what is due (`held`); a wait that ends as a new hold begins
        # (the job's turn came after the test had held the jobs again) waits once more
        while not self._jobs_may_run.is_set():
            await self._jobs_may_run.wait()
        self._next = None
        task = asyncio.current_task()
        assert task is not None
        self._waking.add(task)
        try:
            await self.run_due()
        finally:
            self._waking.discard(task)

    @contextlib.asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """While a test with a fake clock runs what is due itself, the job waits (a job
        already running ends first): what the test moved the clock past is run by the
        test, never beside it by the job."""
        self._jobs_may_run.clear()
        try:
            await asyncio.gather(*self._waking, return_exceptions=True)
            yield
        finally:
            self._jobs_may_run.set()

    async def run_due(self, kinds: Iterable[str] | None = None, in_order: bool = False) -> int:
        """Claim every durable timer due by the clock now (of these kinds, if given), plan
        the job for the next, then run the claimed side by side (`in_order`: one after the
        other, soonest first). The job runs this; tests with a fake clock call it. Returns
        how many ran."""
        wanted = self._durable() if kinds is None else [k for k in kinds if k in self._durable()]
        claims: list[Claim] = []
        try:
            claims = await self._claim(wanted)
            await self._plan_soonest()
        except Exception as e:  # what was claimed still runs below
            if not is_storage_fault(e):
                raise
            log.warning("timers: the database does not answer (%s); again later", e)
            self._wake_at(self.clock.now() + RETRY_FIRST)
        if in_order:
            return sum([await self._run(c) for c in claims])
        # return_exceptions: cancelled (the bot stops), gather waits for every run to end
        # instead of returning at the first cancelled one and leaving the rest running on
        ran = await asyncio.gather(*(self._run(c) for c in claims), return_exceptions=True)
        for outcome in ran:
            if isinstance(outcome, BaseException):
                raise outcome  # `_run` keeps what an Exception does: a crash, or the stop
        return sum(outcome is True for outcome in ran)

    # ---- firing: claim → run → complete ----

    async def _claim(self, kinds: list[str]) -> list[Claim]:
        """Claim every timer of `kinds` due now; the claimed, soonest first."""
        if not kinds:
            return []
        async with self.sessionmaker.begin() as db:
            return await claim_due(db, kinds, self.clock.now(), self.owner, self.boot)

    async def _run(self, claim: Claim) -> bool:
        """Run a claimed timer and complete it; True if it ran."""
        kind, key = claim.due.kind, claim.due.key
        timer = self._kinds[kind]
        self._later.pop((kind, key), None)  # a `later` from now on sets it again
        try:
            if timer.run_in is not None:
                async with self.sessionmaker.begin() as db:
                    await timer.run_in(db, claim.due)
                    when = await complete(db, claim, timer.every, self.boot, self.clock.now())
            else:
                assert timer.run is not None
                await timer.run(claim.due)
                async with self.sessionmaker.begin() as db:
                    when = await complete(db, claim, timer.every, self.boot, self.clock.now())
        except TimerLost:
            log.info("timer %s/%s was taken over by another process", kind, key)
            return False
        except Exception:
            log.exception("timer %s/%s failed; it is tried again later", kind, key)
            await self._failed(claim)
            return False
        if when is not None:
            self._wake_at(when)
        return True

    async def _failed(self, claim: Claim) -> None:
        wait = min(RETRY_FIRST * 2 ** max(claim.attempts - 1, 0), RETRY_MAX)
        again = self.clock.now() + wait
        try:
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(TimerRow)
                    .where(
                        TimerRow.id == claim.id,
                        TimerRow.claim_boot == self.boot,
                        TimerRow.revision == claim.revision,
                    )
                    .values(due_at=again, claimed_by=None, claim_boot=None, claimed_at=None)
                )
                await db.execute(
                    update(TimerRow)
                    .where(TimerRow.id == claim.id, TimerRow.claim_boot == self.boot)
                    .values(claimed_by=None, claim_boot=None, claimed_at=None)
                )
                again = (
                    await db.scalar(select(TimerRow.due_at).where(TimerRow.id == claim.id)) or again
                )
        except Exception as e:  # the claim stays; the next start (or the lease) frees it
            log.warning("timer %s: could not let go after the failure: %s", claim.due.kind, e)
            again = self.clock.now() + LEASE
        self._wake_at(again)

    async def _local(self, timer: Timer) -> None:
        """A timer kept in memory (it must run while the database does not answer)."""
        assert timer.run is not None and timer.every is not None
        due = Due(timer.kind, "", self.clock.now())
        try:
            await timer.run(due)
        finally:
            when = self.clock.now() + timer.every
            self.wakeups.at(_name(timer.kind, ""), when, partial(self._local, timer))

    async def release(self) -> None:
        """Let go of every claim of this start (at stop): the next start runs them."""
        try:
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(TimerRow).where(TimerRow.claim_boot == self.boot).values(**RELEASED)
                )
        except Exception as e:
            log.warning("could not let go of the timers of this process: %s", e)


WAKE = "timers"  # the name of the one job that waits for the soonest row


def _name(kind: str, key: str) -> str:
    return f"timer:{kind}:{key}"
