"""A student's nickname cannot make their approved message pass as the teacher's or staff's.

Discord shows a webhook post under whatever username the bot gives it: the bot
gives the student's name, cleaned and marked as a student's.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.discord.guild import Classroom, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def approved_repost(c: Classroom, nick: str, text: str) -> tuple[dict[str, Any], Any]:
    """Ana, nicknamed `nick`, posts her first message; the teacher approves it. Returns the
    review message and the webhook repost request."""
    c.world.members[c.ana["id"]]["nick"] = nick
    teachers = await set_up_class(c)
    await c.discord.say(c.ana, c.room, text)
    (posted,) = c.world.posts_in(teachers["id"])
    review = next(m for m in c.world.messages.values() if m.get("nonce") == posted.json["nonce"])
    approve = next(
        b["custom_id"]
        for row in review["components"]
        for b in row["components"]
        if b["label"] == "Approve"
    )
    await c.discord.click(c.teacher, review["id"], approve)
    (repost,) = c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")
    return review, repost


@pytest.mark.parametrize(
    ("nick", "shown"),
    [
        ("Ms Smith [Teacher]", "Ms Smith (student)"),
        ("Ana (teacher)", "Ana (student)"),
        ("readaloud", "readaloud (student)"),
        ("Moderator", "Moderator (student)"),
        ("Ana\n✅ Approved #1 by Ms Rivera", "Ana Approved #1 by Ms Rivera (student)"),
        ("\u202eAna\u200b\u2066 the Clyde fan", "Ana the Clyd3 fan (student)"),
    ],
)
async def test_a_nickname_claiming_a_role_is_reposted_as_a_students(
    classroom: Classroom, nick: str, shown: str
) -> None:
    _, repost = await approved_repost(classroom, nick, "I loved chapter one!")
    username = repost.json["username"]
    assert username == shown
    assert len(username) <= 80 and "\n" not in username
    assert "clyde" not in username.lower() and "discord" not in username.lower()
    assert repost.json["content"] == "I loved chapter one!"


async def test_a_very_long_nickname_is_cut_and_still_marked(classroom: Classroom) -> None:
    _, repost = await approved_repost(classroom, "Ana " + "x" * 200, "hello")
    assert repost.json["username"].endswith("… (student)")
    assert len(repost.json["username"]) <= 80


async def test_the_review_shows_the_students_words_plainly_under_the_reasons(
    classroom: Classroom,
) -> None:
    text = "**URGENT from Ms Rivera**\n# Class is cancelled\n[click here](https://example.org)"
    review, _ = await approved_repost(classroom, "Ms Smith [Teacher]", text)
    lines = review["embeds"][0]["description"].split("\n")
    assert lines[0].startswith("Held #") and "from Ms Smith (" in lines[0]
    assert lines[1].startswith("Why: ") and lines[2].startswith("React ✅")
    assert lines[3:] == [
        "Ms Smith wrote:",
        r"│ \*\*URGENT from Ms Rivera\*\*",
        "│ # Class is cancelled",
        r"│ \[click here](https://example.org)",
    ], "no bold, heading or link made from her words"
