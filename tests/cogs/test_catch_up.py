"""After the platform (re)connects, moderation asks it for what was posted while the bot was
away: in each class channel and session thread, after the newest message already handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from sqlalchemy import update

from bot.core.events import Connected, MessagePosted
from bot.core.model import MessageRef
from bot.db.tables import Session
from tests.cogs.bench import ROOM, Bench, OpenBench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")
NOW = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
CREATED = NOW - timedelta(days=3)
ANA, BEN = student("Ana"), student("Ben")


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    return await open_bench(CREATED, "UTC")


async def connected(bench: Bench) -> None:
    assert bench.app is not None
    await bench.app.dispatcher.event(bench.chat, Connected())  # type: ignore[arg-type]


async def set_session(bench: Bench, number: int, state: str, thread: str, ago: timedelta) -> None:
    assert bench.app is not None
    async with bench.app.sessionmaker.begin() as db:
        await db.execute(
            update(Session)
            .where(Session.number == number)
            .values(state=state, thread_id=thread, starts_at=NOW - ago, next_step_at=None)
        )


async def test_each_channel_is_read_after_its_newest_handled_message(bench: Bench) -> None:
    bench.clock.set(CREATED + timedelta(hours=1))
    await connected(bench)
    assert bench.chat.caught_up == [(ROOM, None, CREATED)], "nothing handled: since the class"

    bench.clock.set(NOW)
    for i in range(11):  # $s1 … $s11: the newest is $s11 (the last handled), not "$s9"
        await bench.say(ANA, f"Chapter thought number {i}")
    await bench.type('!readaloud book "Wonder" chapters=4')
    await bench.type("!readaloud plan 2027-02-03 mon,wed 09:30 per=1")
    await set_session(bench, 1, "done", "$t1", timedelta(days=10))  # closed long ago
    await set_session(bench, 2, "done", "$t2", timedelta(days=2))  # closed while away, maybe
    await set_session(bench, 3, "running", "$t3", timedelta(hours=1))  # open
    await bench.say(BEN, "Auggie is brave", ROOM.in_thread("$t3"))  # $s12
    bench.chat.caught_up.clear()

    await connected(bench)
    day = NOW - timedelta(hours=24)
    assert bench.chat.caught_up == [
        (ROOM, "$s11", day),
        (ROOM.in_thread("$t2"), None, day),
        (ROOM.in_thread("$t3"), "$s12", day),
    ]


async def test_messages_caught_up_count_from_when_they_were_posted(bench: Bench) -> None:
    """Three identical messages ten minutes apart are not a flood, even handed over at once;
    the same three within a minute are."""
    assert bench.app is not None
    bench.clock.set(NOW)
    await bench.type(f"!mod trust {ANA.user.id}")
    for n in range(3):
        posted = NOW - timedelta(minutes=30 - 10 * n)
        late = MessagePosted(MessageRef(ROOM, f"$late{n}"), ANA, "Good morning!", posted_at=posted)
        await bench.app.dispatcher.event(bench.chat, late)  # type: ignore[arg-type]
    assert not bench.chat.texts("review")
    for _ in range(3):
        await bench.say(ANA, "Good morning!")
    assert bench.chat.texts("review"), "repeated within the minute: flagged"
