"""The Discord adapter translates and nothing more: reactions and buttons become decisions,
numbered reactions votes, and a missing permission is told in the class's teacher channel,
the one the teacher chose as much as one the bot made."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from tests.discord.guild import Classroom, content, ephemeral, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")
VIEW = discord.Permissions(view_channel=True).value


def staff_only(c: Classroom, name: str = "staff-room") -> dict[str, Any]:
    """A private channel the teacher made themselves (no marker of the bot's in its topic)."""
    return c.world.text_channel(
        name,
        topic="Teachers of 7B",
        permission_overwrites=[
            {"id": c.world.guild_id, "type": 0, "allow": "0", "deny": str(VIEW)},
            {"id": c.teacher["id"], "type": 1, "allow": str(VIEW), "deny": "0"},
        ],
    )


async def set_up_with_chosen_channel(c: Classroom) -> dict[str, Any]:
    chosen = staff_only(c)
    await c.discord.feed("channel_create", chosen)
    answer = await c.discord.slash(
        c.teacher, c.room, "class setup", timezone="UTC", name="Class 7B", teachers=chosen
    )
    assert "private teacher channel you named" in content(c.discord.answers(answer)[0])
    return chosen


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for row in message["components"] for b in row["components"]}


def texts_in(c: Classroom, channel: dict[str, Any]) -> list[str]:
    return [r.json.get("content") or "" for r in c.world.posts_in(channel["id"])]


async def test_a_missing_permission_is_told_in_the_teacher_channel_the_teacher_chose(
    classroom: Classroom,
) -> None:
    c = classroom
    c.world.forbidden.add(("GET", r"/channels/\d+/webhooks"))  # no Manage Webhooks
    chosen = await set_up_with_chosen_channel(c)
    await c.discord.say(c.ana, c.room, "hello")
    review = next(m for m in c.world.messages.values() if m.get("embeds"))
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    told = [t for t in texts_in(c, chosen) if "**Manage Webhooks**" in t]
    assert len(told) == 1 and f"<#{c.room['id']}>" in told[0]

    await c.discord.stop()
    await c.discord.start()  # a new App and client: the channel is checked again on READY
    await c.discord.say(c.ben, c.room, "hi everyone")
    review = next(m for m in c.world.messages.values() if m.get("embeds") and m is not review)
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    told = [t for t in texts_in(c, chosen) if "**Manage Webhooks**" in t]
    assert len(told) == 2, "after a restart the hint still goes to the chosen channel"


async def test_a_chosen_channel_students_can_read_gets_no_hints(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    chosen = await set_up_with_chosen_channel(c)
    chosen["permission_overwrites"] = []  # opened to everyone after set-up
    await c.discord.feed("channel_update", chosen)
    await c.discord.stop()
    await c.discord.start()  # the teacher channel is checked again on READY
    w.closed_dms.add(c.ana["id"])  # so she is pointed to her DMs in the class channel...
    w.forbidden.add(("POST", rf"/channels/{c.room['id']}/messages"))  # ...which is refused
    await c.discord.say(c.ana, c.room, "hello")
    assert w.sent("POST", rf"/channels/{c.room['id']}/messages"), "the pointer was tried"
    assert not [t for t in texts_in(c, chosen) if "**Send Messages**" in t]
    assert not w.sent("POST", rf"/guilds/{w.guild_id}/channels"), "nothing was created"


def reaction(c: Classroom, user: dict[str, Any], message: dict[str, Any], key: str) -> Any:
    return {"user_id": user["id"], "channel_id": message["channel_id"],
            "message_id": message["id"], "guild_id": c.world.guild_id,
            "member": {**c.world.members[user["id"]]}, "emoji": {"id": None, "name": key},
            "burst": False, "type": 0}  # fmt: skip


async def held_review(c: Classroom) -> dict[str, Any]:
    teachers = await set_up_class(c)
    await c.discord.say(c.ana, c.room, "I loved chapter one!")
    (posted,) = c.world.posts_in(teachers["id"])
    return next(m for m in c.world.messages.values() if m.get("nonce") == posted.json["nonce"])


async def test_a_cross_reaction_is_a_rejection_and_a_students_thumb_is_no_decision(
    classroom: Classroom,
) -> None:
    c = classroom
    review = await held_review(c)
    await c.discord.feed("message_reaction_add", reaction(c, c.ben, review, "👍"))
    assert not [t for t in texts_in(c, {"id": review["channel_id"]}) if "Approved" in t]
    await c.discord.feed("message_reaction_add", reaction(c, c.teacher, review, "❌"))
    notices = texts_in(c, {"id": review["channel_id"]})
    assert any(t.startswith("❌ Rejected #") for t in notices), notices
    assert not c.world.sent("POST", r"/webhooks/(\d+)/hooktoken"), "nothing was shared"


async def test_a_button_decides_the_flag_it_carries_and_answers_the_clicker_alone(
    classroom: Classroom,
) -> None:
    c = classroom
    review = await held_review(c)
    flag = review["embeds"][0]["title"].split("#")[1].split()[0]
    clicked = await c.discord.click(c.teacher, review["id"], f"readaloud:flag:approve:{flag}")
    assert c.discord.answers(clicked)[0]["type"] == 6, "acknowledged: the notice says it"
    again = await c.discord.click(c.teacher, review["id"], f"readaloud:flag:reject:{flag}")
    (answer,) = c.discord.answers(again)
    assert ephemeral(answer) and "already approved" in content(answer)
