"""A teacher sets up the class and plans the book; the session posts itself on time."""

from __future__ import annotations

from datetime import UTC, datetime

import discord
import pytest

from bot.core.model import ChannelRef, MessageRef, Outgoing, Platform
from tests.discord.guild import Classroom, content, ephemeral, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")
VIEW = discord.Permissions(view_channel=True).value


async def test_class_setup_creates_a_private_teacher_channel(classroom: Classroom) -> None:
    w = classroom.world
    teachers = await set_up_class(classroom)
    (created,) = w.sent("POST", rf"/guilds/{w.guild_id}/channels")
    rules = {str(o["id"]): o for o in created.json["permission_overwrites"]}
    assert int(rules[w.guild_id]["deny"]) & VIEW, "@everyone cannot see it"
    assert int(rules[w.bot["id"]]["allow"]) & VIEW
    assert int(rules[classroom.teacher["id"]]["allow"]) & VIEW, "Manage Channels teacher"
    assert int(rules[classroom.role_teacher["id"]]["allow"]) & VIEW, "teacher-role member"
    assert classroom.ana["id"] not in rules
    assert teachers["name"] == "class-7b-teachers"
    (answer,) = classroom.discord.answers(classroom.setup_answer)
    assert "private teacher room" in content(answer) and not ephemeral(answer)


async def test_a_planned_session_posts_announcement_thread_and_prompt(
    classroom: Classroom,
) -> None:
    d, w, t, room = classroom.discord, classroom.world, classroom.teacher, classroom.room
    await set_up_class(classroom)
    book = await d.slash(t, room, "readaloud book", title="Wonder", chapters=12)
    assert 'Added "Wonder"' in content(d.answers(book)[0])
    plan = await d.slash(t, room, "readaloud plan", start="2027-02-03", days="wed", time="09:30")
    assert "Wonder" in content(d.answers(plan)[0])
    prompt = await d.slash(t, room, "readaloud prompt", chapter=1, text="Who is Auggie?")
    assert "added" in content(d.answers(prompt)[0])
    before = len(w.requests)

    d.clock.set(datetime(2027, 2, 3, 9, 30, tzinfo=UTC))
    assert d.app is not None
    await d.app.scheduler.run_due()

    (announcement,) = w.posts_in(room["id"])
    assert "Read-aloud time" in announcement.json["content"]
    assert announcement.json["enforce_nonce"] is True
    assert 0 < len(announcement.json["nonce"]) <= 25
    (thread,) = w.sent("POST", rf"/channels/{room['id']}/messages/(\d+)/threads")
    root_id = thread.path.split("/")[4]
    assert "Wonder" in thread.json["name"]
    (question,) = w.posts_in(root_id)  # a thread started on a message has the message's id
    assert "Who is Auggie?" in question.json["content"]
    assert question.json["enforce_nonce"] is True
    assert question.json["nonce"] != announcement.json["nonce"]
    assert w.requests.index(announcement) >= before


async def test_an_existing_thread_on_the_announcement_is_reused(classroom: Classroom) -> None:
    chat, room = classroom.discord.chat, ChannelRef(Platform.DISCORD, classroom.room["id"])
    root = await chat.send(room, Outgoing("📖 Read-aloud time!", key="session:1:announce"))
    first = await chat.open_thread(root, "Wonder — session 1")
    again = await chat.open_thread(MessageRef(room, root.id), "Wonder — session 1")
    assert first == again == room.in_thread(root.id)


async def test_a_message_too_long_for_discord_is_split_not_dropped(classroom: Classroom) -> None:
    chat, w = classroom.discord.chat, classroom.world
    room = ChannelRef(Platform.DISCORD, classroom.room["id"])
    text = "\n".join(f"Line {i}: " + "word " * 30 for i in range(40))  # about 6,300 chars
    await chat.send(room, Outgoing(text, key="digest:1"))
    parts = w.posts_in(room.id)
    assert len(parts) == 4 and all(len(p.json["content"]) <= 2000 for p in parts)
    assert " ".join(" ".join(p.json["content"] for p in parts).split()) == " ".join(text.split())
    assert len({p.json["nonce"] for p in parts}) == 4


