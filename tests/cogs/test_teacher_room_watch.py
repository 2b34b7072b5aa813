"""The teacher room stays for teachers: who is not a teacher of the class is taken out, and
what the last check found survives a restart (on the real App with a recording chat)."""

from __future__ import annotations

import pytest

from bot.core.model import ChannelRef
from tests.cogs.bench import ROOM, TEACHER, Bench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
MAIA = student("Maia")


def said_in_teacher_room(bench: Bench) -> list[str]:
    return [p.text for p in bench.chat.posts if p.channel == TEACHERS and p.action != "remove"]


async def test_someone_who_is_not_a_teacher_of_the_class_is_taken_out(bench: Bench) -> None:
    assert bench.app is not None
    bench.chat.in_channel[TEACHERS.id] = [TEACHER.user, MAIA.user]
    assert await bench.app.services.watch.check() == 0
    (removed,) = [p for p in bench.chat.posts if p.action == "remove"]
    assert removed.to == MAIA.user.id and removed.channel == TEACHERS
    (told,) = said_in_teacher_room(bench)
    assert told.startswith("I removed Maia from this teacher room")
    assert bench.chat.in_channel[TEACHERS.id] == [TEACHER.user], "the teacher stays"


async def test_an_exposed_teacher_room_stays_paused_after_a_restart(bench: Bench) -> None:
    assert bench.app is not None
    bench.chat.problems[TEACHERS.id] = "Anyone can join that room."
    assert await bench.app.services.watch.check() == 1
    await bench.restart()
    assert bench.app is not None
    await bench.say(MAIA, "my first message")  # a new student: held
    assert "my first message" not in " ".join(said_in_teacher_room(bench))
    warnings = [t for t in said_in_teacher_room(bench) if "Students can read" in t]
    assert len(warnings) == 1, "told once, not again after the restart"

    del bench.chat.problems[TEACHERS.id]
    await bench.app.services.watch.check()
    said = said_in_teacher_room(bench)
    assert "private again" in said[-2] and "my first message" in said[-1]


async def test_until_the_first_check_nothing_is_posted_in_the_teacher_room(bench: Bench) -> None:
    assert bench.app is not None
    await bench.app.stop()
    bench.chat.problems[TEACHERS.id] = "Students are in that room (Maia)."
    # a restart where the platform cannot say yet who is in the room
    real = bench.chat.private_problem

    async def not_known_yet(classroom: ChannelRef, channel: ChannelRef) -> str | None:
        raise ConnectionError("no room state yet")

    bench.chat.private_problem = not_known_yet  # type: ignore[method-assign]
    await bench.start()
    await bench.say(MAIA, "hello teacher room?")
    assert not said_in_teacher_room(bench), "not checked yet: nothing goes there"
    bench.chat.private_problem = real  # type: ignore[method-assign]
    del bench.chat.problems[TEACHERS.id]
    await bench.app.services.watch.check()
    assert "hello teacher room?" in said_in_teacher_room(bench)[-1]
