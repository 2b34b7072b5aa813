"""A teacher removes the bot from the class room by mistake, then invites it back (real Synapse):
the teacher hears about it once, nothing is tried meanwhile, and the sessions carry on."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from nio import RoomMemberEvent

from tests.matrix.classroom import Classroom, body, class_fixture

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


room12 = class_fixture(students=1)


def bot_joined(cls: Classroom):  # type: ignore[no-untyped-def]
    def match(room_id: str, ev: object) -> bool:
        return (
            room_id == cls.room
            and isinstance(ev, RoomMemberEvent)
            and ev.state_key == cls.bot
            and ev.membership == "join"
        )

    return match


async def test_a_kicked_bot_tells_the_teacher_once_and_carries_on_when_invited_back(
    room12: Classroom, caplog: pytest.LogCaptureFixture
) -> None:
    cls, teacher = room12, room12.teacher
    first = await cls.plan_book()
    await teacher.client.room_kick(cls.room, cls.bot, reason="oops")

    told = await teacher.wait_for(cls.says("I was removed from the class room", cls.teacher_room))
    assert "Invite me back" in body(told)
    await cls.idle()

    # the session's time comes while the bot is away: nothing is tried, nothing fails
    caplog.set_level(logging.ERROR)
    cls.clock.set(first + timedelta(seconds=1))
    app = cls.app
    assert app is not None
    assert await app.scheduler.run_due() == 0
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]

    await teacher.client.room_invite(cls.room, cls.bot)
    await teacher.wait_for(bot_joined(cls), room_id=cls.room)
    back = await teacher.wait_for(cls.says("I'm back in the class room", cls.teacher_room))
    assert "Sessions carry on" in body(back)

    await app.scheduler.run_due()  # the timer may have woken and run it already
    announcement = await cls.students[0].wait_for(cls.says("Read-aloud time", cls.room))
    assert "chapters 1–2" in body(announcement)
    await cls.idle()
    removed_notes = [
        ev for ev in await teacher.seen_now(cls.teacher_room) if "I was removed" in body(ev)
    ]
    assert removed_notes == []  # told once, not again
