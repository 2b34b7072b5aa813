"""Classroom stories, end to end: a real bot, a real Synapse, a teacher and students."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nio import RedactionEvent, RoomMessageText
from sqlalchemy import delete, func, select, update

from bot.db.tables import Delivery, Flag, Post, Session
from bot.localserver import LocalHomeserver
from tests.matrix.classroom import Classroom, body, class_fixture, make_classroom, relates
from tests.matrix.people import PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


room12 = class_fixture()


async def plan_first_session(cls: Classroom) -> None:
    """A book, a plan whose first session is two hours from (fake) now, one prompt."""
    first = await cls.plan_book()
    await cls.teacher_types(
        "!readaloud prompt 1 What would you pack for a night in a lighthouse?", expect="Prompt"
    )
    cls.clock.set(first + timedelta(seconds=1))


async def test_a_planned_session_posts_its_announcement_thread_and_prompt(
    room12: Classroom,
) -> None:
    student = room12.students[0]
    await plan_first_session(room12)

    assert await room12.app.scheduler.run_due() == 1  # type: ignore[union-attr]

    announcement = await student.wait_for(room12.says("Read-aloud time", room12.room))
    assert "chapters 1–2" in body(announcement)
    prompt = await student.wait_for(room12.says("What would you pack", room12.room))
    assert relates(prompt)["rel_type"] == "m.thread"
    assert relates(prompt)["event_id"] == announcement.event_id
    schedule = await room12.teacher_types("!readaloud schedule", expect="calendar")
    assert "[running]" in body(schedule) and "chapters 3–4" in body(schedule)

    room12.clock.advance(timedelta(minutes=61))  # the discussion window closes
    await room12.app.scheduler.run_due()  # type: ignore[union-attr]
    closing = await student.wait_for(room12.says("end of today's discussion", room12.room))
    assert relates(closing)["event_id"] == announcement.event_id
    digest = await room12.teacher.wait_for(room12.says("Digest", room12.teacher_room))
    assert "session 1" in body(digest)


async def test_a_new_students_message_is_held_and_the_teacher_approves_it_with_a_tap(
    room12: Classroom,
) -> None:
    aroha, teacher = room12.students[0], room12.teacher
    aroha.accepts_invites = False
    said = await aroha.send(room12.room, "I think the keeper was lonely")

    redaction = await aroha.wait_for(
        lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said
    )
    assert redaction.sender == room12.bot
    # until Aroha accepts the bot's invite, the class only sees that she has a message
    await aroha.wait_for(room12.says("I've sent you a private message", room12.room))
    aroha.accepts_invites = True
    notice = await aroha.wait_for(room12.privately("waiting for your teacher"))
    assert "lonely" not in body(notice)
    review = await teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert "I think the keeper was lonely" in body(review) and "Aroha" in body(review)

    await teacher.react(room12.teacher_room, review.event_id, "✅")

    repost = await aroha.wait_for(
        room12.says("Aroha (student): I think the keeper was lonely", room12.room)
    )
    assert isinstance(repost, RoomMessageText)
    assert body(repost) == "Aroha (student): I think the keeper was lonely"
    await teacher.wait_for(room12.says("Approved", room12.teacher_room))


async def test_a_rude_message_is_held_rejected_and_the_student_told_why(
    room12: Classroom,
) -> None:
    ben = room12.students[1]
    await room12.teacher_types(f"!mod trust {ben.user_id}", expect="trusted")
    await ben.send(room12.room, "you are an idiot, ben")
    await ben.wait_for(room12.privately("waiting for your teacher"))
    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    flag_id = body(review).split("#", 1)[1].split(" ", 1)[0]

    await room12.teacher_types(
        f"!mod reject {flag_id} please use kind words",
        room=room12.teacher_room,
        expect="❌ Rejected",
    )

    told = await ben.wait_for(room12.privately("decided not to share"))
    assert "please use kind words" in body(told) and "idiot" not in body(told)
    again = await room12.teacher_types(
        f"!mod approve {flag_id}", room=room12.teacher_room, expect="already"
    )
    assert "already rejected" in body(again)


async def test_a_student_cannot_use_teacher_commands_and_is_told_so(room12: Classroom) -> None:
    chen = room12.students[0]
    await chen.send(room12.room, "!readaloud plan start=2027-02-01 days=mon time=09:00")
    reply = await chen.wait_for(room12.privately("Only your teacher"))
    assert "!readaloud plan" in body(reply) and "!help" in body(reply)
    await chen.send(room12.room, "!help")
    help_ = await chen.wait_for(room12.privately("what you can do"))
    assert "!readaloud schedule" in body(help_) and "!mod" not in body(help_)


async def test_bad_arguments_get_a_reply_saying_what_to_type(room12: Classroom) -> None:
    await room12.teacher_types('!readaloud book "Wonder" chapters=12', expect="Added")
    reply = await room12.teacher_types(
        "!readaloud plan start=01/02/2027 days=mon time=09:00", expect="must look like"
    )
    assert "start must look like 2027-02-01" in body(reply)
    reply = await room12.teacher_types("!class setup timezone=Mars/Olympus", expect="timezone")
    assert "Pacific/Auckland" in body(reply)
    reply = await room12.teacher_types("!readaloud foo", expect="needs one of")
    assert body(reply).endswith("Try !help.")


async def test_a_restart_at_the_scheduled_time_posts_exactly_once(room12: Classroom) -> None:
    student = room12.students[0]
    await plan_first_session(room12)
    await room12.stop_bot()  # the bot is down when the session is due
    await room12.start_bot()  # start-up posts what is due
    await room12.app.scheduler.run_due()  # type: ignore[union-attr]
    await student.wait_for(room12.says("Read-aloud time", room12.room))
    await student.wait_for(room12.says("What would you pack", room12.room))

    # a crash after posting but before recording it: no row says it was sent
    async with room12.app.sessionmaker.begin() as db:  # type: ignore[union-attr]
        await db.execute(delete(Delivery))
        await db.execute(
            update(Session).values(state="planned", thread_id=None, next_step_at=Session.starts_at)
        )
    await room12.stop_bot()
    await room12.start_bot()
    await room12.app.scheduler.run_due()  # type: ignore[union-attr]
    await room12.idle()

    later = await student.seen_now(room12.room)
    reposted = [
        ev
        for ev in later
        if ev.sender == room12.bot and ("Read-aloud time" in body(ev) or "pack" in body(ev))
    ]
    assert reposted == []  # the homeserver dropped the retry: same transaction id
    assert await room12.count(select(func.count(Delivery.id))) == 2


async def test_a_burst_of_200_messages_from_8_students_is_screened_completely(
    synapse: LocalHomeserver, e2e_people: PersonFactory, tmp_path: Path
) -> None:
    # in an encrypted room, the harder case: every message is decrypted before it is
    # screened (a plain room's burst: test_adapter.py for arrival, the cogs' flood tests
    # for screening; benchmarks/encrypted_burst.py times both rooms side by side)
    cls = await make_classroom(synapse, e2e_people, tmp_path, students=8, encrypted=True)
    try:
        for s in cls.students:
            await cls.teacher_types(f"!mod trust {s.user_id}", expect="trusted")

        async def chatter(i: int) -> None:
            for n in range(25):
                await cls.students[i].send(cls.room, f"message {n} from student {i}")

        await asyncio.gather(*(chatter(i) for i in range(8)))
        screened = await cls.wait_count(select(func.count(Post.id)), 200)
        assert screened == 200
        shown = select(func.count(Post.id)).where(Post.outcome.in_(("allow", "flag")))
        assert await cls.count(shown) == 200  # nothing hidden: clean words, trusted students
        # 25 messages in a few seconds is a flood: the teacher hears once per student, not 25x
        assert await cls.count(select(func.count(Flag.id))) <= 8
    finally:
        for app in list(cls.started):
            await app.stop()


async def test_a_teacher_uploads_a_season_file_and_gets_the_export_back(room12: Classroom) -> None:
    import io

    from nio import UploadResponse

    teacher = room12.teacher
    plan = (Path(__file__).parents[2] / "examples" / "lighthouse-mice.toml").read_bytes()
    resp, _ = await teacher.client.upload(
        lambda *_: io.BytesIO(plan),
        content_type="application/toml",
        filename="lighthouse-mice.toml",
        filesize=len(plan),
    )
    assert isinstance(resp, UploadResponse)
    await teacher.send_event(
        room12.room,
        "m.room.message",
        {"msgtype": "m.file", "body": "lighthouse-mice.toml", "url": resp.content_uri},
    )
    reply = await teacher.wait_for(room12.says("Imported", room12.room))
    assert "sessions planned" in body(reply)

    await teacher.send(room12.room, "!readaloud export")
    file = await teacher.wait_for(
        lambda rid, ev: (
            ev.sender == room12.bot and ev.source.get("content", {}).get("msgtype") == "m.file"
        )
    )
    assert body(file).endswith(".toml")


async def test_class_setup_refuses_a_teacher_room_with_students_in_it(room12: Classroom) -> None:
    from nio import RoomMemberEvent

    teacher, aroha = room12.teacher, room12.students[0]

    async def room_with(*people: Any) -> str:
        room = await teacher.create_room(invite=[room12.bot, *(p.user_id for p in people)])
        for p in people:
            await p.join(room)
        await teacher.wait_for(
            lambda rid, ev: (
                isinstance(ev, RoomMemberEvent)
                and ev.state_key == room12.bot
                and ev.membership == "join"
            ),
            room_id=room,
        )
        await room12.idle()
        return room

    shared = await room_with(aroha)
    refused = await room12.teacher_types(f"!class setup teachers={shared}", expect="Students are")
    assert "Aroha" in body(refused)
    private = await room_with()
    accepted = await room12.teacher_types(f"!class setup teachers={private}", expect="now the")
    assert "private teacher channel you named" in body(accepted)


async def test_rude_words_typed_as_a_command_are_held_too(room12: Classroom) -> None:
    ben = room12.students[1]
    await room12.teacher_types(f"!mod trust {ben.user_id}", expect="trusted")
    said = await ben.send(room12.room, "!schedule you idiot")

    await ben.wait_for(lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said)
    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert "!schedule you idiot" in body(review)
    await ben.send(room12.room, "!readaloud schedule")  # clean commands stay as they are
    await ben.wait_for(room12.says("No sessions planned yet", room12.room))


async def test_a_clean_message_edited_into_a_rude_one_is_held(room12: Classroom) -> None:
    ben = room12.students[1]
    await room12.teacher_types(f"!mod trust {ben.user_id}", expect="trusted")
    first = await ben.send(room12.room, "the keeper was kind")
    edit = await ben.send_event(
        room12.room,
        "m.room.message",
        {
            "msgtype": "m.text",
            "body": "* you are an idiot",
            "m.new_content": {"msgtype": "m.text", "body": "you are an idiot"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": first},
        },
    )
    # the edit is taken back (clients show the clean first version again) and held
    await ben.wait_for(lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == edit)
    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert "you are an idiot" in body(review)
    posts = await room12.count(select(func.count()).select_from(Post))
    assert posts == 2, "the first version and the edit were each screened once"


async def test_a_picture_waits_for_the_teacher_who_sees_it_and_approves_it(
    room12: Classroom,
) -> None:
    import io

    from nio import RoomMessageImage, UploadResponse

    ben, teacher = room12.students[1], room12.teacher
    await room12.teacher_types(f"!mod trust {ben.user_id}", expect="trusted")
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
    uploaded, _ = await ben.client.upload(
        io.BytesIO(png), content_type="image/png", filename="lighthouse.png", filesize=len(png)
    )
    assert isinstance(uploaded, UploadResponse), uploaded
    url = uploaded.content_uri
    content = {"msgtype": "m.image", "body": "lighthouse.png", "url": url,
               "info": {"mimetype": "image/png", "size": len(png), "w": 1, "h": 1}}  # fmt: skip
    said = await ben.send_event(room12.room, "m.room.message", content)

    review = await teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert "lighthouse.png" in body(review)
    copy = await teacher.wait_for(
        lambda rid, ev: rid == room12.teacher_room and isinstance(ev, RoomMessageImage)
    )
    assert copy.url == url, "the teacher sees the same picture"
    await ben.wait_for(lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said)

    await teacher.react(room12.teacher_room, review.event_id, "✅")
    await ben.wait_for(room12.says("Ben (student) shared:", room12.room))
    again = await ben.wait_for(
        lambda rid, ev: (
            rid == room12.room and isinstance(ev, RoomMessageImage) and ev.sender == room12.bot
        )
    )
    assert again.url == url
