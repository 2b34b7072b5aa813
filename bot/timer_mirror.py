"""Timers that follow a feature's own rows (a session's next step): written in the
feature's transaction, so the row and its timer change together or not at all.

The feature says which timers it wants as a query of (key, due time); `follow` makes
the timer table agree with it in the caller's transaction, and the caller wakes the
timers (`Timers.replan`) once that transaction is committed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, literal, literal_column, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import TimerRow


async def follow(
    db: AsyncSession,
    kind: str,
    wanted: Select[str, datetime | None],
    every: Select[str] | None = None,
) -> None:
    """Make the timers of `kind` agree with `wanted` (rows of key, due time): each is set
    to its wanted time (a new revision when it moves, so a run that started before does not
    delete it). With `every` (the keys of every timer of `kind` that should exist), timers
    of other keys are dropped."""
    await db.flush()  # the caller's new and changed rows, for the queries below
    if every is not None:
        await db.execute(delete(TimerRow).where(TimerRow.kind == kind, TimerRow.key.not_in(every)))
    insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else pg_insert
    rows = wanted.subquery()
    key, due = rows.c[0], rows.c[1]
    source = select(literal(kind), key, due, literal_column("'{}'"), literal(0), literal(0)).where(
        key.is_not(None), due.is_not(None)
    )
    statement = insert(TimerRow).from_select(
        ["kind", "key", "due_at", "payload", "revision", "attempts"], source
    )
    new = statement.excluded
    await db.execute(
        statement.on_conflict_do_update(
            index_elements=["kind", "key"],
            set_={"due_at": new.due_at, "revision": TimerRow.revision + 1},
            where=TimerRow.due_at != new.due_at,
        )
    )
