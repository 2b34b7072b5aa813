"""Durable timers: one table (kind, key, due time, payload) for everything that waits.

The rows are the truth; the soonest ones are wake-ups in the one loop
(``bot/scheduling.py``), set again from the rows at every start, and a ``set`` that is
sooner wakes the loop at once. A feature declares the kinds it handles
(``bot/core/feature.py``, `Timer`).

A timer fires exactly once, across crashes and processes:

1. **claim**: one statement marks the row as this process's (``claimed_by``) if it is
   due and nobody holds it, or the holder's claim is older than `LEASE` (that process
   died). Only one process wins the claim.
2. **run**: the handler runs. A ``run_in`` handler gets the transaction that will
   complete the timer, so its database writes are committed with the completion or not
   at all: a crash (or a lost claim) rolls them back, and the next claim runs them once.
   A ``run`` handler's effects are keyed (deliveries, state rows), so running it again
   after a crash between its effects and the completion does not repeat them.
3. **complete**: in that same transaction (``run_in``) or the next (``run``), the row is
   deleted, or moved to its next time for a repeating timer, but only while this
   process still holds the claim at the revision it claimed. A ``set`` during the run
   bumps the revision: the run then only lets go of its claim, and the new time stands.

A handler that raises lets go of its claim and is tried again later (backing off); a
stop lets go of this process's claims, so the next start runs them at once. A crash
leaves the claim: it is taken over once the lease has passed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import case, delete, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.feature import Due, Timer
from bot.db.faults import is_storage_fault
from bot.db.tables import TimerRow, UTCDateTime
from bot.scheduling import HORIZON, Wakeups

log = logging.getLogger(__name__)
LEASE = timedelta(minutes=10)  # a claim older than this belongs to a process that died
RETRY_FIRST, RETRY_MAX = timedelta(seconds=30), timedelta(hours=1)


class TimerLost(Exception):
    """Another process took the timer over while this one ran it: this run's writes go."""


class Claim:
    """This process holds a timer row: the revision it claimed, and what it was told."""

    def __init__(self, row: TimerRow) -> None:
        self.id, self.revision, self.attempts = row.id, row.revision, row.attempts
        self.due = Due(row.kind, row.key, row.due_at, dict(row.payload or {}))


