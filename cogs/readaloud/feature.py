"""The read-aloud feature: books, plans, the calendar, season files, the sessions that
run at their times, and the students' answers and votes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import BotRemoved, BotReturned, MessageShared, PollVoted
from bot.core.feature import Due, Feature, Stage, Timer, listen, on
from bot.core.ports import Chat
from bot.db.tables import Entry, Session, Vote
from bot.features import Deps
from cogs.classroom import retention
from cogs.classroom.feature import Classroom
from cogs.readaloud import commands, session_timers
from cogs.readaloud.answers import Answers
from cogs.readaloud.changes import CalendarChanges
from cogs.readaloud.class_book import ClassBooks
from cogs.readaloud.season_store import SeasonStore
from cogs.readaloud.service import ReadAloudService
from cogs.readaloud.sessions import SessionRunner
from cogs.readaloud.uploads import SeasonUploads


@dataclass
class ReadAloud:
    """What the other features (and tests) may use of the read-aloud feature."""

    readaloud: ReadAloudService
    changes: CalendarChanges
    seasons: SeasonStore
    sessions: SessionRunner
    answers: Answers
    books: ClassBooks  # the book each class reads now, for screening


def setup(deps: Deps, classroom: Classroom) -> Feature[ReadAloud]:
    """Each session that needs the bot waits on one durable timer (``session_timers.py``)."""
    grace = timedelta(minutes=deps.settings.late_grace_minutes)
    sm, clock, classes, timers = deps.sessionmaker, deps.clock, classroom.classes, deps.timers
    answers = Answers(sm, deps.chats, clock)
    sessions = SessionRunner(sm, classes, deps.chats, deps.deliveries, clock, answers, grace)
    books = ClassBooks(clock)

    def plans_changed() -> None:
        timers.replan()  # the sessions' timers were written with them
        books.forget()  # a plan or book change: screening looks at the book again

    async def step(due: Due) -> None:
        await sessions.run(int(due.key))  # keyed posts: a run again repeats none

    async def follow_rows() -> None:
        async with sm.begin() as db:
            await session_timers.resume(db)

    async def run_due() -> int:  # tests with a fake clock: in order, as the clock passes them
        return await timers.run_due([session_timers.KIND], in_order=True)

    changes = CalendarChanges(sm, clock, plans_changed)
    classes.on_timezone_change(changes.retime)
    api = ReadAloud(
        ReadAloudService(sm, clock, plans_changed, books.forget),
        changes,
        SeasonStore(sm, clock, plans_changed),
        sessions,
        answers,
        books,
    )

    async def vote(_chat: Chat, ev: PollVoted) -> None:
        await answers.on_vote(ev)

    async def away_or_back(_chat: Chat, _ev: BotRemoved | BotReturned) -> None:
        await follow_rows()  # the class's sessions stop, or carry on, from the rows
        timers.replan()

    declared = commands.declare(classes, api.readaloud, changes, api.seasons)
    return Feature(
        "readaloud",
        api,
        commands=declared,
        aliases={"ra": "readaloud"},
        handlers=[
            on(PollVoted, vote),
            on(BotRemoved, away_or_back, Stage.AFTER),  # after the class is marked away
            on(BotReturned, away_or_back, Stage.AFTER),
        ],
        requests=[SeasonUploads(declared).uploaded],  # a teacher's season file
        listeners=[listen(MessageShared, answers.on_shared)],
        retention=purge,
        timers=[Timer(session_timers.KIND, run=step)],
        resume=[follow_rows],
        due=[run_due],
    )


async def purge(db: AsyncSession, now: datetime) -> int:
    """Prompt answers and poll votes older than the class's retention period."""
    removed = 0
    for classes, cutoff in await retention.cutoffs(db, now):
        sessions = select(Session.id).where(Session.classroom_id.in_(classes))
        for statement in (
            delete(Entry).where(Entry.session_id.in_(sessions), Entry.at < cutoff),
            delete(Vote).where(Vote.session_id.in_(sessions), Vote.at < cutoff),
        ):
            result = await db.execute(statement)
            removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
