"""Where a class is in its book (the chapter, the current thread), and who is in the class.

Pure lookups shared by questions and answers; no posting.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.states import SessionState
from bot.db.tables import Flag, Member, Question, Session
from cogs.authors.deidentify import Person

STARTED = (SessionState.RUNNING, SessionState.DONE)


@dataclass(frozen=True)
class Place:
    """A class's latest started session: the chapter it reached and its discussion thread."""

    chapter: int | None
    thread_id: str | None
    open: bool = False  # the session is running: its thread is where the class talks now


async def places(db: AsyncSession, class_ids: Iterable[int], now: datetime) -> dict[int, Place]:
    """Each class's current place (classes without a started session are left out)."""
    ids = sorted(set(class_ids))
    found: dict[int, Place] = {}
    if not ids:
        return found
    rows = await db.execute(
        select(Session.classroom_id, Session.last_chapter, Session.thread_id, Session.state)
        .where(
            Session.classroom_id.in_(ids),
            Session.starts_at <= now,
            Session.state.in_(STARTED),
        )
        .order_by(Session.classroom_id, Session.starts_at, Session.id)
    )
    for class_id, chapter, thread, state in rows:
        # ordered by start: the latest wins
        found[class_id] = Place(chapter, thread, state == SessionState.RUNNING)
    return found


async def class_people(db: AsyncSession, class_id: int) -> list[Person]:
    """Everyone the class's rows know, for keeping names in class: its members, everyone
    who asked a question or was held there, and the teachers who decided."""
    members = select(Member.user_id, Member.display_name).where(Member.classroom_id == class_id)
    askers = select(Question.student_id, Question.student_name).where(
        Question.classroom_id == class_id
    )
    held = select(Flag.user_id, Flag.user_name).where(
        Flag.classroom_id == class_id, Flag.kind != "answer"
    )
    rows = await db.execute(members.union(askers, held))
    found = [Person(uid, name) for uid, name in rows]
    deciders = await db.scalars(
        select(Flag.decided_by).where(Flag.classroom_id == class_id).distinct()
    )
    found += [Person("", name, teacher=True) for name in deciders if name]
    return found
