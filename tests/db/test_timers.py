"""Durable timers: rows survive restarts, the soonest wakes the loop, and a timer fires
exactly once even when the bot crashes between its due time and its completion."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.clock import FakeClock
from bot.core.feature import Due, Feature, Timer
from bot.core.model import ChannelRef, Outgoing, Platform
from bot.db import audit
from bot.db.tables import AuditEvent, TimerRow
from bot.features import Deps
from bot.scheduling import Wakeups
from bot.timers import LEASE, WAKE
from tests.recording_chat import RecordingChat

pytestmark = pytest.mark.asyncio(loop_scope="session")

START = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
ROOM = ChannelRef(Platform.MATRIX, "!room12")
BELL, NOTE, LESSON = "bell.ring", "bell.note", "bell.lesson"
KINDS = [BELL, NOTE, LESSON]
WAIT = 30  # seconds before a test that hangs gives up (not a measurement)


class Crash(BaseException):
    """The process dies here: nothing after it runs, no clean-up code either."""


@dataclass
class Bell:
    """A toy feature's timers: `ring` writes a row, `note` posts, `lesson` repeats hourly."""

    crash: bool = False
    fail: bool = False
    runs: list[str] = field(default_factory=list)
    set_again: bool = False
    slow: bool = False  # the runs wait until stopped; `ring` then takes a while to clean up
    begun: list[str] = field(default_factory=list)


def bell_feature(bell: Bell, deps: Deps) -> Feature[Bell]:
    async def ring(db: AsyncSession, due: Due) -> None:
        audit.record(db, deps.clock.now(), None, "bell", "bell.rang", key=due.key)
        await db.flush()  # written (not committed) when the crash comes
        if bell.slow:
            bell.begun.append(due.key)
            try:
                await asyncio.Event().wait()
            finally:
                await asyncio.sleep(1)  # as a rollback that is still on its way
                bell.runs.append(f"{due.key} cleaned up")
        if bell.crash:
            raise Crash
        if bell.fail:
            raise RuntimeError("the bell is broken")
        bell.runs.append(due.key)

    async def note(due: Due) -> None:
        if bell.slow:
            bell.begun.append(due.key)
            await asyncio.Event().wait()  # ends at once when cancelled
        out = Outgoing("The bell rang: time to read!", key=f"bell:{due.key}")
        chat = deps.chats[Platform.MATRIX]
        await deps.deliveries.once(out.key or "", ROOM, partial(chat.send, ROOM, out))
        if bell.crash:  # posted, then the process dies before the timer is complete
            raise Crash
        if bell.set_again:  # a new time set while it runs is kept
            await deps.timers.set(NOTE, due.key, deps.clock.now() + timedelta(hours=1))
        bell.runs.append(due.key)

    async def lesson(due: Due) -> None:
        bell.runs.append("lesson")

    return Feature(
        "bell",
        bell,
        timers=[
            Timer(BELL, run_in=ring),
            Timer(NOTE, run=note),
            Timer(LESSON, run=lesson, every=timedelta(hours=1), first=timedelta(hours=1)),
        ],
    )


@dataclass
class School:
    """Apps on one database and one clock; each App is one process of the bot."""

    url: str
    clock: FakeClock = field(default_factory=lambda: FakeClock(START))
    apps: list[App] = field(default_factory=list)

    async def start(self, bell: Bell, matrix_user: str = "") -> tuple[App, RecordingChat]:
        """A process of the bot; another `matrix_user` is another process's partition."""
        settings = Settings(
            bot=BotSettings(database_url=self.url),
            matrix=MatrixSettings(enabled=False, user_id=matrix_user),
        )
        app = App(
            Config(settings=settings, secrets=Secrets()), self.clock, [partial(bell_feature, bell)]
        )
        chat = RecordingChat()
        app.chats.add(chat)  # type: ignore[arg-type]
        await app.start()
        self.apps.append(app)
        await asyncio.wait_for(app.wakeups.idle(), WAIT)  # what was due at start ran
        return app, chat

    async def count(self, action: str) -> int:
        async with self.apps[-1].sessionmaker() as db:
            found = await db.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
            )
            return int(found or 0)


@pytest_asyncio.fixture(loop_scope="session")
async def school(database_url: str) -> AsyncIterator[School]:
    s = School(database_url)
    yield s
    for app in reversed(s.apps):
        await app.stop()


async def test_a_timer_due_while_the_bot_was_down_fires_once_at_the_next_start(
    school: School,
) -> None:
    first, _ = await school.start(Bell())
    await first.timers.set(BELL, "morning", START + timedelta(hours=1))
    await first.stop()
    school.apps.remove(first)

    school.clock.advance(timedelta(hours=2))  # the bell was due while nothing ran
    bell = Bell()
    app, _ = await school.start(bell)  # the row wakes the new process's loop at once
    assert bell.runs.count("morning") == 1
    assert await school.count("bell.rang") == 1
    assert await app.timers.run_due(KINDS) == 0, "fired once"


