"""The book a class is reading now, as screening needs it (title, author, characters,
chapter titles), kept per class so screening a message costs no query.

The current book is the book of the class's last session that has begun; before the
first session, the book of the next one; a class with no sessions, its latest book.
A cached answer holds until the class's next session begins (the book may change
then), a plan or book changes in this process (``forget``), or ``TTL`` passes (another
process may have changed it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.clock import Clock
from bot.db.tables import Book, Plan, Session
from bot.screening import Book as ScreeningBook

TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class _Known:
    book: ScreeningBook | None
    until: datetime


def screening_book(row: Book) -> ScreeningBook:
    """The screening value of a book row (frozen, so screening caches what it derives)."""
    return ScreeningBook(
        title=row.title,
        author=row.author or "",
        characters=tuple(row.characters or ()),
        chapters=tuple(row.chapter_titles or ()),
    )


class ClassBooks:
    """Which book each class is reading, for screening its messages."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._known: dict[int, _Known] = {}

    def forget(self) -> None:
        """A plan or a book changed: look again on each class's next message."""
        self._known.clear()

    async def current(self, db: AsyncSession, class_id: int) -> ScreeningBook | None:
        """The class's current book (see the module's docstring), or None if it has none."""
        now = self.clock.now()
        known = self._known.get(class_id)
        if known is not None and now < known.until:
            return known.book
        book, next_start = await self._look(db, class_id, now)
        until = now + TTL if next_start is None else min(now + TTL, next_start)
        self._known[class_id] = _Known(book, until)
        return book

    async def _look(
        self, db: AsyncSession, class_id: int, now: datetime
    ) -> tuple[ScreeningBook | None, datetime | None]:
        sessions = (
            select(Book, Session.starts_at)
            .join(Plan, Plan.book_id == Book.id)
            .join(Session, Session.plan_id == Plan.id)
            .where(Session.classroom_id == class_id)
        )
        began = (
            await db.execute(
                sessions.where(Session.starts_at <= now)
                .order_by(Session.starts_at.desc(), Session.id.desc())
                .limit(1)
            )
        ).first()
        coming = (
            await db.execute(
                sessions.where(Session.starts_at > now)
                .order_by(Session.starts_at, Session.id)
                .limit(1)
            )
        ).first()
        next_start = coming[1] if coming is not None else None
        if began is not None:
            return screening_book(began[0]), next_start
        if coming is not None:
            return screening_book(coming[0]), next_start
        latest = await db.scalar(
            select(Book).where(Book.classroom_id == class_id).order_by(Book.id.desc()).limit(1)
        )
        return (screening_book(latest) if latest is not None else None), None
