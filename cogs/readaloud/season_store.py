"""Season files in and out of a class: import a whole season at once, export it to share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import NotFound, UserError
from bot.db import audit
from bot.db.states import SessionState
from bot.db.tables import Book, Classroom, Entry, Plan, Prompt, Session, Vote
from cogs.readaloud import session_timers
from cogs.readaloud.calendar import PlannedSession, local_to_utc, sessions_for
from cogs.readaloud.season import BookSpec, PlanSpec, PromptSpec, Season
from cogs.readaloud.steps import first_step_at


@dataclass(frozen=True)
class ImportResult:
    """What an import did, for the teacher's confirmation message."""

    book: str
    book_created: bool
    sessions: int  # sessions planned by this import
    kept_sessions: int  # sessions already posted, left as they were
    prompts: int
    answers_removed: int  # students' answers to prompts the file changed or dropped
    first_session: datetime | None  # UTC
    timezone: str


def planned_sessions(season: Season, timezone: str) -> list[PlannedSession]:
    """The season's sessions: weekdays from the start date, or one per listed date."""
    p, chapters = season.plan, season.book.chapters
    if not p.dates:
        assert p.start is not None, "a weekday plan has a start date (parse_season checks)"
        return sessions_for(p.start, p.weekdays, p.at, timezone, chapters, p.chapters_per_session)
    out: list[PlannedSession] = []
    for n, day in enumerate(p.dates, 1):
        first = (n - 1) * p.chapters_per_session + 1
        if first > chapters:
            break
        last = min(chapters, first + p.chapters_per_session - 1)
        out.append(PlannedSession(n, local_to_utc(day, p.at, timezone), first, last))
    return out


def _same(row: Prompt, spec: PromptSpec) -> bool:
    return (row.chapter, row.kind, row.text, row.offset_minutes, tuple(row.options)) == (
        spec.chapter,
        spec.kind,
        spec.text,
        spec.offset_minutes,
        spec.options,
    ) and row.char_limit == spec.char_limit


