"""Books, plans, prompts and the calendar of a class's read-aloud."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import NotFound, UserError
from bot.core.model import Actor
from bot.db import audit
from bot.db.states import SessionState
from bot.db.tables import Book, Plan, Prompt, Session
from cogs.classroom.service import ClassInfo
from cogs.readaloud import session_timers
from cogs.readaloud.calendar import chapters_label, relative, sessions_for
from cogs.readaloud.steps import NUMBER_KEYS, first_step_at

PROMPT_KINDS = ("question", "summary", "prediction", "poll", "opinion")


@dataclass(frozen=True)
class SessionView:
    """A session as the class sees it."""

    number: int
    book: str
    local_start: str
    relative: str
    chapters: str
    state: str


class ReadAloudService:
    """What teachers plan: books, plans with sessions, and chapter prompts."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_schedule_change: Callable[[], None] = lambda: None,
        on_book_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.on_schedule_change = on_schedule_change
        self.on_book_change = on_book_change  # a book added or changed (no schedule change)

    async def add_book(
        self, cls: ClassInfo, title: str, chapters: int, author: str, actor: Actor
    ) -> str:
        """Add a book to the class (or update its chapter count)."""
        if chapters < 1:
            raise UserError("chapters must be at least 1")
        async with self.sessionmaker.begin() as db:
            books = await db.scalars(select(Book).where(Book.classroom_id == cls.id))
            # compared in Python: SQLite's lower() leaves non-ASCII letters alone
            book = next((b for b in books if b.title.casefold() == title.casefold()), None)
            if book is None:
                db.add(Book(classroom_id=cls.id, title=title, chapters=chapters, author=author))
            else:
                book.chapters, book.author = chapters, author or book.author
            audit.record(db, self.clock.now(), cls.id, actor.user.id, "book.add", title=title)
        self.on_book_change()
        return title

    async def book(self, db: AsyncSession, cls: ClassInfo, title: str | None) -> Book:
        """The named book, or the class's latest book when none is named."""
        books = list(
            await db.scalars(select(Book).where(Book.classroom_id == cls.id).order_by(Book.id))
        )
        if not books:
            raise NotFound(
                'This class has no book yet. Add one with: readaloud book "Title" chapters=12'
            )
        if title is None:
            return books[-1]
        for b in books:
            if b.title.casefold() == title.casefold():
                return b
        names = ", ".join(f'"{b.title}"' for b in books)
        raise NotFound(f'I don\'t know the book "{title}". This class has: {names}')

    async def plan(
        self,
        cls: ClassInfo,
        title: str | None,
        start: date,
        weekdays: tuple[str, ...],
        at: time,
        per_session: int,
        actor: Actor,
        window_minutes: int = 60,
        reminder_minutes: int = 0,
    ) -> list[SessionView]:
        """Plan a book's sessions; replaces sessions of the book that have not started."""
        if per_session < 1:
            raise UserError("per must be at least 1 chapter per session")
        if not 5 <= window_minutes <= 24 * 60:
            raise UserError("window is the discussion time in minutes, from 5 to 1440")
        if not 0 <= reminder_minutes <= 24 * 60:
            raise UserError("reminder is minutes before the session, from 0 to 1440")
        today = self.clock.now().astimezone(ZoneInfo(cls.timezone)).date()
        if start < today:
            raise UserError(f"start is in the past; use a date from {today.isoformat()} on")
        async with self.sessionmaker.begin() as db:
            book = await self.book(db, cls, title)
            planned = sessions_for(start, weekdays, at, cls.timezone, book.chapters, per_session)
            if planned and planned[0].starts_at <= self.clock.now():
                planned = [p for p in planned if p.starts_at > self.clock.now()]
                if not planned:
                    raise UserError(
                        "That time has already passed today; pick a later time or date."
                    )
            old = select(Plan.id).where(Plan.book_id == book.id)
            await db.execute(
                delete(Session).where(
                    Session.plan_id.in_(old), Session.state == SessionState.PLANNED
                )
            )
            plan = Plan(
                classroom_id=cls.id,
                book_id=book.id,
                start_date=start,
                weekdays=",".join(weekdays),
                time_of_day=at.strftime("%H:%M"),
                chapters_per_session=per_session,
                window_minutes=window_minutes,
                reminder_minutes=reminder_minutes,
                created_at=self.clock.now(),
            )
            db.add(plan)
            await db.flush()
            for p in planned:
                db.add(
                    Session(
                        plan_id=plan.id,
                        classroom_id=cls.id,
                        number=p.number,
                        starts_at=p.starts_at,
                        first_chapter=p.first_chapter,
                        last_chapter=p.last_chapter,
                        next_step_at=first_step_at(p.starts_at, reminder_minutes),
                    )
                )
            audit.record(
                db,
                self.clock.now(),
                cls.id,
                actor.user.id,
                "plan.create",
                book=book.title,
                sessions=len(planned),
            )
            await session_timers.changed(db, cls.id)
        self.on_schedule_change()
        return await self.schedule(cls)

    async def add_prompt(
        self,
        cls: ClassInfo,
        title: str | None,
        chapter: int,
        text: str,
        kind: str,
        offset_minutes: int,
        actor: Actor,
        char_limit: int = 140,
    ) -> int:
        """Add a prompt to a chapter; it is posted in that chapter's session thread.

        Polls and opinions take their choices after the question: "Who? | A | B".
        """
        if kind not in PROMPT_KINDS:
            raise UserError(f"kind must be one of: {', '.join(PROMPT_KINDS)}")
        if offset_minutes < 0:
            raise UserError("offset is minutes after the session starts, 0 or more")
        options: list[str] = []
        if kind in ("poll", "opinion"):
            text, *options = [part.strip() for part in text.split("|")]
            options = [o for o in options if o]
            if not 2 <= len(options) <= len(NUMBER_KEYS):
                raise UserError(
                    f"A {kind} needs 2 to {len(NUMBER_KEYS)} choices after the question, "
                    "separated by |, like: Who is bravest? | Mouse | Keeper"
                )
        async with self.sessionmaker.begin() as db:
            book = await self.book(db, cls, title)
            if not 1 <= chapter <= book.chapters:
                raise UserError(f'"{book.title}" has chapters 1 to {book.chapters}')
            prompt = Prompt(
                book_id=book.id,
                chapter=chapter,
                kind=kind,
                text=text,
                offset_minutes=offset_minutes,
                options=options,
                char_limit=char_limit,
            )
            db.add(prompt)
            await db.flush()
            audit.record(
                db, self.clock.now(), cls.id, actor.user.id, "prompt.add", prompt=prompt.id
            )
            prompt_id = prompt.id
        self.on_schedule_change()
        return prompt_id

    async def post_now(self, cls: ClassInfo, number: int | None, actor: Actor) -> int:
        """Move a session (the next one when none is named) to now; the timer posts it."""
        async with self.sessionmaker.begin() as db:
            query = select(Session).where(Session.classroom_id == cls.id)
            if number is None:
                query = query.where(Session.state.in_((SessionState.PLANNED, SessionState.MISSED)))
            else:
                query = query.where(Session.number == number)
            s = await db.scalar(query.order_by(Session.starts_at).limit(1))
            if s is None:
                raise NotFound(
                    "There is no such session to post. See readaloud schedule."
                    if number is not None
                    else "Every session has been posted already."
                )
            if s.state in (SessionState.RUNNING, SessionState.DONE):
                raise UserError(f"Session {s.number} was already posted.")
            s.starts_at, s.state = self.clock.now(), SessionState.PLANNED
            s.next_step_at = s.starts_at
            audit.record(
                db, self.clock.now(), cls.id, actor.user.id, "session.now", number=s.number
            )
            await session_timers.changed(db, cls.id)
            number = s.number
        self.on_schedule_change()
        return number

    async def titles(self, class_id: int) -> list[str]:
        """The class's book titles, newest first (for suggestions while typing)."""
        async with self.sessionmaker() as db:
            rows = await db.scalars(
                select(Book.title).where(Book.classroom_id == class_id).order_by(Book.id.desc())
            )
            return list(rows)

    async def schedule(self, cls: ClassInfo) -> list[SessionView]:
        """Every session of the class, in the class timezone."""
        tz = ZoneInfo(cls.timezone)
        now = self.clock.now()
        async with self.sessionmaker() as db:
            rows = await db.execute(
                select(Session, Book.title)
                .join(Plan, Session.plan_id == Plan.id)
                .join(Book, Plan.book_id == Book.id)
                .where(Session.classroom_id == cls.id)
                .order_by(Session.starts_at)
            )
            return [
                SessionView(
                    number=s.number,
                    book=title,
                    local_start=s.starts_at.astimezone(tz).strftime("%a %d %b %Y %H:%M"),
                    relative=relative(s.starts_at, now),
                    chapters=chapters_label(s.first_chapter, s.last_chapter),
                    state=s.state,
                )
                for s, title in rows
            ]
