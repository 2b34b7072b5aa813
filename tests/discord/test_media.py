"""Pictures, files and stickers: held for the teacher, who sees a copy, and reposted from
that copy once approved (the student's original and its CDN link are gone by then)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.discord.fakediscord import Request
from tests.discord.guild import Classroom, set_up_class
from tests.discord.test_moderation import buttons, dms_to

pytestmark = pytest.mark.asyncio(loop_scope="session")
PHOTO = b"\xff\xd8\xff\xe0 a photo of a dog reading"


async def trusted_class(c: Classroom) -> dict[str, Any]:
    """A class whose student Ana is trusted: her words alone are never held."""
    teachers = await set_up_class(c)
    await c.discord.slash(c.teacher, c.room, "mod trust", student=c.ana)
    return teachers


def review_of(c: Classroom, teachers: dict[str, Any]) -> tuple[Request, dict[str, Any]]:
    """The request that posted the review, and the message it made."""
    request = [r for r in c.world.posts_in(teachers["id"]) if r.json.get("embeds")][-1]
    message = next(m for m in c.world.messages.values() if m.get("nonce") == request.json["nonce"])
    return request, message


def reposts(c: Classroom) -> list[Request]:
    return c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")


def notes(message: dict[str, Any]) -> str:
    return " ".join(f["value"] for f in message["embeds"][0].get("fields", []))


async def test_a_picture_is_copied_for_the_teacher_before_it_goes_and_approval_reposts_it(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    photo = w.upload(c.room["id"], "dog.jpg", PHOTO, "image/jpeg")
    msg_id = await c.discord.say(c.ana, c.room, "look at my dog!", attachments=[photo])

    request, review = review_of(c, teachers)
    assert request.files == [("dog.jpg", PHOTO)], "the copy goes up with the review"
    assert request.json["nonce"] and request.json["enforce_nonce"], "posted once, even on retry"
    assert set(buttons(review)) == {"Approve", "Reject", "Reject with reason…"}
    assert "image “dog.jpg”" in review["embeds"][0]["description"]
    (deleted,) = w.sent("DELETE", rf"/channels/{c.room['id']}/messages/{msg_id}")
    assert w.requests.index(request) < w.requests.index(deleted), "copied before it is removed"
    assert photo["url"] not in w.cdn, "the original link is dead now"
    assert "Pictures and files wait for your teacher" in dms_to(c, c.ana)[-1]

    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (repost,) = reposts(c)
    assert (
        repost.json["username"] == "Ana (student)" and repost.json["content"] == "look at my dog!"
    )
    assert repost.files == [("dog.jpg", PHOTO)], "reposted from the teacher's copy"
    assert w.sent("GET", rf"/channels/{teachers['id']}/messages/{review['id']}")
    assert w.downloads[-1] == review["attachments"][0]["url"]


async def test_a_picture_without_words_is_held_and_reposted_after_a_restart(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    notes_pdf = w.upload(c.room["id"], "my notes (1).pdf", b"%PDF-1.7 notes", "application/pdf")
    msg_id = await c.discord.say(c.ana, c.room, "", attachments=[notes_pdf])
    assert w.sent("DELETE", rf"/channels/{c.room['id']}/messages/{msg_id}")
    request, review = review_of(c, teachers)
    assert "file “my notes (1).pdf”" in review["embeds"][0]["description"]
    assert request.files == [("my_notes_1_.pdf", b"%PDF-1.7 notes")]

    await c.discord.stop()
    await c.discord.start()  # the approval finds the copy on Discord, not in memory
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (repost,) = reposts(c)
    assert repost.json["content"] == "" and repost.files == [("my_notes_1_.pdf", b"%PDF-1.7 notes")]


async def test_a_sticker_is_held_and_named_for_the_teacher(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    sticker = {"id": w.new_id(), "name": "Dancing Cat", "format_type": 1}
    msg_id = await c.discord.say(c.ana, c.room, "", sticker_items=[sticker])
    assert w.sent("DELETE", rf"/channels/{c.room['id']}/messages/{msg_id}"), "held"
    request, review = review_of(c, teachers)
    assert request.files == [] and "Sticker: Dancing Cat" in notes(review)
    assert "sticker “Dancing Cat”" in review["embeds"][0]["description"]
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (repost,) = reposts(c)
    assert repost.json["content"] == "(sticker: Dancing Cat)" and repost.files == []


async def test_a_file_that_cannot_be_copied_does_not_stop_the_review(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    gone = w.upload(c.room["id"], "lost.png", b"png", "image/png")
    del w.cdn[gone["url"]]  # the CDN fails to serve it
    huge = {**w.upload(c.room["id"], "film.mp4", b"mp4", "video/mp4"), "size": 300 * 2**20}
    small = w.upload(c.room["id"], "cat.gif", b"GIF89a", "image/gif")
    await c.discord.say(c.ana, c.room, "my pets", attachments=[gone, huge, small])

    request, review = review_of(c, teachers)
    assert request.files == [("cat.gif", b"GIF89a")]
    assert "image “lost.png”: could not be downloaded" in notes(review)
    assert "video “film.mp4”: too big to copy (300.0 MB)" in notes(review)
    assert huge["url"] not in w.downloads, "a file known to be too big is not fetched"

    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (repost,) = reposts(c)
    assert repost.files == [("cat.gif", b"GIF89a")]
    assert repost.json["content"] == (
        "my pets (image “lost.png” could not be shared) (video “film.mp4” could not be shared)"
    )


async def test_a_review_message_deleted_by_a_teacher_still_shares_the_words(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    photo = w.upload(c.room["id"], "dog.jpg", PHOTO, "image/jpeg")
    await c.discord.say(c.ana, c.room, "my dog", attachments=[photo])
    _request, review = review_of(c, teachers)
    flag = review["embeds"][0]["title"].split("#")[1]
    w.messages.pop(review["id"])  # a teacher tidied the channel up
    await c.discord.slash(c.teacher, teachers, "mod approve", flag=int(flag))
    (repost,) = reposts(c)
    assert repost.files == []
    assert repost.json["content"] == "my dog (image “dog.jpg” could not be shared)"


async def test_without_attach_files_the_review_comes_without_the_copy(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await trusted_class(c)
    w.no_attach.add(teachers["id"])
    photo = w.upload(c.room["id"], "dog.jpg", PHOTO, "image/jpeg")
    await c.discord.say(c.ana, c.room, "my dog", attachments=[photo])
    refused, sent = [r for r in w.posts_in(teachers["id"]) if r.json.get("embeds")]
    assert refused.files and not sent.files, "tried with the copy, then without"
    _request, review = review_of(c, teachers)
    assert not review["attachments"]
    assert "I need the Attach Files permission here" in notes(review), "told what to grant"