class SeasonStore:
    """Imports a season file into a class and exports a class's season as a file."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.on_change = on_change

    async def import_season(
        self, class_id: int, season: Season, actor_id: str, timezone: str | None = None
    ) -> ImportResult:
        """Put a whole season into a class, all or nothing.

        The book (matched by title, any case) is created or updated; its sessions
        that have not started and its prompts are replaced. Sessions already posted
        stay, and so do prompts the file keeps unchanged (with the students' answers).
        `timezone` is the class's timezone (read from the class when not given); a
        `timezone` in the file wins over it.
        """
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            classroom = await db.get(Classroom, class_id)
            if classroom is None:
                raise NotFound(f"There is no class {class_id}.")
            tz = season.plan.timezone or timezone or classroom.timezone
            planned = planned_sessions(season, tz)
            self._refuse_past(season.plan, planned, tz, now)
            book, created = await self._book(db, class_id, season.book)
            plans = select(Plan.id).where(Plan.book_id == book.id)
            await db.execute(
                delete(Session).where(
                    Session.plan_id.in_(plans), Session.state == SessionState.PLANNED
                )
            )
            kept = (
                await db.scalar(
                    select(func.count()).select_from(Session).where(Session.plan_id.in_(plans))
                )
                or 0
            )
            removed = await self._prompts(db, book.id, season.prompts)
            plan = _plan_row(season.plan, class_id, book.id, now)
            db.add(plan)
            await db.flush()
            db.add_all(
                Session(
                    plan_id=plan.id,
                    classroom_id=class_id,
                    number=p.number,
                    starts_at=p.starts_at,
                    first_chapter=p.first_chapter,
                    last_chapter=p.last_chapter,
                    next_step_at=first_step_at(p.starts_at, plan.reminder_minutes),
                )
                for p in planned
            )
            await db.flush()
            audit.record(
                db,
                now,
                class_id,
                actor_id,
                "season.import",
                book=book.title,
                sessions=len(planned),
                prompts=len(season.prompts),
                answers_removed=removed,
            )
            await session_timers.changed(db, class_id)
            title = book.title
        self.on_change()
        return ImportResult(
            book=title,
            book_created=created,
            sessions=len(planned),
            kept_sessions=kept,
            prompts=len(season.prompts),
            answers_removed=removed,
            first_session=planned[0].starts_at if planned else None,
            timezone=tz,
        )

    @staticmethod
    def _refuse_past(plan: PlanSpec, planned: list[PlannedSession], tz: str, now: datetime) -> None:
        today = now.astimezone(ZoneInfo(tz)).date()
        first = plan.dates[0] if plan.dates else plan.start
        key = "plan.dates" if plan.dates else "plan.start"
        if first is not None and first < today:
            raise UserError(
                f"{key} begins on {first.isoformat()}, which is in the past in {tz} "
                f"(today is {today.isoformat()}); use a date from {today.isoformat()} on."
            )
        if planned and planned[0].starts_at <= now:
            at = planned[0].starts_at.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")
            raise UserError(
                f"The first session ({at} in {tz}) has already begun; "
                "choose a later plan.time or a later first day."
            )

    @staticmethod
    async def _book(db: AsyncSession, class_id: int, spec: BookSpec) -> tuple[Book, bool]:
        # compared here, not in SQL: SQLite's lower() leaves letters like "É" alone
        books = await db.scalars(select(Book).where(Book.classroom_id == class_id))
        book = next((b for b in books if b.title.casefold() == spec.title.casefold()), None)
        created = book is None
        if book is None:
            book = Book(classroom_id=class_id, title=spec.title, chapters=spec.chapters)
            db.add(book)
        book.title, book.author, book.chapters = spec.title, spec.author, spec.chapters
        book.chapter_titles = list(spec.chapter_titles)
        book.characters = list(spec.characters)
        await db.flush()
        return book, created

    @staticmethod
    async def _prompts(db: AsyncSession, book_id: int, specs: tuple[PromptSpec, ...]) -> int:
        """Make the book's prompts the file's; returns how many answers went with old ones."""
        old = list(await db.scalars(select(Prompt).where(Prompt.book_id == book_id)))
        new = list(specs)
        gone: list[int] = []
        for row in old:
            match = next((s for s in new if _same(row, s)), None)
            if match is None:
                gone.append(row.id)
            else:
                new.remove(match)  # unchanged: keep the row and the answers to it
        removed = 0
        if gone:
            for table in (Entry, Vote):
                count = select(func.count()).select_from(table).where(table.prompt_id.in_(gone))
                removed += await db.scalar(count) or 0
            await db.execute(delete(Prompt).where(Prompt.id.in_(gone)))
        db.add_all(
            Prompt(
                book_id=book_id,
                chapter=s.chapter,
                kind=s.kind,
                text=s.text,
                offset_minutes=s.offset_minutes,
                options=list(s.options),
                char_limit=s.char_limit,
            )
            for s in new
        )
        return removed

    async def export_season(self, class_id: int, book_title: str | None = None) -> Season:
        """The season of a book (the class's latest book if none is named), as last planned."""
        async with self.sessionmaker() as db:
            books = list(
                await db.scalars(
                    select(Book).where(Book.classroom_id == class_id).order_by(Book.id)
                )
            )
            if not books:
                raise NotFound(f"Class {class_id} has no book yet; import a season file first.")
            book = books[-1]
            if book_title is not None:
                named = [b for b in books if b.title.casefold() == book_title.casefold()]
                if not named:
                    names = ", ".join(f'"{b.title}"' for b in books)
                    raise NotFound(f'There is no book "{book_title}" here. This class has: {names}')
                book = named[0]
            plan = await db.scalar(
                select(Plan).where(Plan.book_id == book.id).order_by(Plan.id.desc()).limit(1)
            )
            if plan is None:
                raise NotFound(f'"{book.title}" has no plan yet; plan it before exporting.')
            prompts = await db.scalars(
                select(Prompt)
                .where(Prompt.book_id == book.id)
                .order_by(Prompt.chapter, Prompt.offset_minutes, Prompt.id)
            )
            return Season(
                book=BookSpec(
                    book.title,
                    book.chapters,
                    book.author,
                    tuple(book.chapter_titles),
                    tuple(book.characters or ()),
                ),
                plan=_plan_spec(plan),
                prompts=tuple(
                    PromptSpec(
                        chapter=p.chapter,
                        text=p.text,
                        kind=p.kind,
                        offset_minutes=p.offset_minutes,
                        options=tuple(p.options),
                        char_limit=p.char_limit,
                    )
                    for p in prompts
                ),
            )


def _plan_row(spec: PlanSpec, class_id: int, book_id: int, now: datetime) -> Plan:
    start = spec.dates[0] if spec.dates else spec.start
    assert start is not None
    return Plan(
        classroom_id=class_id,
        book_id=book_id,
        start_date=start,
        weekdays=",".join(spec.weekdays),
        time_of_day=spec.at.strftime("%H:%M"),
        chapters_per_session=spec.chapters_per_session,
        dates=[d.isoformat() for d in spec.dates],
        window_minutes=spec.window_minutes,
        reminder_minutes=spec.reminder_minutes,
        created_at=now,
    )


def _plan_spec(plan: Plan) -> PlanSpec:
    dates = tuple(date.fromisoformat(d) for d in plan.dates)
    return PlanSpec(
        at=time.fromisoformat(plan.time_of_day),
        start=None if dates else plan.start_date,
        weekdays=() if dates else tuple(d for d in plan.weekdays.split(",") if d),
        dates=dates,
        chapters_per_session=plan.chapters_per_session,
        window_minutes=plan.window_minutes,
        reminder_minutes=plan.reminder_minutes,
    )
