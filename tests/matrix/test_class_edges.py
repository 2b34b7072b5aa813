"""The rough edges a real class met (issue 11), on a real Synapse: what a teacher, a child
and a guest author see."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta
from typing import Any

import pytest
from nio import ReactionEvent, RoomCreateError
from sqlalchemy import func, select

import bot.platforms.matrix.chat as matrix_chat
from bot.db.tables import Vote
from tests.matrix.classroom import Classroom, body, class_fixture, relates
from tests.matrix.people import PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


room12 = class_fixture()


async def run_session_one(cls: Classroom, prompt: str = "") -> str:
    """Session 1 of a planned book starts (with an optional first prompt); returns the
    announcement (the thread's root)."""
    first = await cls.plan_book()
    if prompt:
        await cls.teacher_types(prompt, expect="Prompt")
    cls.clock.set(first + timedelta(seconds=1))
    assert cls.app is not None
    await cls.app.scheduler.run_due()
    announcement = await cls.students[0].wait_for(cls.says("Read-aloud time", cls.room))
    return announcement.event_id


async def close_session(cls: Classroom, root: str) -> None:
    cls.clock.advance(timedelta(minutes=61))
    assert cls.app is not None
    await cls.app.scheduler.run_due()
    await cls.students[0].wait_for(cls.says("end of today's discussion", cls.room))


async def test_a_trusted_child_posting_after_the_discussion_closed_is_told_that_reason(
    room12: Classroom,
) -> None:
    aroha = room12.students[0]
    await room12.teacher_types(f"!mod trust {aroha.user_id}", expect="trusted")
    root = await run_session_one(room12)
    await close_session(room12, root)

    await aroha.send(room12.room, "I finished the chapter at home!", thread=root)

    told = await aroha.wait_for(room12.privately("waiting for your teacher"))
    assert "discussion has finished" in body(told)
    assert "new class members" not in body(told), "she is trusted: not the reason"
    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert "posted after the session's discussion closed" in body(review)
    assert "new student" not in body(review)


async def test_approving_by_command_in_the_teacher_room_confirms_once(room12: Classroom) -> None:
    ben, teacher = room12.students[1], room12.teacher
    await ben.send(room12.room, "Chapter two was spooky")
    review = await teacher.wait_for(room12.says("Held #", room12.teacher_room))
    flag_id = body(review).split("#", 1)[1].split(" ", 1)[0]

    await teacher.send(room12.teacher_room, f"!mod approve {flag_id}")

    await ben.wait_for(room12.says("Ben (student): Chapter two was spooky", room12.room))
    await room12.idle()
    seen = await teacher.seen_now(room12.teacher_room)
    said = [body(ev) for ev in seen if ev.sender == room12.bot and body(ev)]
    assert said == [f"✅ Approved #{flag_id} by Ms Rivera."], said


async def test_trusting_someone_not_in_the_class_is_refused(room12: Classroom) -> None:
    told = await room12.teacher_types("!mod trust @nobody:nowhere.example", expect="not in")
    assert "changed nobody's trust" in body(told) and "now trusted" not in body(told)
    assert "People in this class: Aroha, Ben." in body(told), "students only"
    aroha = room12.students[0].user_id
    typo = aroha.replace("aroha", "aroah", 1)
    told = await room12.teacher_types(f"!mod trust {typo}", expect="Did you mean")
    assert f"Did you mean Aroha? Type: !mod trust {aroha}" in body(told)


async def test_a_vote_tapped_while_the_poll_is_still_appearing_is_counted(
    room12: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    aroha = room12.students[0]
    # the bot is slow to add its number reactions (a busy homeserver): 1️⃣ is there, 2️⃣ not
    # yet, when Aroha taps 2️⃣ herself
    react, numbers_go_on = matrix_chat.react, asyncio.Event()

    async def slowly(client: Any, message: Any, keys: Any, key: str | None) -> None:
        if key and ":prompt:" in key:
            await react(client, message, keys[:1], key)
            await asyncio.wait_for(numbers_go_on.wait(), 20)
            keys = keys[1:]
        await react(client, message, keys, key)

    monkeypatch.setattr(matrix_chat, "react", slowly)
    first = await room12.plan_book()
    await room12.teacher_types(
        "!readaloud prompt 1 Torch or book? | A torch | A book kind=poll", expect="Prompt"
    )
    room12.clock.set(first + timedelta(seconds=1))
    assert room12.app is not None
    starting = asyncio.create_task(room12.app.scheduler.run_due())  # held at the numbers
    poll = await aroha.wait_for(room12.says("Torch or book?", room12.room))
    await aroha.wait_for(
        lambda _, ev: (
            isinstance(ev, ReactionEvent)
            and ev.sender == room12.bot
            and ev.reacts_to == poll.event_id
            and ev.key == "1️⃣"
        )
    )
    assert not starting.done(), "the other numbers are still to come"
    await aroha.react(room12.room, poll.event_id, "2️⃣")
    await room12.wait_count(select(func.count(Vote.id)), 1, timeout=5)
    numbers_go_on.set()
    await starting

    room12.clock.advance(timedelta(minutes=61))
    await room12.app.scheduler.run_due()  # type: ignore[union-attr]
    results = await aroha.wait_for(room12.says("Results", room12.room))
    assert "1️⃣ A torch: 0" in body(results) and "2️⃣ A book: 1" in body(results)


async def test_an_answer_after_the_discussion_closed_is_posted_in_the_class_room(
    room12: Classroom, people: PersonFactory
) -> None:
    aroha, teacher = room12.students[0], room12.teacher
    root = await run_session_one(room12)
    told = await room12.teacher_types(
        '!author invite name="Jo Lee" book="The Lighthouse Mice"', room12.teacher_room, "RA-"
    )
    code = re.search(r"RA-\w{4}-\w{4}", body(told))
    assert code
    await room12.teacher_types("!author review off", room12.teacher_room, "at once")
    author = await people("jo", "Jo Lee")
    resp = await author.client.room_create(is_direct=True, invite=[room12.bot])
    assert not isinstance(resp, RoomCreateError), resp
    dm = resp.room_id
    await author.wait_for(lambda rid, ev: getattr(ev, "membership", "") == "join"
                          and getattr(ev, "state_key", "") == room12.bot, 30, dm)  # fmt: skip
    await author.send(dm, f"!author join {code.group(0)}")
    await author.wait_for(room12.says("Welcome", dm), 30)
    await aroha.send(room12.room, "!ask Why did the keeper live alone?")
    review = await teacher.wait_for(room12.says("Question #", room12.teacher_room))
    await teacher.react(room12.teacher_room, review.event_id, "✅")
    question = await author.wait_for(room12.says("📬 Question", dm), 30)
    number = re.search(r"#(\d+)", body(question)).group(1)  # type: ignore[union-attr]

    await close_session(room12, root)  # the author answers after the discussion closed
    await author.send(dm, f"!answer {number} The keeper loved the quiet of the sea.")

    answer = await aroha.wait_for(room12.says("✉️ Jo Lee answered", room12.room), 30)
    assert relates(answer).get("rel_type") != "m.thread", "not in the closed thread"
    assert body(answer).startswith("✉️ Jo Lee answered our class's question from chapter 2:")
    assert "> Why did the keeper live alone?" in body(answer)


async def test_a_child_answering_the_bots_notice_gets_a_childs_answer_and_is_screened(
    room12: Classroom,
) -> None:
    ben, teacher = room12.students[1], room12.teacher
    await ben.send(room12.room, "Hello everyone")
    private = room12.privately("waiting for your teacher")
    seen_in: list[str] = []
    await ben.wait_for(lambda rid, ev: private(rid, ev) and not seen_in.append(rid))
    dm = seen_in[-1]
    await teacher.wait_for(room12.says("Held #", room12.teacher_room))

    await ben.send(dm, "ok thanks")
    answer = await ben.wait_for(room12.says("I'm the read-aloud bot", dm))
    assert "author join" not in body(answer) and "class room" in body(answer)

    await ben.send(dm, "my address is 12 Rata Street, call me on 021 555 1234")
    told = await ben.wait_for(room12.says("I'm the read-aloud bot", dm))
    assert "teacher" in body(told)
    review = await teacher.wait_for(room12.says("Private message #", room12.teacher_room))
    assert "Ben" in body(review) and "12 Rata Street" in body(review)
    assert "class did not see it" in body(review)
