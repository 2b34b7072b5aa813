"""Everything a student can make visible in a Matrix class room is screened (real Synapse):
formatted text, typed quotes, locations, polls, custom messages, word reactions, files."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from nio import Event, RedactionEvent, UploadResponse

from bot.localserver import LocalHomeserver
from tests.matrix.classroom import Classroom, body, class_fixture, make_classroom
from tests.matrix.people import Person, PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]
HTML = "org.matrix.custom.html"


room12 = class_fixture()


async def trusted_ben(cls: Classroom) -> Person:
    """Ben is trusted, so only what he posts (not his being new) can hold it."""
    ben = cls.students[1]
    await cls.teacher_types(f"!mod trust {ben.user_id}", expect="trusted")
    return ben


async def removed(who: Person, event_id: str) -> None:
    await who.wait_for(lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == event_id)


async def review(cls: Classroom, *fragments: str) -> str:
    """The teacher's next review in the teacher room, checked to contain `fragments`."""
    found = body(await cls.teacher.wait_for(cls.says("Held #", cls.teacher_room)))
    for fragment in fragments:
        assert fragment in found, f"{fragment!r} not in the review: {found}"
    cls.clock.advance(timedelta(minutes=3))  # the next one is no flood: a review of its own
    return found


async def still_visible(cls: Classroom, who: Person, *event_ids: str) -> None:
    """Nothing the bot did removed these events (checked once it has handled everything)."""
    await cls.idle()
    seen = await who.seen_now(cls.room)
    gone = {ev.redacts for ev in seen if isinstance(ev, RedactionEvent)}
    assert not gone & set(event_ids), "a message that should stay was removed"


def bot_event_in(cls: Classroom, room: str, test: Any) -> Any:
    def match(rid: str, ev: Event) -> bool:
        return rid == room and ev.sender == cls.bot and test(ev.source.get("content", {}))

    return match


async def test_a_rude_word_only_in_the_formatted_text_is_held_and_the_review_shows_it(
    room12: Classroom,
) -> None:
    ben = await trusted_ben(room12)
    content = {"msgtype": "m.text", "body": "nice chapter", "format": HTML,
               "formatted_body": "nice chapter <b>you are an idiot</b>"}  # fmt: skip
    said = await ben.send_event(room12.room, "m.room.message", content)

    await removed(ben, said)
    await review(room12, "nice chapter you are an idiot")
    await ben.wait_for(room12.privately("waiting for your teacher"))


async def test_quote_lines_a_student_types_are_screened_but_a_reply_quote_is_not(
    room12: Classroom,
) -> None:
    ben, teacher = await trusted_ben(room12), room12.teacher
    asked = await teacher.send(room12.room, "Please don't call anyone an idiot")
    quote = f"> <{teacher.user_id}> Please don't call anyone an idiot"
    reply = await ben.send_event(room12.room, "m.room.message", {
        "msgtype": "m.text", "body": f"{quote}\n\nok sorry", "format": HTML,
        "formatted_body": "<mx-reply><blockquote>Please don't call anyone an idiot</blockquote>"
                          "</mx-reply>ok sorry",
        "m.relates_to": {"m.in_reply_to": {"event_id": asked}}})  # fmt: skip
    typed = await ben.send(room12.room, "> you are an idiot\n\nlol")

    await removed(ben, typed)
    await review(room12, "> you are an idiot")
    await still_visible(room12, ben, reply)


async def test_a_shared_location_waits_for_the_teacher_and_reaches_the_class_once_approved(
    room12: Classroom,
) -> None:
    ben, aroha, teacher = await trusted_ben(room12), room12.students[0], room12.teacher
    geo = "geo:-36.8485,174.7633"
    content = {"msgtype": "m.location", "body": f"Location {geo}", "geo_uri": geo}
    said = await ben.send_event(room12.room, "m.room.message", content)

    await removed(aroha, said)
    found = await review(room12, "location")
    assert geo not in found
    copy = bot_event_in(room12, room12.teacher_room, lambda c: c.get("geo_uri") == geo)
    await teacher.wait_for(copy)  # the teacher sees where it is
    await ben.wait_for(room12.privately("Where you are is private"))
    await room12.idle()
    classroom = await aroha.seen_now(room12.room)
    reposted = [ev for ev in classroom if ev.sender == room12.bot and geo in str(ev.source)]
    assert not reposted, "the bot showed the class the place before the teacher approved"

    flag_id = found.split("#", 1)[1].split(" ", 1)[0]
    await room12.teacher_types(
        f"!mod approve {flag_id}", room=room12.teacher_room, expect="Approved #"
    )
    shared = bot_event_in(room12, room12.room, lambda c: c.get("geo_uri") == geo)
    await aroha.wait_for(shared)


