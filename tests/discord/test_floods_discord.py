"""On Discord, a new student's burst of messages is one review message, edited in place."""

from __future__ import annotations

import pytest

from tests.discord.guild import Classroom, content, ephemeral, set_up_class
from tests.discord.test_moderation import buttons, dms_to

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_burst_from_a_new_student_is_one_review_edited_in_place(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await set_up_class(c)
    said = [await c.discord.say(c.ana, c.room, f"chapter one was {word}") for word in
            ("great", "funny", "sad", "long", "short")]  # fmt: skip

    assert all(w.sent("DELETE", rf"/channels/{c.room['id']}/messages/{m}") for m in said)
    (posted,) = w.posts_in(teachers["id"])  # one review, however many messages
    review = next(m for m in w.messages.values() if m.get("nonce") == posted.json["nonce"])
    edits = w.sent("PATCH", rf"/channels/{teachers['id']}/messages/{review['id']}")
    assert edits and all("content" not in e.json for e in edits), "the embed is what changes"
    (embed,) = review["embeds"]
    assert embed["description"].startswith("Held 5 messages from Ana")
    assert "“chapter one was short”" in embed["description"]
    assert embed["title"].startswith("Flag #"), "title and buttons stay"
    assert set(buttons(review)) == {"Approve", "Reject", "Reject with reason…"}
    (notice,) = dms_to(c, c.ana)
    assert "waiting for your teacher" in notice

    clicked = await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])

    (answer,) = c.discord.answers(clicked)
    assert ephemeral(answer) and "5 flags approved" in content(answer)
    reposts = w.sent("POST", r"/webhooks/(\d+)/hooktoken")
    assert [r.json["content"] for r in reposts] == [
        f"chapter one was {word}" for word in ("great", "funny", "sad", "long", "short")
    ]
    assert "Nothing is waiting here any more." in review["embeds"][0]["description"]
    assert len(w.posts_in(teachers["id"])) == 1, "no notice per approved message"


async def test_a_review_deleted_by_a_teacher_comes_back_as_a_new_post(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    teachers = await set_up_class(c)
    await c.discord.say(c.ana, c.room, "first")
    (posted,) = w.posts_in(teachers["id"])
    review = next(m for m in w.messages.values() if m.get("nonce") == posted.json["nonce"])
    w.messages.pop(review["id"])  # a teacher tidied the channel

    await c.discord.say(c.ana, c.room, "second")

    _first, again = w.posts_in(teachers["id"])
    assert again.json["embeds"][0]["description"].startswith("Held 2 messages from Ana")
    new = next(m for m in w.messages.values() if m.get("nonce") == again.json["nonce"])
    await c.discord.click(c.teacher, new["id"], buttons(new)["Reject"])
    assert not w.sent("POST", r"/webhooks/(\d+)/hooktoken")
    _held, rejected = dms_to(c, c.ana)
    assert "decided not to share 2 of your messages" in rejected
