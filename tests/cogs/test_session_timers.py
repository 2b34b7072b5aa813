"""Each session waits on one durable timer, written with the session row: it fires exactly
once across a crash between its due time and its completion, and follows the calendar."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.db.tables import Session, TimerRow
from cogs.readaloud.session_timers import KIND
from tests.cogs.bench import Bench, OpenBench

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Monday 1 February 2027, 09:30 in Auckland (UTC+13 in summer)
START = datetime(2027, 1, 31, 20, 30, tzinfo=UTC)
WAIT = 30  # seconds before a test that hangs gives up (not a measurement)


class Crash(BaseException):
    """The process dies here: nothing after it runs, no clean-up code either."""


async def timers_of(bench: Bench) -> dict[str, TimerRow]:
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        rows = await db.scalars(select(TimerRow).where(TimerRow.kind == KIND))
        return {row.key: row for row in rows}


async def sessions_of(bench: Bench) -> list[Session]:
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        return list(await db.scalars(select(Session).order_by(Session.number)))


async def test_a_crash_between_due_and_done_fires_the_session_once_and_it_goes_on(
    open_bench: OpenBench, database_url: str
) -> None:
    bench = await open_bench(START - timedelta(days=3), db_url=database_url)
    await bench.type('!readaloud book "Wonder" chapters=2')
    await bench.type("!readaloud plan 2027-02-01 mon 09:30 per=2 window=30 reminder=0")
    first = bench.app
    assert first is not None
    (session,) = await sessions_of(bench)
    assert (await timers_of(bench))[str(session.id)].due_at == START, "planned with its timer"

    posted = bench.chat.send

    async def dies_after_the_announcement(channel: ChannelRef, out: Outgoing) -> MessageRef:
        ref = await posted(channel, out)
        if out.key and out.key.endswith(":announce"):
            raise Crash  # posted; the timer is claimed and not complete
        return ref

    bench.chat.send = dies_after_the_announcement  # type: ignore[method-assign]
    bench.clock.set(START)
    with pytest.raises(Crash):
        await first.timers.run_due([KIND])
    assert (await timers_of(bench))[str(session.id)].claimed_by is not None
    await first.wakeups.stop()  # the process is gone: it lets go of nothing
    bench.chat.send = posted  # type: ignore[method-assign]

    second = await bench.start()  # a new process on the same database
    await asyncio.wait_for(second.wakeups.idle(), WAIT)  # the claim taken over, run at once
    announced = [p for p in bench.chat.posts if (p.key or "").endswith(":announce")]
    assert len(announced) == 1
    timer = (await timers_of(bench))[str(session.id)]
    assert timer.claimed_by is None and timer.due_at == START + timedelta(minutes=30)
    assert await second.timers.run_due([KIND]) == 0, "fired once: the next step is not due"

    assert await bench.at(START + timedelta(minutes=30)) == 1  # the close and the digest
    assert [(p.key or "").split(":")[2] for p in bench.chat.posts] == [
        "announce",
        "close",
        "digest",
    ]
    assert await timers_of(bench) == {}, "done: no timer waits for it"
    await first.engine.dispose()


async def test_the_timer_moves_with_the_session_when_the_teacher_moves_it(
    open_bench: OpenBench, database_url: str
) -> None:
    bench = await open_bench(START - timedelta(days=3), db_url=database_url)
    await bench.type('!readaloud book "Wonder" chapters=4')
    await bench.type("!readaloud plan 2027-02-01 mon 09:30 per=2 window=30 reminder=10")
    one, two = await sessions_of(bench)
    timers = await timers_of(bench)
    assert {k: t.due_at for k, t in timers.items()} == {
        str(one.id): START - timedelta(minutes=10),
        str(two.id): START + timedelta(days=7, minutes=-10),
    }

    await bench.type("!readaloud move 1 2027-02-03 10:00")
    moved = (await timers_of(bench))[str(one.id)].due_at
    assert moved == (await sessions_of(bench))[0].next_step_at
    assert moved == datetime(2027, 2, 2, 20, 50, tzinfo=UTC), "Wednesday 10:00, less 10 min"

    await bench.type("!readaloud now 2")
    assert (await timers_of(bench))[str(two.id)].due_at == bench.clock.now()
    # the bot's own wake-up may run it first (it is due at once); either way it runs once
    await bench.at(bench.clock.now())
    await bench.app.wakeups.idle()
    announced = [p for p in bench.chat.posts if (p.key or "").endswith(f"{two.id}:announce")]
    assert len(announced) == 1
