"""A change to a class's rooms (someone invited, a power level edited) makes the bot look
at the teacher room at once: no waiting for the hourly look (the fake clock never moves)."""

from __future__ import annotations

import pytest
from nio import RoomMemberEvent

from tests.matrix.classroom import Classroom, class_fixture

pytestmark = pytest.mark.asyncio(loop_scope="session")
room12 = class_fixture(students=1)


async def test_a_student_invited_into_the_teacher_room_is_taken_out_at_once(
    room12: Classroom,
) -> None:
    aroha = room12.students[0]
    await room12.idle()
    invited = await room12.teacher.client.room_invite(room12.teacher_room, aroha.user_id)
    assert not hasattr(invited, "status_code"), invited

    withdrawn = await room12.teacher.wait_for(
        lambda rid, ev: (
            rid == room12.teacher_room
            and isinstance(ev, RoomMemberEvent)
            and ev.state_key == aroha.user_id
            and ev.membership == "leave"
        )
    )
    assert withdrawn.sender == room12.bot, "the bot withdrew the invite"
    await room12.teacher.wait_for(room12.says("I removed Aroha", room12.teacher_room))