async def test_a_repeated_delivery_key_posts_once(classroom: Classroom) -> None:
    chat = classroom.discord.chat
    room = ChannelRef(Platform.DISCORD, classroom.room["id"])
    first = await chat.send(room, Outgoing("Prompt", key="session:9:prompt:1"))
    again = await chat.send(room, Outgoing("Prompt", key="session:9:prompt:1"))
    assert first == again, "same nonce + enforce_nonce: Discord returns the first message"


async def plan_wonder(c: Classroom, **prompt: object) -> None:
    d, t, room = c.discord, c.teacher, c.room
    await set_up_class(c)
    await d.slash(t, room, "readaloud book", title="Wonder", chapters=12)
    await d.slash(
        t, room, "readaloud plan", start="2027-02-03", days="wed", time="09:30", window=30
    )
    await d.slash(t, room, "readaloud prompt", chapter=1, **prompt)


async def run_at(c: Classroom, hour: int, minute: int) -> None:
    c.discord.clock.set(datetime(2027, 2, 3, hour, minute, tzinfo=UTC))
    assert c.discord.app is not None
    await c.discord.app.scheduler.run_due()
    await c.discord.settle()


async def test_a_poll_prompt_is_a_native_poll_and_votes_are_counted(classroom: Classroom) -> None:
    c = classroom
    await plan_wonder(c, text="Best character? | Auggie | Via | Jack", kind="poll")
    await run_at(c, 9, 30)
    (thread,) = w_threads(c)
    (poll,) = c.world.posts_in(thread)
    assert poll.json["poll"]["question"]["text"].endswith("Best character?")
    assert [a["poll_media"]["text"] for a in poll.json["poll"]["answers"]] == [
        "Auggie", "Via", "Jack"]  # fmt: skip
    assert poll.json["enforce_nonce"] is True
    message = next(m for m in c.world.messages.values() if m.get("nonce") == poll.json["nonce"])
    for student, answer_id in ((c.ana, 1), (c.ben, 2)):
        await c.discord.feed(
            "message_poll_vote_add",
            {"user_id": student["id"], "channel_id": thread, "message_id": message["id"],
             "guild_id": c.world.guild_id, "answer_id": answer_id},
        )  # fmt: skip
    await run_at(c, 10, 30)  # the window is over: results, then the thread closes
    posted = " ".join(r.json.get("content") or "" for r in c.world.posts_in(thread))
    assert "Auggie: 1" in posted and "Via: 1" in posted and "Jack: 0" in posted
    (closed,) = c.world.sent("PATCH", rf"/channels/{thread}")
    assert closed.json == {"archived": True, "locked": True}


def w_threads(c: Classroom) -> list[str]:
    return [
        r.path.split("/")[4] for r in c.world.sent("POST", r"/channels/\d+/messages/\d+/threads")
    ]


async def test_class_setup_refuses_a_teacher_channel_students_can_read(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    everyone = w.text_channel("staff-chat")
    await c.discord.feed("channel_create", everyone)
    refused = await c.discord.slash(
        c.teacher, c.room, "class setup", timezone="UTC", teachers=everyone
    )
    (answer,) = c.discord.answers(refused)
    assert ephemeral(answer)
    assert "Everyone can read #staff-chat" in content(answer)
    assert "turn off View Channel for @everyone" in content(answer)

    staff_only = w.text_channel(
        "staff-only",
        permission_overwrites=[
            {"id": w.guild_id, "type": 0, "allow": "0", "deny": str(VIEW)},
            {"id": c.teacher["id"], "type": 1, "allow": str(VIEW), "deny": "0"},
        ],
    )
    await c.discord.feed("channel_create", staff_only)
    accepted = await c.discord.slash(
        c.teacher, c.room, "class setup", timezone="UTC", teachers=staff_only
    )
    assert "private teacher channel you named" in content(c.discord.answers(accepted)[0])
    assert not w.sent("POST", rf"/guilds/{w.guild_id}/channels"), "nothing new was created"
