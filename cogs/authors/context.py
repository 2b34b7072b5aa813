"""Where a class is in its book (the chapter, the current thread), and keeping names in class.

Pure lookups and text work shared by questions and answers; no posting.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Member, Question, Session

STARTED = ("running", "done")
NAME_PLACEHOLDER = "[name]"


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
        found[class_id] = Place(chapter, thread, state == "running")
    return found


async def class_people(db: AsyncSession, class_id: int) -> list[tuple[str, str]]:
    """(platform id, display name) of everyone the class knows, for de-identifying:
    its members and everyone who ever asked a question there."""
    members = select(Member.user_id, Member.display_name).where(Member.classroom_id == class_id)
    askers = select(Question.student_id, Question.student_name).where(
        Question.classroom_id == class_id
    )
    rows = await db.execute(members.union(askers))
    return [(uid, name) for uid, name in rows]


def _handles(user_id: str, name: str) -> list[str]:
    """Ways a person may be written: full id, Matrix localpart, display name."""
    found = [user_id, name]
    if user_id.startswith("@") and ":" in user_id:
        found.append(user_id[1:].split(":", 1)[0])
    return [h for h in found if len(h.strip()) >= 2]


# any account written out, known to the class or not: Matrix ids and links, Discord mentions
ACCOUNT = re.compile(
    r"(?:https?://matrix\.to/#/)?@[\w.=/+-]+:[\w.-]+(?::\d+)?|<@!?\d+>", re.IGNORECASE
)


def deidentify(text: str, people: Iterable[tuple[str, str]]) -> str:
    """The text with every account, and every known student username and name, replaced."""
    text = ACCOUNT.sub(NAME_PLACEHOLDER, text)
    handles = sorted(
        {h for uid, name in people for h in _handles(uid, name)}, key=len, reverse=True
    )
    for handle in handles:
        pattern = rf"(?<![\w@]){re.escape(handle)}(?!\w)"
        text = re.sub(pattern, NAME_PLACEHOLDER, text, flags=re.IGNORECASE)
    return text