class Timers:
    """Sets, wakes and runs the durable timers of every feature."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock, wakeups: Wakeups
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.wakeups = wakeups
        self.token = secrets.token_hex(8)  # this process, in ``claimed_by``
        self._kinds: dict[str, Timer] = {}
        self._refresh_at: datetime | None = None
        self._later: dict[tuple[str, str], datetime] = {}  # set by `later`, not run yet

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
            when = await self._upsert(db, kind, key, due, payload or {}, keep_sooner)
        self._plan(kind, key, when)
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
        """Forget the timer `kind`/`key` (nothing happens if it has none)."""
        async with self.sessionmaker.begin() as db:
            await db.execute(delete(TimerRow).where(TimerRow.kind == kind, TimerRow.key == key))
        self.wakeups.cancel(_name(kind, key))

    async def _upsert(
        self,
        db: AsyncSession,
        kind: str,
        key: str,
        due: datetime,
        payload: dict[str, Any],
        keep_sooner: bool,
    ) -> datetime:
        insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else pg_insert
        at = literal(due, UTCDateTime)
        when: Any = at
        if keep_sooner:  # a timer running now counts as done: the new time stands
            sooner = case((TimerRow.due_at < at, TimerRow.due_at), else_=at)
            when = case((TimerRow.claimed_by.is_not(None), at), else_=sooner)
        # a new revision: a run that started before this set does not delete the timer
        new = {"due_at": when, "revision": TimerRow.revision + 1}
        if not keep_sooner:
            new["payload"] = payload
        statement = (
            insert(TimerRow)
            .values(kind=kind, key=key, due_at=due, payload=payload, revision=0, attempts=0)
            .on_conflict_do_update(index_elements=["kind", "key"], set_=new)
        )
        await db.execute(statement)
        now_due: datetime | None = await db.scalar(
            select(TimerRow.due_at).where(TimerRow.kind == kind, TimerRow.key == key)
        )
        assert now_due is not None
        return now_due

    # ---- waking ----

    async def start(self) -> None:
        """Make the rows of repeating timers that have none yet, then wake what is near."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            have = set(await db.scalars(select(TimerRow.kind).where(TimerRow.key == "")))
            for timer in self._kinds.values():
                if timer.every is not None and timer.durable and timer.kind not in have:
                    await self._upsert(db, timer.kind, "", now + timer.first, {}, True)
        for timer in self._kinds.values():
            if not timer.durable:
                self.wakeups.at(
                    _name(timer.kind, ""), now + timer.first, partial(self._local, timer)
                )
        await self.refresh()

    async def refresh(self) -> int:
        """Wake-ups for every row due within the horizon; the next row beyond it wakes
        the next refresh (no polling). Returns how many rows were planned."""
        until = self.clock.now() + HORIZON
        async with self.sessionmaker() as db:
            rows = (
                await db.execute(
                    select(TimerRow.kind, TimerRow.key, TimerRow.due_at).where(
                        TimerRow.due_at <= until
                    )
                )
            ).all()
            beyond = await db.scalar(
                select(func.min(TimerRow.due_at)).where(TimerRow.due_at > until)
            )
        for kind, key, when in rows:
            self._plan(kind, key, when)
        self._refresh_at = None
        self._refresh_before(until + HORIZON if beyond is None else beyond)
        return len(rows)

    def _refresh_before(self, when: datetime) -> None:
        """Refresh once `when` comes within the horizon (if that is sooner than planned)."""
        if self._refresh_at is None or when - HORIZON < self._refresh_at:
            self._refresh_at = when - HORIZON
            self.wakeups.at("timers-refresh", self._refresh_at, self.refresh)

    def _plan(self, kind: str, key: str, when: datetime) -> None:
        if kind not in self._kinds or not self._kinds[kind].durable:
            return  # a kind no feature here handles (any more): its row waits
        if when <= self.clock.now() + HORIZON:
            self.wakeups.at(_name(kind, key), when, partial(self.fire, kind, key))
        else:
            self._refresh_before(when)

    async def run_due(self, kinds: Iterable[str] | None = None) -> int:
        """Run every durable timer due by the clock now (of these kinds, if given), as the
        loop would; for tests with a fake clock. Returns how many ran."""
        query = select(TimerRow.kind, TimerRow.key).where(TimerRow.due_at <= self.clock.now())
        if kinds is not None:
            query = query.where(TimerRow.kind.in_(list(kinds)))
        async with self.sessionmaker() as db:
            rows = (await db.execute(query.order_by(TimerRow.due_at, TimerRow.id))).all()
        ran = 0
        for kind, key in rows:
            ran += await self.fire(kind, key)
        return ran

    # ---- firing: claim → run → complete ----

    async def fire(self, kind: str, key: str) -> bool:
        """Run the timer if it is due and this process wins the claim; True if it ran."""
        timer = self._kinds.get(kind)
        if timer is None:
            return False
        try:
            claim = await self._claim(kind, key)
        except Exception as e:
            if not is_storage_fault(e):
                raise
            log.warning("timer %s/%s: the database does not answer (%s); later", kind, key, e)
            self.wakeups.at(
                _name(kind, key), self.clock.now() + RETRY_FIRST, partial(self.fire, kind, key)
            )
            return False
        if claim is None:
            return False
        self._later.pop((kind, key), None)  # a `later` from now on sets it again
        try:
            if timer.run_in is not None:
                async with self.sessionmaker.begin() as db:
                    await timer.run_in(db, claim.due)
                    when = await self._complete(db, claim, timer)
            else:
                assert timer.run is not None
                await timer.run(claim.due)
                async with self.sessionmaker.begin() as db:
                    when = await self._complete(db, claim, timer)
        except TimerLost:
            log.info("timer %s/%s was taken over by another process", kind, key)
            return False
        except Exception:
            log.exception("timer %s/%s failed; it is tried again later", kind, key)
            await self._failed(claim)
            return False
        if when is not None:
            self._plan(kind, key, when)
        return True

    async def _claim(self, kind: str, key: str) -> Claim | None:
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            result = await db.execute(
                update(TimerRow)
                .where(
                    TimerRow.kind == kind,
                    TimerRow.key == key,
                    TimerRow.due_at <= now,
                    (TimerRow.claimed_by.is_(None)) | (TimerRow.claimed_at <= now - LEASE),
                )
                .values(claimed_by=self.token, claimed_at=now, attempts=TimerRow.attempts + 1)
            )
            row = await db.scalar(
                select(TimerRow).where(TimerRow.kind == kind, TimerRow.key == key)
            )
        if getattr(result, "rowcount", 0) == 1 and row is not None:
            return Claim(row)
        if row is not None:  # not due yet, or held: wake again when that may have changed
            again = row.due_at
            if row.claimed_at is not None and row.claimed_by is not None and row.due_at <= now:
                again = row.claimed_at + LEASE
            self._plan(kind, key, max(again, now))
        return None

    async def _complete(self, db: AsyncSession, claim: Claim, timer: Timer) -> datetime | None:
        """Delete the row (or move a repeating one on) if this run still holds it; returns
        when it is due next, if it is."""
        ours = (
            TimerRow.id == claim.id,
            TimerRow.claimed_by == self.token,
            TimerRow.revision == claim.revision,
        )
        now = self.clock.now()
        if timer.every is None:
            done = await db.execute(delete(TimerRow).where(*ours))
            upcoming = None
        else:
            upcoming = claim.due.due_at + timer.every  # on its cadence, without catching up
            if upcoming <= now:
                upcoming = now + timer.every
            done = await db.execute(
                update(TimerRow).where(*ours).values(due_at=upcoming, **_RELEASED)
            )
        if getattr(done, "rowcount", 0) == 1:
            return upcoming
        # set again while it ran: only let go, the new time stands
        let_go = await db.execute(
            update(TimerRow)
            .where(TimerRow.id == claim.id, TimerRow.claimed_by == self.token)
            .values(**_RELEASED)
        )
        if getattr(let_go, "rowcount", 0) != 1:
            raise TimerLost(claim.due.kind)
        return await db.scalar(select(TimerRow.due_at).where(TimerRow.id == claim.id))

    async def _failed(self, claim: Claim) -> None:
        wait = min(RETRY_FIRST * 2 ** max(claim.attempts - 1, 0), RETRY_MAX)
        again = self.clock.now() + wait
        try:
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(TimerRow)
                    .where(
                        TimerRow.id == claim.id,
                        TimerRow.claimed_by == self.token,
                        TimerRow.revision == claim.revision,
                    )
                    .values(due_at=again, claimed_by=None, claimed_at=None)
                )
                await db.execute(
                    update(TimerRow)
                    .where(TimerRow.id == claim.id, TimerRow.claimed_by == self.token)
                    .values(claimed_by=None, claimed_at=None)
                )
                again = (
                    await db.scalar(select(TimerRow.due_at).where(TimerRow.id == claim.id)) or again
                )
        except Exception as e:  # the claim stays; it is taken over once the lease passed
            log.warning("timer %s: could not let go after the failure: %s", claim.due.kind, e)
            again = self.clock.now() + LEASE
        self._plan(claim.due.kind, claim.due.key, again)

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
        """Let go of every claim of this process (at stop): the next start runs them."""
        try:
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(TimerRow).where(TimerRow.claimed_by == self.token).values(**_RELEASED)
                )
        except Exception as e:
            log.warning("could not let go of the timers of this process: %s", e)


_RELEASED: dict[str, Any] = {"claimed_by": None, "claimed_at": None, "attempts": 0}


def _name(kind: str, key: str) -> str:
    return f"timer:{kind}:{key}"
