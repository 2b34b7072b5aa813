"""What students post while the bot is down is screened once it is back: a new gateway
session does not replay it, so the bot reads each class channel's (and open thread's)
history after the last message it handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.core.model import ChannelRef, Platform
from tests.discord.guild import Classroom, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)


def review_texts(c: Classroom, teachers: dict[str, Any]) -> list[str]:
    """The held messages shown in the teacher channel, in order."""
    nonces = [r.json["nonce"] for r in c.world.posts_in(teachers["id"]) if r.json.get("embeds")]
    shown = {m.get("nonce"): m for m in c.world.messages.values()}
    return [shown[n]["embeds"][0]["description"] for n in nonces]


def deleted(c: Classroom, channel_id: str, message_id: str) -> int:
    return len(c.world.sent("DELETE", rf"/channels/{channel_id}/messages/{message_id}"))


async def test_a_rude_message_posted_while_the_bot_was_down_is_held(c: Classroom) -> None:
    teachers = await set_up_class(c)
    await c.discord.stop()
    c.discord.clock.advance(timedelta(hours=1))
    rude = c.world.message(c.room["id"], c.ben, "you are a stupid b1tch")
    await c.discord.start()
    assert deleted(c, c.room["id"], rude["id"]) == 1
    (shown,) = review_texts(c, teachers)
    assert "stupid b1tch" in shown and "Ben" in shown


async def test_what_was_handled_before_the_restart_is_not_handled_again(c: Classroom) -> None:
    w = c.world
    teachers = await set_up_class(c)
    await c.discord.slash(c.teacher, c.room, "mod trust", student=c.ana)
    kept = await c.discord.say(c.ana, c.room, "Chapter two was funny")  # allowed: it stays
    await c.discord.say(c.ben, c.room, "Ben's first message")  # a new student's: held
    await c.discord.stop()
    c.discord.clock.advance(timedelta(minutes=3))  # apart from the first: its own review
    late = w.message(c.room["id"], c.ben, "Ben again, while the bot was away")
    await c.discord.start()
    assert deleted(c, c.room["id"], late["id"]) == 1
    assert len(review_texts(c, teachers)) == 2

    await c.discord.stop()
    await c.discord.start()  # nothing new: nothing happens
    room = ChannelRef(Platform.DISCORD, c.room["id"])
    # even read from the start, what was handled once is not handled again
    assert await c.discord.chat.catch_up(room, None, LONG_AGO) == 1, "Ana's message"
    await c.discord.settle()
    assert deleted(c, c.room["id"], kept) == 0 and deleted(c, c.room["id"], late["id"]) == 1
    assert len(review_texts(c, teachers)) == 2


async def test_bot_webhook_and_system_messages_in_history_are_ignored(c: Classroom) -> None:
    w = c.world
    teachers = await set_up_class(c)
    await c.discord.stop()
    w.message(c.room["id"], w.bot, "you are a stupid b1tch")
    hook = {"id": w.new_id(), "username": "Ana", "avatar": None, "discriminator": "0000"}
    w.message(c.room["id"], hook, "you are a stupid b1tch", webhook_id=hook["id"])
    w.message(c.room["id"], c.ana, "", type=7)  # "Ana joined the server"
    w.message(c.room["id"], c.teacher, "Homework: chapter 3")
    await c.discord.start()
    assert not w.sent("DELETE") and not w.posts_in(teachers["id"])
    room = ChannelRef(Platform.DISCORD, c.room["id"])
    assert await c.discord.chat.catch_up(room, None, LONG_AGO) == 1, "only the teacher's"


async def test_history_from_before_the_class_existed_is_left_alone(c: Classroom) -> None:
    said = c.world.message(c.room["id"], c.ben, "you are a stupid b1tch")
    c.discord.clock.advance(timedelta(minutes=5))
    await set_up_class(c)
    await c.discord.stop()
    await c.discord.start()
    assert deleted(c, c.room["id"], said["id"]) == 0


async def test_a_message_in_an_open_session_thread_is_caught_up(c: Classroom) -> None:
    d, w = c.discord, c.world
    await set_up_class(c)
    await d.slash(c.teacher, c.room, "readaloud book", title="Wonder", chapters=12)
    await d.slash(c.teacher, c.room, "readaloud plan", start="2027-02-03", days="wed", time="09:30")
    await d.slash(c.teacher, c.room, "readaloud prompt", chapter=1, text="Who is Auggie?")
    d.clock.set(datetime(2027, 2, 3, 9, 30, tzinfo=UTC))
    assert d.app is not None
    await d.app.scheduler.run_due()
    (opened,) = w.sent("POST", rf"/channels/{c.room['id']}/messages/(\d+)/threads")
    thread_id = opened.path.split("/")[4]
    await d.stop()
    d.clock.advance(timedelta(minutes=3))
    late = w.message(thread_id, c.ana, "Auggie is brave")
    await d.start()
    assert deleted(c, thread_id, late["id"]) == 1


async def test_without_read_message_history_the_teacher_is_told(c: Classroom) -> None:
    teachers = await set_up_class(c)
    c.world.forbidden.add(("GET", rf"/channels/{c.room['id']}/messages"))
    await c.discord.stop()
    await c.discord.start()
    told = [r.json.get("content") or "" for r in c.world.posts_in(teachers["id"])]
    assert any("Read Message History" in t for t in told)


@pytest.fixture
def c(classroom: Classroom) -> Classroom:
    return classroom
