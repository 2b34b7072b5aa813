"""Everything a student can show on Discord is screened: forwarded messages, polls, link
previews and other embeds, file and sticker names, thread names. What the class would see is
removed and held; the teacher's review shows each part labelled."""

from __future__ import annotations

from typing import Any

import pytest

from cogs.moderation.threadnames import HELD_NAME
from tests.discord.fakediscord import NOW
from tests.discord.guild import Classroom
from tests.discord.test_media import PHOTO, review_of, trusted_class
from tests.discord.test_moderation import buttons, dms_to

pytestmark = pytest.mark.asyncio(loop_scope="session")
RUDE = "you are a stupid b1tch"


def forward(c: Classroom, text: str, **extra: Any) -> dict[str, Any]:
    """A MESSAGE_CREATE's fields for forwarding a message from another channel."""
    source = c.world.text_channel("elsewhere")
    snapshot = {"type": 0, "content": text, "embeds": [], "attachments": [], "mentions": [],
                "mention_roles": [], "timestamp": NOW, "edited_timestamp": None, "flags": 0,
                **extra}  # fmt: skip
    reference = {"type": 1, "channel_id": source["id"], "message_id": c.world.new_id(),
                 "guild_id": c.world.guild_id}  # fmt: skip
    return {"message_reference": reference, "message_snapshots": [{"message": snapshot}],
            "flags": 16384}  # fmt: skip


def removed(c: Classroom, msg_id: str) -> bool:
    return bool(c.world.sent("DELETE", rf"/channels/{c.room['id']}/messages/{msg_id}"))


def shown(review: dict[str, Any]) -> str:
    return str(review["embeds"][0]["description"])


def reviews_in(c: Classroom, teachers: dict[str, Any]) -> int:
    return len([r for r in c.world.posts_in(teachers["id"]) if r.json.get("embeds")])


async def test_a_forwarded_rude_message_is_removed_and_held_with_a_review(
    classroom: Classroom,
) -> None:
    c = classroom
    teachers = await trusted_class(c)
    msg_id = await c.discord.say(c.ana, c.room, "", **forward(c, RUDE))
    assert removed(c, msg_id), "the class no longer sees the forwarded words"
    _request, review = review_of(c, teachers)
    assert f"[Forwarded message] {RUDE}" in shown(review)
    assert "insult" in shown(review).lower() or "Name-calling" in shown(review)
    assert "waiting for your teacher" in dms_to(c, c.ana)[-1]


async def test_a_clean_forwarded_message_from_a_trusted_student_stays(
    classroom: Classroom,
) -> None:
    c = classroom
    teachers = await trusted_class(c)
    msg_id = await c.discord.say(c.ana, c.room, "", **forward(c, "Chapter 4 made me cry"))
    assert not removed(c, msg_id)
    assert reviews_in(c, teachers) == 0