async def test_a_crash_between_due_and_completion_then_a_new_app_fires_it_exactly_once(
    school: School,
) -> None:
    doomed, _ = await school.start(Bell(crash=True))
    await doomed.timers.set(BELL, "recess", START + timedelta(minutes=30))
    school.clock.advance(timedelta(minutes=30))
    with pytest.raises(Crash):  # claimed, row written, then the process dies (no stop)
        await doomed.timers.run_due(KINDS)
    async with doomed.sessionmaker() as db:
        row = await db.scalar(select(TimerRow).where(TimerRow.kind == BELL))
    assert row is not None and row.claimed_by is not None, "the killed process's claim is left"
    assert await school.count("bell.rang") == 0, "the crashed run's write was not committed"

    bell = Bell()
    app, _ = await school.start(bell)  # a new process on the same database, same clock time
    assert bell.runs == ["recess"], "the restart took the claim over at once and ran it"
    assert await school.count("bell.rang") == 1
    assert await app.timers.run_due(KINDS) == 0
    school.clock.advance(LEASE * 2)
    assert await app.timers.run_due(KINDS) == 0, "complete: it never fires again"
    assert await school.count("bell.rang") == 1


async def test_another_process_on_the_database_waits_for_a_live_claim_until_its_lease_ends(
    school: School,
) -> None:
    """Two processes for different platform accounts share one PostgreSQL: one holding
    a timer keeps it for the lease; only then (it died) does the other take it over."""
    holder, _ = await school.start(Bell(crash=True))
    await holder.timers.set(BELL, "reading hour", START + timedelta(minutes=10))
    school.clock.advance(timedelta(minutes=10))
    with pytest.raises(Crash):
        await holder.timers.run_due(KINDS)

    bell = Bell()
    other, _ = await school.start(bell, matrix_user="@bot-b:school.example")
    assert await other.timers.run_due(KINDS) == 0, "held by a process that may be alive"
    assert bell.runs == [] and await school.count("bell.rang") == 0
    school.clock.advance(LEASE)
    assert await other.timers.run_due(KINDS) == 1 and bell.runs == ["reading hour"]
    assert await school.count("bell.rang") == 1


async def test_a_crash_after_a_timers_post_does_not_post_it_again(school: School) -> None:
    doomed, doomed_chat = await school.start(Bell(crash=True))
    await doomed.timers.set(NOTE, "lunch", START + timedelta(minutes=5))
    school.clock.advance(timedelta(minutes=5))
    with pytest.raises(Crash):
        await doomed.timers.run_due(KINDS)
    assert [p.text for p in doomed_chat.posts] == ["The bell rang: time to read!"]

    bell = Bell()
    app, chat = await school.start(bell)  # takes the claim over and runs it at once
    assert bell.runs == ["lunch"]
    assert chat.posts == [], "the delivery row says it was posted already"
    async with app.sessionmaker() as db:
        assert (
            await db.scalar(select(func.count()).select_from(TimerRow).where(TimerRow.kind == NOTE))
            == 0
        )


async def test_a_timer_set_again_while_it_runs_keeps_its_new_time(school: School) -> None:
    bell = Bell(set_again=True)
    app, _ = await school.start(bell)
    await app.timers.set(NOTE, "story", START)
    await asyncio.wait_for(app.wakeups.idle(), WAIT)  # due now: the loop runs it
    assert bell.runs == ["story"]
    async with app.sessionmaker() as db:
        row = await db.scalar(select(TimerRow).where(TimerRow.kind == NOTE))
    assert row is not None and row.due_at == START + timedelta(hours=1)
    assert row.claimed_by is None


async def test_a_repeating_timer_runs_on_its_interval_by_the_injected_clock(
    school: School,
) -> None:
    bell = Bell()
    app, _ = await school.start(bell)
    assert await app.timers.run_due([LESSON]) == 0, "its first run is an hour after the first start"
    school.clock.advance(timedelta(hours=1))
    assert await app.timers.run_due([LESSON]) == 1
    assert await app.timers.run_due([LESSON]) == 0
    await app.stop()
    school.apps.remove(app)
    school.clock.advance(timedelta(minutes=30))
    again, _ = await school.start(bell)  # the row survived: not run again at the start
    assert bell.runs == ["lesson"]
    school.clock.advance(timedelta(minutes=30))
    assert await again.timers.run_due([LESSON]) == 1 and bell.runs == ["lesson", "lesson"]


