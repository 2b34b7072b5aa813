"""Changing a class's calendar: skipping a break (holidays) and moving one session."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.commands import WEEKDAYS
from bot.core.errors import NotFound, UserError
from bot.core.model import Actor
from bot.db import audit
from bot.db.states import SessionState
from bot.db.tables import Plan, Session
from cogs.classroom.service import ClassInfo
from cogs.readaloud import session_timers
from cogs.readaloud.calendar import local_to_utc
from cogs.readaloud.steps import first_step_at


def _slots(plan: Plan, after: date, kept: list[date]) -> Iterator[date]:
    """Dates a plan can use from `after` on: its weekdays, or its own dates then weekly."""
    if plan.weekdays:
        wanted = {WEEKDAYS.index(d) for d in plan.weekdays.split(",")}
        day = after
        while True:
            if day.weekday() in wanted:
                yield day
            day += timedelta(days=1)
    yield from kept
    last = kept[-1] if kept else after
    while True:
        last += timedelta(days=7)
        yield last


class CalendarChanges:
    """Skip and move, for sessions that have not started yet."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.on_change = on_change

    async def skip(self, cls: ClassInfo, first: date, last: date | None, actor: Actor) -> int:
        """No sessions from `first` to `last` (inclusive); later sessions shift along.

        Returns how many sessions moved.
        """
        last = last or first
        tz = ZoneInfo(cls.timezone)
        today = self.clock.now().astimezone(tz).date()
        if last < first:
            raise UserError(
                "The end of the break is before its start; try: readaloud skip "
                f"{first.isoformat()} {(first + timedelta(days=7)).isoformat()}"
            )
        if last < today:
            raise UserError(f"That break is already over; use dates from {today.isoformat()} on.")
        moved = 0
        async with self.sessionmaker.begin() as db:
            plans = await db.scalars(select(Plan).where(Plan.classroom_id == cls.id))
            for plan in plans:
                moved += await self._skip_plan(db, plan, first, last, tz)
            audit.record(
                db,
                self.clock.now(),
                cls.id,
                actor.user.id,
                "plan.skip",
                first=first.isoformat(),
                last=last.isoformat(),
                moved=moved,
            )
            await session_timers.changed(db, cls.id)
        self.on_change()
        return moved

    async def _skip_plan(
        self, db: AsyncSession, plan: Plan, first: date, last: date, tz: ZoneInfo
    ) -> int:
        sessions = [
            s
            for s in await db.scalars(
                select(Session)
                .where(Session.plan_id == plan.id, Session.state == SessionState.PLANNED)
                .order_by(Session.starts_at)
            )
            if s.starts_at.astimezone(tz).date() >= first
        ]
        if not sessions:
            return 0
        kept = [
            d for s in sessions if not first <= (d := s.starts_at.astimezone(tz).date()) <= last
        ]
        at = time.fromisoformat(plan.time_of_day)
        slots = (d for d in _slots(plan, first, kept) if not first <= d <= last)
        moved = 0
        for s, day in zip(sessions, slots, strict=False):
            local = s.starts_at.astimezone(tz)
            when = local_to_utc(day, at if plan.weekdays else local.time(), str(tz))
            if when != s.starts_at:
                s.starts_at = when
                s.next_step_at = first_step_at(when, plan.reminder_minutes)
                moved += 1
        return moved

    async def retime(self, class_id: int, old: str, new: str) -> int:
        """The class moved to another timezone: every session not started yet keeps its
        local date and time ("Monday 09:30") in the new zone. Returns how many moved."""
        moved = 0
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            rows = await db.execute(
                select(Session, Plan)
                .join(Plan, Plan.id == Session.plan_id)
                .where(Session.classroom_id == class_id, Session.state == SessionState.PLANNED)
            )
            for s, plan in rows.all():
                local = s.starts_at.astimezone(ZoneInfo(old))
                when = local_to_utc(local.date(), local.time(), new)
                if when != s.starts_at and when > now:
                    s.starts_at = when
                    s.next_step_at = first_step_at(when, plan.reminder_minutes)
                    moved += 1
            if moved:
                audit.record(db, now, class_id, "readaloud", "session.retime", moved=moved)
                await session_timers.changed(db, class_id)
        if moved:
            self.on_change()
        return moved

    async def move(
        self, cls: ClassInfo, number: int, day: date, at: time | None, actor: Actor
    ) -> str:
        """Move one planned session to another day (and time); returns the new local time."""
        tz = ZoneInfo(cls.timezone)
        async with self.sessionmaker.begin() as db:
            row = await db.execute(
                select(Session, Plan)
                .join(Plan, Plan.id == Session.plan_id)
                .where(Session.classroom_id == cls.id, Session.number == number)
                .order_by(Session.starts_at.desc())
                .limit(1)
            )
            found = row.first()
            if found is None:
                raise NotFound(f"There is no session {number}. See readaloud schedule.")
            s, plan = found
            if s.state != SessionState.PLANNED:
                raise UserError(f"Session {number} has already started, so it cannot move.")
            at = at or s.starts_at.astimezone(tz).time()
            when = local_to_utc(day, at, cls.timezone)
            if when <= self.clock.now():
                raise UserError("That time has already passed; pick a time in the future.")
            s.starts_at = when
            s.next_step_at = first_step_at(when, plan.reminder_minutes)
            audit.record(
                db,
                self.clock.now(),
                cls.id,
                actor.user.id,
                "session.move",
                number=number,
                to=when.isoformat(),
            )
            await session_timers.changed(db, cls.id)
        self.on_change()
        return when.astimezone(tz).strftime("%a %d %b %Y %H:%M")