async def test_a_forwarded_picture_is_held_like_the_students_own(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    photo = w.upload(c.room["id"], "dog.jpg", PHOTO, "image/jpeg")
    msg_id = await c.discord.say(c.ana, c.room, "", **forward(c, "", attachments=[photo]))
    assert removed(c, msg_id)
    request, review = review_of(c, teachers)
    assert request.files == [("dog.jpg", PHOTO)], "the teacher gets a copy"
    assert "image “dog.jpg”" in shown(review)


async def test_a_students_poll_with_a_rude_answer_is_held(classroom: Classroom) -> None:
    c = classroom
    teachers = await trusted_class(c)
    poll = {"question": {"text": "Best character?"}, "allow_multiselect": False,
            "layout_type": 1, "expiry": "2027-02-02T09:00:00.000000+00:00",
            "answers": [{"answer_id": 1, "poll_media": {"text": "Auggie"}},
                        {"answer_id": 2, "poll_media": {"text": f"Julian, {RUDE}"}}]}  # fmt: skip
    msg_id = await c.discord.say(c.ana, c.room, "", poll=poll)
    assert removed(c, msg_id)
    _request, review = review_of(c, teachers)
    assert f"[Poll] Best character? — Auggie · Julian, {RUDE}" in shown(review)


async def test_a_rude_file_name_or_sticker_name_is_held_where_pictures_are_allowed(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    await c.discord.slash(c.teacher, c.room, "mod rules", category="media", action="allow")
    dog = w.upload(c.room["id"], "dog.jpg", PHOTO, "image/jpeg")
    assert not removed(c, await c.discord.say(c.ana, c.room, "my dog", attachments=[dog]))
    cat = {"id": w.new_id(), "name": "Dancing Cat", "format_type": 1}
    assert not removed(c, await c.discord.say(c.ana, c.room, "", sticker_items=[cat]))
    assert reviews_in(c, teachers) == 0, "clean names and allowed pictures stay"

    rude_file = w.upload(c.room["id"], "ben is a stupid b1tch.png", PHOTO, "image/png")
    file_msg = await c.discord.say(c.ana, c.room, "look", attachments=[rude_file])
    assert removed(c, file_msg)
    _request, review = review_of(c, teachers)
    assert "image “ben is a stupid b1tch.png”" in shown(review) and "stupid" in shown(review)

    rude_sticker = {"id": w.new_id(), "name": "Stupid B1tch", "format_type": 1}
    assert removed(c, await c.discord.say(c.ana, c.room, "", sticker_items=[rude_sticker]))
    _request, review = review_of(c, teachers)
    assert "sticker “Stupid B1tch”" in shown(review)


async def test_a_link_preview_with_a_rude_title_removes_the_message(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    await c.discord.slash(c.teacher, c.room, "mod allow", kind="domain", value="example.com")
    msg_id = await c.discord.say(c.ana, c.room, "look https://example.com/a")
    assert not removed(c, msg_id), "an allowed link stays"

    # Discord adds the preview a moment later: an update without a new edit time
    message = w.messages[msg_id]
    preview = {"type": "link", "url": "https://example.com/a", "title": RUDE,
               "description": "a page"}  # fmt: skip
    update = {**message, "embeds": [preview], "guild_id": w.guild_id}
    await c.discord.feed("message_update", update)
    assert removed(c, msg_id), "the preview's words are screened too"
    _request, review = review_of(c, teachers)
    assert f"[Embed] {RUDE} · a page" in shown(review)
    assert "look https://example.com/a" in shown(review), "the teacher sees the whole message"


async def test_a_clean_link_preview_changes_nothing(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    await c.discord.slash(c.teacher, c.room, "mod allow", kind="domain", value="example.com")
    msg_id = await c.discord.say(c.ana, c.room, "look https://example.com/b")
    preview = {"type": "link", "url": "https://example.com/b", "title": "Lighthouse mice"}
    update = {**w.messages[msg_id], "embeds": [preview], "guild_id": w.guild_id}
    await c.discord.feed("message_update", update)
    assert not removed(c, msg_id) and reviews_in(c, teachers) == 0


async def test_an_update_of_a_held_message_makes_no_second_review(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    msg_id = await c.discord.say(c.ana, c.room, f"{RUDE} https://example.com/c")
    assert removed(c, msg_id) and reviews_in(c, teachers) == 1
    preview = {"type": "link", "url": "https://example.com/c", "title": "Some page"}
    late = {**w.message(c.room["id"], c.ana, f"{RUDE} https://example.com/c"), "id": msg_id}
    await c.discord.feed("message_update", {**late, "embeds": [preview], "guild_id": w.guild_id})
    assert reviews_in(c, teachers) == 1, "the removed message is reviewed once"


def thread_by(c: Classroom, owner: dict[str, Any], name: str) -> dict[str, Any]:
    root = c.world.message(c.room["id"], owner, "who wants to talk about chapter 3?")
    return c.world.thread(c.room["id"], root["id"], name, owner=owner["id"])


def renames(c: Classroom, thread: dict[str, Any]) -> list[str]:
    return [r.json["name"] for r in c.world.sent("PATCH", rf"/channels/{thread['id']}")]


async def test_a_rude_thread_name_is_replaced_until_the_teacher_decides(
    classroom: Classroom,
) -> None:
    c = classroom
    teachers = await trusted_class(c)
    thread = thread_by(c, c.ana, "ben is a stupid b1tch")
    await c.discord.feed("thread_create", {**thread, "newly_created": True})

    assert renames(c, thread) == [HELD_NAME], "the class sees a neutral name at once"
    assert c.world.channels[thread["id"]]["name"] == HELD_NAME
    _request, review = review_of(c, teachers)
    assert "thread name" in shown(review) and "“ben is a stupid b1tch”" in shown(review)
    assert "name of your thread is waiting for your teacher" in dms_to(c, c.ana)[-1]

    # the student names it back: it is hidden again, with no second review
    renamed = {**c.world.channels[thread["id"]], "name": "ben is a stupid b1tch"}
    c.world.channels[thread["id"]] = renamed
    await c.discord.feed("thread_update", renamed)
    assert renames(c, thread)[-1] == HELD_NAME and reviews_in(c, teachers) == 1

    await c.discord.click(c.teacher, review["id"], buttons(review)["Reject"])
    assert c.world.channels[thread["id"]]["name"] == HELD_NAME, "rejected: the name stays hidden"
    assert "decided not to keep that name" in dms_to(c, c.ana)[-1]


async def test_a_new_students_thread_name_comes_back_when_approved(classroom: Classroom) -> None:
    c = classroom
    teachers = await trusted_class(c)
    thread = thread_by(c, c.ben, "Chapter 3 questions")  # Ben is new: he waits like his posts
    await c.discord.feed("thread_create", {**thread, "newly_created": True})
    assert c.world.channels[thread["id"]]["name"] == HELD_NAME
    _request, review = review_of(c, teachers)
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    assert c.world.channels[thread["id"]]["name"] == "Chapter 3 questions"
    assert renames(c, thread) == [HELD_NAME, "Chapter 3 questions"], "and it stays approved"


async def test_a_trusted_students_clean_thread_name_stays(classroom: Classroom) -> None:
    c = classroom
    teachers = await trusted_class(c)
    thread = thread_by(c, c.ana, "Chapter 3 questions")
    await c.discord.feed("thread_create", {**thread, "newly_created": True})
    assert renames(c, thread) == [] and reviews_in(c, teachers) == 0