async def test_a_failing_timer_is_tried_again_later(school: School) -> None:
    bell = Bell(fail=True)
    app, _ = await school.start(bell)
    await app.timers.set(BELL, "assembly", START + timedelta(minutes=1))
    school.clock.advance(timedelta(minutes=1))
    assert await app.timers.run_due([BELL]) == 0, "it failed"
    bell.fail = False
    assert await app.timers.run_due([BELL]) == 0, "not before its retry time"
    school.clock.advance(timedelta(seconds=30))
    assert await app.timers.run_due([BELL]) == 1 and bell.runs == ["assembly"]
    assert await school.count("bell.rang") == 1, "the failed run's write was rolled back"


async def test_a_sooner_wake_up_wakes_the_sleeping_loop() -> None:
    clock = FakeClock(START)
    wakeups = Wakeups(clock)
    late, soon = asyncio.Event(), asyncio.Event()

    async def set_late() -> None:
        late.set()

    async def set_soon() -> None:
        soon.set()

    wakeups.at("later today", START + timedelta(hours=1), set_late)
    await wakeups.start()  # sleeping for an hour
    wakeups.at("now", START, set_soon)
    await asyncio.wait_for(soon.wait(), WAIT)
    assert not late.is_set() and len(wakeups) == 1
    await wakeups.stop()


async def test_one_scheduler_job_waits_for_the_soonest_row_and_a_sooner_row_moves_it(
    school: School,
) -> None:
    """(The soonest of the bot's own rows is the teacher-room check, 5 minutes on.)"""
    app, _ = await school.start(Bell())
    await app.timers.set(NOTE, "afternoon", START + timedelta(minutes=4))
    afternoon = app.wakeups.due(WAKE)
    await app.timers.set(NOTE, "late", START + timedelta(minutes=4, seconds=30))
    assert app.wakeups.due(WAKE) == afternoon, "a later row leaves the job where it is"
    await app.timers.set(NOTE, "lunch", START + timedelta(minutes=1))
    lunch = app.wakeups.due(WAKE)
    assert afternoon is not None and lunch is not None
    assert afternoon - lunch > timedelta(minutes=2, seconds=59), "moved to the sooner row"
    assert app.wakeups.names(f"timer:{NOTE}") == [], "one job for the table, not one per row"

    school.clock.advance(timedelta(minutes=1))
    assert await app.timers.run_due([NOTE]) == 1  # what the job runs when it wakes
    after = app.wakeups.due(WAKE)  # 3 minutes from now on the fake clock, which moved 1
    assert after is not None and after - lunch > timedelta(minutes=1, seconds=59), (
        "then it waits for the next row"
    )


async def test_cancelled_run_due_returns_only_when_every_run_has_ended(school: School) -> None:
    """The bot's stop cancels the job running the due timers; what that job ran must have
    ended when it ends (before, it returned at the first cancelled run and left the others
    running on against a closed database, into whatever ran next)."""
    bell = Bell(slow=True)
    app, _ = await school.start(bell)
    later = START + timedelta(minutes=5)
    await app.timers.set(NOTE, "lunch", later)
    await app.timers.set(BELL, "lunch", later)
    school.clock.set(later)
    job = asyncio.create_task(app.timers.run_due(KINDS))  # both claimed, run side by side
    async with asyncio.timeout(WAIT):
        while len(bell.begun) < 2:
            await asyncio.sleep(0.01)
    job.cancel()
    with pytest.raises(asyncio.CancelledError):
        await job
    # `note` ended at once when cancelled; `ring` was still cleaning up and was waited for
    assert bell.runs == ["lunch cleaned up"]


async def test_a_wake_up_that_comes_due_as_the_bot_stops_does_not_run_after_the_stop() -> None:
    clock = FakeClock(START)
    ran: list[str] = []

    async def ring() -> None:
        ran.append("rang")

    for _ in range(20):  # APScheduler hands a due job to a task on its next turn
        wakeups = Wakeups(clock)
        await wakeups.start()
        wakeups.at("now", START, ring)
        await asyncio.sleep(0)  # the task is made; it begins after the stop below
        await wakeups.stop()
        await asyncio.sleep(0.02)
    assert ran == [], "a job ran after the scheduler had stopped"


async def test_a_job_held_back_by_a_test_stays_back_when_the_next_hold_begins_at_once(
    school: School,
) -> None:
    """A test runs what is due itself (`Timers.held`): the job that came due meanwhile waits,
    and still waits when the test holds the jobs again right after (its turn comes later)."""
    bell = Bell()
    app, _ = await school.start(bell)
    async with app.timers.held():
        await app.timers.set(NOTE, "recess", START)  # due now: the job begins and waits
        async with asyncio.timeout(WAIT):
            while not app.wakeups._running:
                await asyncio.sleep(0.01)
    async with app.timers.held():  # held again before the waiting job had its turn
        await asyncio.sleep(0.05)  # the job's turn comes: it must keep waiting
        assert bell.runs == [], "the job ran while held"
        assert await app.timers.run_due(KINDS) == 1
    await asyncio.wait_for(app.wakeups.idle(), WAIT)
    assert bell.runs == ["recess"]
