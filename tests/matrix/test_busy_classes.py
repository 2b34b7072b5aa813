"""One bot, two classes, real Synapse: a slow teacher room in one class holds up nothing else.
Held messages disappear at once in both classes while one review cannot be posted yet, and
the teacher reads the reviews in the order the students wrote."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from nio import RedactionEvent
from sqlalchemy import select

from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.db.tables import Flag
from bot.localserver import LocalHomeserver
from tests.matrix.classroom import Classroom, body, make_classroom
from tests.matrix.people import Person, PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session")
async def two_classes(
    synapse: LocalHomeserver, people: PersonFactory, tmp_path: Path
) -> AsyncIterator[tuple[Classroom, Classroom]]:
    """Room 12 and Room 14, both served by the same running bot."""
    room12 = await make_classroom(synapse, people, tmp_path, students=1)
    room14 = Classroom(
        hs=synapse,
        bot_account=room12.bot_account,
        db_url=room12.db_url,
        clock=room12.clock,
        crypto_store=room12.crypto_store,
        teacher=await people("okafor", "Mr Okafor"),
        students=[await people("ira", "Ira"), await people("jo", "Jo")],
        app=room12.app,
    )
    await room14.set_up()
    yield room12, room14
    for app in list(room12.started):
        await app.stop()


def removed(event_id: str):  # type: ignore[no-untyped-def]
    return lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == event_id


async def test_a_slow_teacher_room_does_not_keep_another_class_waiting(
    two_classes: tuple[Classroom, Classroom], monkeypatch: pytest.MonkeyPatch
) -> None:
    room12, room14 = two_classes
    chat = room12.chat
    stuck = asyncio.Event()  # Room 12's teacher room takes its time (until the test says)
    post_review = chat.ask_decision

    async def slow_review(channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        if channel.id == room12.teacher_room:
            await stuck.wait()
        return await post_review(channel, flag_id, out)

    monkeypatch.setattr(chat, "ask_decision", slow_review)
    aroha = room12.students[0]
    try:
        first = await aroha.send(room12.room, "the lighthouse keeper was brave")
        assert await aroha.wait_for(removed(first), room_id=room12.room)
        # Room 12's review is stuck; its next message and Room 14's are hidden all the same
        second = await aroha.send(room12.room, "I want to be a keeper too")
        ira = room14.students[0]
        other = await ira.send(room14.room, "the storm chapter was scary")
        assert await ira.wait_for(removed(other), room_id=room14.room)
        assert await aroha.wait_for(removed(second), room_id=room12.room)
        review14 = await room14.teacher.wait_for(
            room14.says("the storm chapter was scary", room14.teacher_room)
        )
        assert "Ira" in body(review14)
    finally:
        stuck.set()
    # once the teacher room answers, Room 12's teacher reads both reviews, oldest first
    said = await ordered_reviews(room12, ["the lighthouse keeper was brave", "keeper too"])
    assert said == ["the lighthouse keeper was brave", "keeper too"]


async def ordered_reviews(cls: Classroom, fragments: list[str]) -> list[str]:
    """Which of `fragments` the teacher sees in the bot's teacher-room posts, in order."""
    found: list[str] = []
    while len(found) < len(fragments):
        ev = await cls.teacher.wait_for(cls.says("", cls.teacher_room), room_id=cls.teacher_room)
        found += [f for f in fragments if f in body(ev) and f not in found]
    return found


async def test_a_burst_in_one_class_is_reviewed_in_the_order_it_was_written(
    two_classes: tuple[Classroom, Classroom],
) -> None:
    _, room14 = two_classes
    ira, jo = room14.students
    texts: list[tuple[Person, str]] = [
        (ira if n % 2 == 0 else jo, f"chapter {n} made me think about the sea") for n in range(8)
    ]
    sent = [await who.send(room14.room, text) for who, text in texts]  # as fast as it goes
    for event_id in sent:
        assert await room14.teacher.wait_for(removed(event_id), room_id=room14.room)
    # each student's burst shares one review (floods), so the order is read where it is kept:
    # the flags, numbered as the bot handled the messages
    # (the class stops seeing a held message before its hold is recorded: wait for the rows)
    flags = select(Flag.text).where(Flag.channel_id == room14.room).order_by(Flag.id)
    assert room14.app is not None
    handled: list[str] = []
    async with asyncio.timeout(30):
        while len(handled) < len(texts):
            await asyncio.sleep(0.05)
            async with room14.app.sessionmaker() as db:
                handled = list(await db.scalars(flags))
    assert handled == [t for _, t in texts]


async def test_a_teacher_who_approves_while_the_review_is_still_being_posted_is_heard(
    two_classes: tuple[Classroom, Classroom], monkeypatch: pytest.MonkeyPatch
) -> None:
    room12, _ = two_classes
    chat = room12.chat
    posted = asyncio.Event()  # the review is out, but the bot has not noted it yet
    post_review = chat.ask_decision

    async def review_then_wait(channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        review = await post_review(channel, flag_id, out)
        await posted.wait()
        return review

    monkeypatch.setattr(chat, "ask_decision", review_then_wait)
    aroha = room12.students[0]
    try:
        await aroha.send(room12.room, "the keeper's cat was funny")
        review = await room12.teacher.wait_for(
            room12.says("the keeper's cat was funny", room12.teacher_room)
        )
        await room12.teacher.react(room12.teacher_room, review.event_id, "✅")
        await asyncio.sleep(1.0)  # the bot sees the ✅ before it has finished the review
    finally:
        posted.set()
    repost = await aroha.wait_for(
        room12.says("Aroha (student): the keeper's cat was funny", room12.room)
    )
    assert repost is not None
