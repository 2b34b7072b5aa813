"""A teacher decides on a held message while the bot is still working on its hold (on
Matrix the review is out, its ✅ / ❌ still being added; or the hold's last step, marking
it done, has begun): the decision takes full effect once, by command or by reaction,
approve or reject, like a decision taken afterwards."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.model import ChannelRef, MessageRef, Outgoing, UserRef
from bot.db.tables import Flag
from tests.cogs.bench import ROOM, TEACHER, Bench, student
from tests.recording_chat import Posted, RecordingChat

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
AROHA = student("Aroha")
SAID = "I think the keeper was lonely"  # a new student's message: held for the teacher


def slow_reviews(chat: RecordingChat) -> tuple[asyncio.Event, asyncio.Event]:
    """The review is posted (teachers can read it) but the platform takes its time over
    the rest (Matrix: the ✅ / ❌ reactions): `posted` is set once it is out, and the post
    returns once `finish` is set."""
    posted, finish = asyncio.Event(), asyncio.Event()
    ask = chat.ask_decision

    async def slowly(channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        review: MessageRef = await ask(channel, flag_id, out)
        posted.set()
        await finish.wait()
        return review

    chat.ask_decision = slowly
    return posted, finish


def posts(bench: Bench, action: str, channel: ChannelRef | None = None) -> list[Posted]:
    return [
        p
        for p in bench.chat.posts
        if p.action == action and (channel is None or p.channel == channel)
    ]


def decide(bench: Bench, approve: bool, by: str, review_id: str) -> asyncio.Task[object]:
    """The teacher decides flag #1 by command or by reacting on its review, handled as the
    Matrix adapter handles the teacher room's events."""
    assert bench.app is not None

    async def deciding() -> object:
        if by == "command":
            typed = "!mod approve 1" if approve else "!mod reject 1 Please use kind words."
            return await bench.type(typed, where=TEACHERS)
        await bench.react(TEACHER, TEACHERS, review_id, "✅" if approve else "❌")
        return None

    with bench.app.follow_ups.behind():
        return asyncio.create_task(deciding())


async def decide_while_the_review_is_posted(bench: Bench, approve: bool, by: str) -> Posted:
    """Aroha's message is held; the teacher decides (`by` command or reaction) the moment
    the review is out, before its posting has finished; everything then runs to the end."""
    assert bench.app is not None
    posted, finish = slow_reviews(bench.chat)
    with bench.app.follow_ups.behind():  # as the Matrix adapter handles a room's events
        saying = asyncio.create_task(bench.say(AROHA, SAID))
    await asyncio.wait_for(posted.wait(), 10)
    (review,) = posts(bench, "review", TEACHERS)
    deciding = decide(bench, approve, by, review.id)
    for _ in range(50):  # the decision gets as far as it can while the review is posted
        await asyncio.sleep(0)
    finish.set()
    await asyncio.wait_for(saying, 10)
    await asyncio.wait_for(deciding, 10)
    await asyncio.wait_for(bench.app.follow_ups.idle(), 10)
    return review


def assert_decided_once(bench: Bench, approve: bool) -> None:
    mark = "✅ Approved #1" if approve else "❌ Rejected #1"
    confirmations = [p.text for p in posts(bench, "send", TEACHERS) if mark in p.text]
    assert len(confirmations) == 1, f"the teacher sees the decision once: {bench.chat.texts()}"
    told = [p.text for p in posts(bench, "tell") if "decided not to share" in p.text]
    assert len(told) == (0 if approve else 1), "a rejected student is told once"
    reposted = [p for p in posts(bench, "repost", ROOM) if SAID in p.text]
    assert len(reposted) == (1 if approve else 0), "approved: shown to the class once"
    assert [p.action for p in bench.chat.posts].count("review") == 1, "one review"


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
@pytest.mark.parametrize("by", ["command", "reaction"])
async def test_a_decision_while_the_review_is_being_posted_takes_effect_once(
    bench: Bench, approve: bool, by: str
) -> None:
    assert bench.app is not None
    await decide_while_the_review_is_posted(bench, approve, by)

    assert_decided_once(bench, approve)
    assert await bench.app.services.moderation.resume() == 0, "settled: nothing left to do"
    assert_decided_once(bench, approve)  # and a restart's resume repeats nothing


