"""One durable timer per session that still needs the bot (kind "session", the session's
id as key), due at the session's ``next_step_at``.

``next_step_at`` says which step comes next and stays on the session row (the schedule
shows it, the runner computes it); the timer row is what wakes the bot. Every place that
changes ``next_step_at`` calls `follow` in the same transaction, so the two never differ
for long: a crash rolls both back, and each start makes the timers agree with the rows again
(`resume`). No timer waits
for a session of a class room the bot was removed from; it comes back with the bot.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, String, cast, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.states import SessionState
from bot.db.tables import Classroom, Session, UTCDateTime
from bot.timer_mirror import follow

KIND = "session"
ACTIVE = (SessionState.PLANNED, SessionState.RUNNING)


def _waiting() -> Select[str, datetime | None]:
    """(key, due) of every session that needs the bot, in a class the bot is in."""
    return (
        select(cast(Session.id, String), Session.next_step_at)
        .join(Classroom, Classroom.id == Session.classroom_id)
        .where(
            Session.state.in_(ACTIVE),
            Session.next_step_at.is_not(None),
            Classroom.away_since.is_(None),
        )
    )


def _keys() -> Select[str]:
    return _waiting().with_only_columns(cast(Session.id, String))


async def changed(db: AsyncSession, class_id: int) -> None:
    """The class's sessions changed in this transaction (planned, moved, imported, the bot
    removed or back): their timers follow."""
    await follow(db, KIND, _waiting().where(Session.classroom_id == class_id), _keys())


async def stepped(db: AsyncSession, session_id: int, when: datetime | None) -> None:
    """A run moved the session on to `when` (in this transaction): its timer moves there.
    A session with no next step keeps its timer, which the run's completion deletes."""
    if when is not None:
        at = select(literal(str(session_id), String), literal(when, UTCDateTime))
        await follow(db, KIND, at)


async def resume(db: AsyncSession) -> None:
    """At start (and when the bot leaves or comes back to a room): every timer at its
    session's next step. Makes the missing ones (rows written before timers), drops those
    of sessions that no longer wait, and runs a step that failed before the restart at
    once rather than after its back-off (as a restart always did)."""
    await follow(db, KIND, _waiting(), _keys())