async def test_a_students_poll_is_held_with_its_question_and_answers(room12: Classroom) -> None:
    ben, teacher = await trusted_ben(room12), room12.teacher
    unstable = {"org.matrix.msc3381.poll.start": {
        "kind": "org.matrix.msc3381.poll.disclosed", "max_selections": 1,
        "question": {"org.matrix.msc1767.text": "Best character?"},
        "answers": [{"id": "a", "org.matrix.msc1767.text": "The keeper"},
                    {"id": "b", "org.matrix.msc1767.text": "The cat"}]},
        "org.matrix.msc1767.text": "Best character?\n1. The keeper\n2. The cat"}  # fmt: skip
    said = await ben.send_event(room12.room, "org.matrix.msc3381.poll.start", unstable)

    await removed(ben, said)
    await review(room12, "Best character?", "The keeper", "The cat", "A poll")
    await teacher.wait_for(
        lambda rid, ev: rid == room12.teacher_room and ev.source.get("type") == (
            "org.matrix.msc3381.poll.start")
    )  # fmt: skip

    stable = {"m.poll": {"kind": "m.disclosed", "max_selections": 1,
                         "question": {"m.text": [{"body": "Who is the worst?"}]},
                         "answers": [{"m.id": "a", "m.text": [{"body": "you are an idiot"}]}]},
              "m.text": [{"body": "Who is the worst?\n1. you are an idiot"}]}  # fmt: skip
    rude = await ben.send_event(room12.room, "m.poll.start", stable)
    await removed(ben, rude)
    await review(room12, "Who is the worst?", "you are an idiot")


async def test_custom_messages_are_screened_and_unreadable_ones_are_held(
    room12: Classroom,
) -> None:
    ben = await trusted_ben(room12)
    clean = await ben.send_event(
        room12.room, "m.room.message", {"msgtype": "com.example.shout", "body": "great chapter"}
    )
    shout = await ben.send_event(
        room12.room, "m.room.message", {"msgtype": "com.example.shout", "body": "you idiot"}
    )
    await removed(ben, shout)
    await review(room12, "you idiot")

    note = await ben.send_event(room12.room, "org.example.note", {"body": "you are an idiot"})
    await removed(ben, note)
    await review(room12, "you are an idiot")

    blob = await ben.send_event(
        room12.room, "m.room.message", {"msgtype": "com.example.blob", "body": "", "data": [1]}
    )
    await removed(ben, blob)
    await review(room12, "could not read", "com.example.blob")

    odd = await ben.send_event(room12.room, "org.example.note", {"body": {"text": 7}})
    await removed(ben, odd)
    await review(room12, "could not read")

    # nio cannot parse an image without a file: what a client shows is unknown
    broken = await ben.send_event(room12.room, "m.room.message", {"msgtype": "m.image",
                                                                  "body": "look"})  # fmt: skip
    await removed(ben, broken)
    await review(room12, "could not read", "look")
    await still_visible(room12, ben, clean)


async def test_a_rude_word_reaction_is_removed_and_the_teacher_told_but_emoji_stay(
    room12: Classroom,
) -> None:
    ben, teacher = await trusted_ben(room12), room12.teacher
    chapter = await teacher.send(room12.room, "Chapter 3 is done!")
    teachers_words = await teacher.react(room12.room, chapter, "well read")
    thumbs = await ben.react(room12.room, chapter, "👍")
    rude = await ben.react(room12.room, chapter, "you idiot")

    await removed(ben, rude)
    await review(room12, "reacted “you idiot”", "Ben")
    await ben.wait_for(room12.privately("waiting for your teacher"))
    await still_visible(room12, ben, thumbs, teachers_words)


async def test_a_students_toml_file_is_held_like_any_file_not_imported(
    room12: Classroom,
) -> None:
    ben = await trusted_ben(room12)
    plan = b'[book]\ntitle = "Rude words here"\n'
    uploaded, _ = await ben.client.upload(
        lambda *_: io.BytesIO(plan),
        content_type="application/toml",
        filename="plan.toml",
        filesize=len(plan),
    )
    assert isinstance(uploaded, UploadResponse), uploaded
    said = await ben.send_event(room12.room, "m.room.message", {
        "msgtype": "m.file", "body": "plan.toml", "url": uploaded.content_uri,
        "info": {"mimetype": "application/toml", "size": len(plan)}})  # fmt: skip

    await removed(ben, said)
    await review(room12, "plan.toml", "A picture or file")
    await room12.idle()
    answers = [body(ev) for ev in await ben.seen_now(room12.room) if ev.sender == room12.bot]
    assert not [a for a in answers if "Import" in a or "Only your teacher" in a]


async def test_a_picture_in_a_class_room_of_two_is_still_screened(
    synapse: LocalHomeserver, people: PersonFactory, tmp_path: Path
) -> None:
    cls = await make_classroom(synapse, people, tmp_path, students=1)
    try:
        aroha, teacher = cls.students[0], cls.teacher
        await cls.teacher_types(f"!mod trust {aroha.user_id}", expect="trusted")
        await teacher.client.room_leave(cls.room)  # only the bot and Aroha are left
        await cls.idle()
        png = bytes.fromhex(
            "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
            "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
        )
        uploaded, _ = await aroha.client.upload(
            io.BytesIO(png), content_type="image/png", filename="me.png", filesize=len(png)
        )
        assert isinstance(uploaded, UploadResponse), uploaded
        said = await aroha.send_event(cls.room, "m.room.message", {
            "msgtype": "m.image", "body": "me.png", "url": uploaded.content_uri,
            "info": {"mimetype": "image/png", "size": len(png)}})  # fmt: skip

        await removed(aroha, said)
        await review(cls, "me.png")
    finally:
        for app in list(cls.started):
            await app.stop()


async def test_a_bang_message_that_is_no_command_waits_like_any_new_students_message(
    room12: Classroom,
) -> None:
    aroha = room12.students[0]
    said = await aroha.send(room12.room, "!hello everyone, I finished the book")

    await removed(aroha, said)
    await review(room12, "!hello everyone, I finished the book", "new student")
    await aroha.send(room12.room, "!readaloud schedule")  # a real command is still answered
    await aroha.wait_for(room12.says("No sessions planned yet", room12.room))
