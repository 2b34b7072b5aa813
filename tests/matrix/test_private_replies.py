"""Private stays private on a real Synapse: answers meant for one person, roles that follow
the class room, and a teacher room students can read that gets nothing, even after a restart."""

from __future__ import annotations

import pytest
from nio import RoomMemberEvent, RoomPutStateError
from sqlalchemy import func, select

from bot.db.tables import Classroom as ClassroomRow
from bot.db.tables import Flag
from bot.platforms.matrix.replies import IN_TEACHER_ROOM
from tests.matrix.classroom import Classroom, body, class_fixture
from tests.matrix.people import Person, PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]

HELD = "I feel sad every night and nobody knows"


room12 = class_fixture()


def texts(events: list) -> list[str]:  # type: ignore[type-arg]
    return [body(ev) for ev in events]


async def hold_a_message(cls: Classroom, student: Person, text: str = HELD) -> str:
    """A new student's first message waits for the teacher; returns the review's event id."""
    await student.send(cls.room, text)
    review = await cls.teacher.wait_for(cls.says(text, cls.teacher_room))
    await cls.idle()
    return str(review.event_id)


async def test_a_teachers_queue_typed_in_class_is_answered_in_the_teacher_room(
    room12: Classroom,
) -> None:
    aroha, ben = room12.students
    await hold_a_message(room12, aroha)
    await ben.seen_now(room12.room)  # Ben has seen the class room up to now

    await room12.teacher.send(room12.room, "!mod queue")
    queue = await room12.teacher.wait_for(room12.says("waiting, oldest first", room12.teacher_room))
    assert HELD[:40] in body(queue) and "Aroha" in body(queue)
    await room12.teacher.send(room12.room, f"!mod history {aroha.user_id}")
    history = await room12.teacher.wait_for(room12.says("Latest flags", room12.teacher_room))
    assert HELD[:40] in body(history)
    await room12.idle()

    seen_by_ben = texts(await ben.seen_now(room12.room))
    pointers = [t for t in seen_by_ben if t.endswith(IN_TEACHER_ROOM)]
    assert len(pointers) == 2, "a short pointer for each command, nothing more"
    from_bot = [t for t in seen_by_ben if not t.startswith("!mod")]
    assert from_bot == pointers


async def test_a_students_help_and_mistakes_go_to_their_direct_room(room12: Classroom) -> None:
    aroha, ben = room12.students
    await room12.idle()
    await ben.seen_now(room12.room)

    await aroha.send(room12.room, "!help")
    help_ = await aroha.wait_for(room12.privately("what you can do"))
    assert "!ask" in body(help_) and "!mod" not in body(help_)
    await aroha.send(room12.room, "!mod queue")
    refused = await aroha.wait_for(room12.privately("Only your teacher can use !mod queue"))
    assert "!help" in body(refused)
    await aroha.send(room12.room, "!ask")  # the question is missing
    mistake = await aroha.wait_for(room12.privately("question"))
    assert "!ask" in body(mistake) or "question" in body(mistake)
    await room12.idle()

    seen_by_ben = texts(await ben.seen_now(room12.room))
    assert not [t for t in seen_by_ben if "what you can do" in t or "Only your teacher" in t]
    assert not [t for t in seen_by_ben if "question" in t.lower()]


async def test_a_demoted_teacher_cannot_decide_and_is_removed_from_the_teacher_room(
    room12: Classroom, people: PersonFactory
) -> None:
    aroha, ben = room12.students
    teacher, app = room12.teacher, room12.app
    assert app is not None
    okafor = await people("okafor", "Mr Okafor")
    await teacher.client.room_invite(room12.room, okafor.user_id)
    await okafor.join(room12.room)
    await teacher.set_power(room12.room, okafor.user_id, 50)
    await teacher.client.room_invite(room12.teacher_room, okafor.user_id)
    await okafor.join(room12.teacher_room)
    await room12.idle()

    # a teacher in the class room decides in the teacher room (power 0 there)
    first = await hold_a_message(room12, aroha, "I liked the part with the lamp")
    await okafor.react(room12.teacher_room, first, "✅")
    await aroha.wait_for(
        room12.says("Aroha (student): I liked the part with the lamp", room12.room)
    )

    await teacher.set_power(room12.room, okafor.user_id, 0)  # no longer a teacher
    # the class room's power levels changed: the bot looks at the teacher room at once
    gone = await teacher.wait_for(
        lambda rid, ev: (
            rid == room12.teacher_room
            and isinstance(ev, RoomMemberEvent)
            and ev.state_key == okafor.user_id
            and ev.membership == "leave"
        )
    )
    assert gone.sender == room12.bot
    told = await teacher.wait_for(room12.says("I removed Mr Okafor", room12.teacher_room))
    assert "not a teacher in the class room" in body(told)

    await hold_a_message(room12, ben, "the keeper should have left")
    await okafor.send(room12.room, "!mod queue")
    refused = await okafor.wait_for(room12.privately("Only your teacher can use !mod queue"))
    assert refused is not None
    await room12.idle()
    pending = select(func.count()).select_from(Flag).where(Flag.state == "pending")
    assert await room12.count(pending) == 1, "he decided nothing"
    in_class = texts(await ben.seen_now(room12.room))
    assert not [t for t in in_class if "the keeper should have left" in t], "not reposted"
    assert await app.services.watch.check() == 0, "the room is private: reviews go on"


async def test_after_a_restart_an_exposed_teacher_room_gets_nothing(room12: Classroom) -> None:
    aroha, ben = room12.students
    teacher = room12.teacher
    await room12.stop_bot()
    # while the bot is away, the teacher room is opened to anyone and a new student posts
    public = await teacher.client.room_put_state(
        room12.teacher_room, "m.room.join_rules", {"join_rule": "public"}
    )
    assert not isinstance(public, RoomPutStateError), public
    await teacher.seen_now(room12.teacher_room)  # the bot is stopped
    await aroha.send(room12.room, HELD)

    await room12.start_bot()
    await room12.idle()
    await aroha.wait_for(room12.privately("waiting for your teacher"))
    await room12.stop_bot()
    await room12.start_bot()  # a second restart: what the check found is kept
    await room12.idle()
    await ben.send(room12.room, "the lamp was so bright")
    await ben.wait_for(room12.privately("waiting for your teacher"))
    await room12.idle()

    in_teacher_room = texts(await teacher.seen_now(room12.teacher_room))
    assert not [t for t in in_teacher_room if "nobody knows" in t or "lamp" in t or "#" in t]
    assert len([t for t in in_teacher_room if "Students can read this teacher room" in t]) == 1
    kept = select(ClassroomRow.teacher_channel_exposed).where(
        ClassroomRow.channel_id == room12.room
    )
    async with room12.app.sessionmaker() as db:  # type: ignore[union-attr]
        assert "Anyone can join" in str(await db.scalar(kept))

    private = await teacher.client.room_put_state(
        room12.teacher_room, "m.room.join_rules", {"join_rule": "invite"}
    )
    assert not isinstance(private, RoomPutStateError), private
    await room12.idle()
    await room12.app.services.watch.check()  # type: ignore[union-attr]
    await teacher.wait_for(room12.says("private again", room12.teacher_room))
    await teacher.wait_for(room12.says("nobody knows", room12.teacher_room))
    await teacher.wait_for(room12.says("the lamp was so bright", room12.teacher_room))
