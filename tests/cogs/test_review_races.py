"""Read-then-write races in the review queue: two decisions on one message at once, a
combined review's revision bumped twice at once, and the per-key locks that keep one
settling (or one student's review) at a time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.db.tables import Flag, ReviewGroup
from cogs.review import floods
from tests.cogs.bench import Bench, OpenBench, student
from tests.cogs.test_decided_while_reviewed import (
    AROHA,
    SAID,
    TEACHERS,
    DecisionPauses,
    assert_decided_once,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench, migrated_database_url: str) -> Bench:
    """Room 12 (on SQLite, and on PostgreSQL when DATABASE_URL is set)."""
    return await open_bench(db_url=migrated_database_url)


async def test_a_released_lock_stays_the_one_its_waiter_and_a_newcomer_share() -> None:
    locks, inside, most = floods.KeyedLocks(), 0, 0

    async def settling() -> None:
        nonlocal inside, most
        async with locks.hold(1):
            inside += 1
            most = max(most, inside)
            for _ in range(5):
                await asyncio.sleep(0)
            inside -= 1

    async with locks.hold(1):
        waiter = asyncio.create_task(settling())
        await asyncio.sleep(0)  # waiting for the lock
    # released: the waiter is woken but has not run yet when a newcomer asks for the lock
    newcomer = asyncio.create_task(settling())
    await asyncio.gather(waiter, newcomer)

    assert most == 1, "one at a time"
    async with locks.hold(1):
        pass
    assert locks._locks == {}, "dropped once nobody holds or waits for it"


async def test_two_decisions_at_once_only_the_first_written_counts(bench: Bench) -> None:
    assert bench.app is not None
    await bench.say(AROHA, SAID)  # held, its review out: flag #1
    pause = DecisionPauses(bench)
    rejecting = asyncio.create_task(bench.type("!mod reject 1 unkind", where=TEACHERS))
    await asyncio.wait_for(pause.reached.wait(), 10)  # the rejection has read: still waiting
    await bench.type("!mod approve 1", where=TEACHERS)  # another teacher, quicker
    pause.go_on.set()
    late = await asyncio.wait_for(rejecting, 10)
    await asyncio.wait_for(bench.app.follow_ups.idle(), 10)

    assert "already approved" in late.text
    assert_decided_once(bench, approve=True)


async def test_a_revision_bumped_while_a_decision_holds_its_group_is_kept(bench: Bench) -> None:
    assert bench.app is not None
    maia = student("Maia")
    for text in ("hi 0", "hi 1"):  # a new student's flood: one combined review
        await bench.say(maia, text)
        bench.clock.advance(timedelta(seconds=0.5))
    async with bench.app.sessionmaker() as db:
        group_id = await db.scalar(select(Flag.group_id).where(Flag.id == 1))
        before = await db.scalar(select(ReviewGroup.revision).where(ReviewGroup.id == group_id))
    assert group_id is not None and before is not None

    async with bench.app.sessionmaker() as deciding:
        read = await deciding.get_one(ReviewGroup, group_id)  # a decision has read its group
        async with bench.app.sessionmaker.begin() as other:
            await floods.changed(other, group_id)  # another decision is saved meanwhile
        await floods.changed(deciding, group_id)
        await deciding.commit()
    assert read.revision == before + 2, "what the decision holds is the revision written"

    async with bench.app.sessionmaker() as db:
        after = await db.scalar(select(ReviewGroup.revision).where(ReviewGroup.id == group_id))
    assert after == before + 2, "both changes get shown"
