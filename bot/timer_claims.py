"""The timer rows' statements (``bot/timers.py`` runs them): set, claim, complete.

Each is one statement, or a few in the caller's transaction, so that a timer fires
exactly once across crashes and processes (see ``bot/timers.py``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, literal, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.feature import Due
from bot.db.tables import TimerRow, UTCDateTime

# a claim of another process (on the same database) older than this: that process died
LEASE = timedelta(minutes=10)


class TimerLost(Exception):
    """Another process took the timer over while this one ran it: this run's writes go."""


class Claim:
    """This process holds a timer row: the revision it claimed, and what it was told."""

    def __init__(self, row: TimerRow) -> None:
        self.id, self.revision, self.attempts = row.id, row.revision, row.attempts
        self.due = Due(row.kind, row.key, row.due_at, dict(row.payload or {}))


# what a row holds when no process runs it
RELEASED: dict[str, Any] = {
    "claimed_by": None,
    "claim_boot": None,
    "claimed_at": None,
    "attempts": 0,
}


async def upsert(
    db: AsyncSession,
    kind: str,
    key: str,
    due: datetime,
    payload: dict[str, Any],
    keep_sooner: bool,
) -> datetime:
    """Make (or move) the timer `kind`/`key` to `due` in `db`'s transaction (with
    `keep_sooner`, one due sooner stays); returns when it is due now."""
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


async def claim_due(
    db: AsyncSession, kinds: list[str], now: datetime, owner: str, boot: str
) -> list[Claim]:
    """Claim every timer of `kinds` due at `now` for this process (`owner`) and start
    (`boot`), in one statement; the claimed, soonest first."""
    claimed = await db.scalars(
        update(TimerRow)
        .where(
            # `kind || ''`: found by due time (its index), not by kind, which would
            # read every session's timer (SQLite prefers the kind index otherwise)
            (TimerRow.kind + "").in_(kinds),
            TimerRow.due_at <= now,
            # free, or held by another process whose lease ran out (it died)
            (TimerRow.claimed_by.is_(None))
            | ((TimerRow.claim_boot != boot) & (TimerRow.claimed_at <= now - LEASE)),
        )
        .values(
            claimed_by=owner,
            claim_boot=boot,
            claimed_at=now,
            attempts=TimerRow.attempts + 1,
        )
        .returning(TimerRow),
        execution_options={"synchronize_session": False},
    )
    rows = list(claimed)
    return [Claim(row) for row in sorted(rows, key=lambda r: (r.due_at, r.id))]


async def complete(
    db: AsyncSession, claim: Claim, every: timedelta | None, boot: str, now: datetime
) -> datetime | None:
    """Delete the row (or move a repeating one on) if this run still holds it; returns
    when it is due next, if it is."""
    ours = (
        TimerRow.id == claim.id,
        TimerRow.claim_boot == boot,
        TimerRow.revision == claim.revision,
    )
    if every is None:
        done = await db.execute(delete(TimerRow).where(*ours))
        upcoming = None
    else:
        upcoming = claim.due.due_at + every  # on its cadence, without catching up
        if upcoming <= now:
            upcoming = now + every
        done = await db.execute(update(TimerRow).where(*ours).values(due_at=upcoming, **RELEASED))
    if getattr(done, "rowcount", 0) == 1:
        return upcoming
    # set again while it ran: only let go, the new time stands
    let_go = await db.execute(
        update(TimerRow)
        .where(TimerRow.id == claim.id, TimerRow.claim_boot == boot)
        .values(**RELEASED)
    )
    if getattr(let_go, "rowcount", 0) != 1:
        raise TimerLost(claim.due.kind)
    return await db.scalar(select(TimerRow.due_at).where(TimerRow.id == claim.id))