class LastStepPauses:
    """The hold's database, with a pause in its last step: once the student has been told
    about the hold, the next writing transaction that reads a flag returns the flag only
    once `go_on` is set (whatever a teacher commits meanwhile lands between that read and
    the write). `reached` is set at the pause, or when that transaction ends without one."""

    def __init__(self, bench: Bench) -> None:
        assert bench.app is not None
        self.effects = bench.app.services.moderation.review._effects
        self.real = self.effects.sessionmaker
        self.armed = False
        self.reached, self.go_on = asyncio.Event(), asyncio.Event()
        self.effects.sessionmaker = self  # type: ignore[assignment]
        tell = bench.chat.tell

        async def telling(user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
            await tell(user, channel, out)
            self.armed = self.armed or ":held" in (out.key or "")

        bench.chat.tell = telling

    def __call__(self) -> AsyncSession:
        return self.real()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        watched, self.armed = self.armed, False
        async with self.real.begin() as db:
            if not watched:
                yield db
                return
            get_one = db.get_one

            async def pausing(entity: type, ident: object) -> object:
                row: object = await get_one(entity, ident)
                if entity is Flag:
                    self.reached.set()
                    await self.go_on.wait()
                return row

            db.get_one = pausing  # type: ignore[method-assign,assignment]
            yield db
        self.reached.set()


async def state_of(bench: Bench, flag_id: int) -> str:
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        return str(await db.scalar(select(Flag.state).where(Flag.id == flag_id)))


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
@pytest.mark.parametrize("by", ["command", "reaction"])
async def test_a_decision_as_the_hold_is_marked_done_takes_effect_once(
    bench: Bench, approve: bool, by: str
) -> None:
    assert bench.app is not None
    pause = LastStepPauses(bench)
    with bench.app.follow_ups.behind():  # as the Matrix adapter handles a room's events
        saying = asyncio.create_task(bench.say(AROHA, SAID))
    await asyncio.wait_for(pause.reached.wait(), 10)
    (review,) = posts(bench, "review", TEACHERS)
    deciding = decide(bench, approve, by, review.id)
    while await state_of(bench, 1) == "pending":  # the decision is saved (its effects wait)
        await asyncio.sleep(0.01)
    pause.go_on.set()
    await asyncio.wait_for(saying, 10)
    await asyncio.wait_for(deciding, 10)
    await asyncio.wait_for(bench.app.follow_ups.idle(), 10)

    assert_decided_once(bench, approve)
    assert await bench.app.services.moderation.resume() == 0, "settled: nothing left to do"
    assert_decided_once(bench, approve)


class DecisionPauses:
    """The review queue's database, with a pause in a decision: the next writing transaction
    that reads a flag returns it only once `go_on` is set (the hold's last step lands between
    the decision's read and its write). `reached` is set at the pause."""

    def __init__(self, bench: Bench) -> None:
        assert bench.app is not None
        self.queue = bench.app.services.moderation.review
        self.real = self.queue.sessionmaker
        self.reached, self.go_on = asyncio.Event(), asyncio.Event()
        self.queue.sessionmaker = self  # type: ignore[assignment]

    def __call__(self) -> AsyncSession:
        return self.real()

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:
        async with self.real.begin() as db:
            get = db.get

            async def pausing(entity: type, ident: object) -> object:
                row: object = await get(entity, ident)
                if entity is Flag and not self.reached.is_set():
                    self.reached.set()
                    await self.go_on.wait()
                return row

            db.get = pausing  # type: ignore[method-assign,assignment]
            yield db


def slow_notes(chat: RecordingChat) -> tuple[asyncio.Event, asyncio.Event]:
    """The student's "waiting for your teacher" note (the hold's step after its review is
    out and recorded) is asked for, `asked` set, and sent only once `go_on` is set."""
    asked, go_on = asyncio.Event(), asyncio.Event()
    tell = chat.tell

    async def slowly(user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        if ":held" in (out.key or ""):
            asked.set()
            await go_on.wait()
        await tell(user, channel, out)

    chat.tell = slowly
    return asked, go_on


async def settled(bench: Bench, flag_id: int) -> bool:
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        return bool(await db.scalar(select(Flag.settled).where(Flag.id == flag_id)))


@pytest.mark.parametrize("approve", [True, False], ids=["approve", "reject"])
@pytest.mark.parametrize("by", ["command", "reaction"])
async def test_a_decision_read_before_the_hold_is_marked_done_takes_effect_once(
    bench: Bench, approve: bool, by: str
) -> None:
    """The decision reads the flag (waiting), the hold marks itself done, then the decision
    is written: it must still be carried out (it was lost when the write left `settled`)."""
    assert bench.app is not None
    asked, send_note = slow_notes(bench.chat)
    pause = DecisionPauses(bench)
    with bench.app.follow_ups.behind():  # as the Matrix adapter handles a room's events
        saying = asyncio.create_task(bench.say(AROHA, SAID))
    await asyncio.wait_for(asked.wait(), 10)  # the review is out; the hold's last steps wait
    (review,) = posts(bench, "review", TEACHERS)
    deciding = decide(bench, approve, by, review.id)
    await asyncio.wait_for(pause.reached.wait(), 10)  # the decision has read the flag
    send_note.set()
    while not await settled(bench, 1):  # the hold is done, as the flag was when it read it
        await asyncio.sleep(0.01)
    pause.go_on.set()
    await asyncio.wait_for(saying, 10)
    await asyncio.wait_for(deciding, 10)
    await asyncio.wait_for(bench.app.follow_ups.idle(), 10)

    assert_decided_once(bench, approve)
    assert await bench.app.services.moderation.resume() == 0, "settled: nothing left to do"
    assert_decided_once(bench, approve)
