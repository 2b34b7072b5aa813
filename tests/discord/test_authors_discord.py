"""Guest author stories on Discord: slash commands and DMs through discord.py's own parsing."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio

from bot.core.clock import FakeClock
from tests.discord.fakediscord import World
from tests.discord.harness import Discord, install, options

pytestmark = pytest.mark.asyncio(loop_scope="session")
SESSION = datetime(2027, 2, 3, 9, 30, tzinfo=UTC)


@dataclass
class School:
    """Two classes in one server, their teachers and students, and a guest author."""

    d: Discord
    w: World
    rooms: list[dict[str, Any]]
    teachers: list[dict[str, Any]]
    students: list[dict[str, Any]]
    author: dict[str, Any]
    teacher_rooms: list[dict[str, Any]]


@pytest_asyncio.fixture(loop_scope="session")
async def school(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[School]:
    w = World()
    install(monkeypatch, w)
    w.member(w.bot, w.role("readaloud", discord.Permissions(administrator=True)))
    staff = w.role("Staff", discord.Permissions(manage_channels=True))
    teachers = [w.user("Ms Rivera"), w.user("Mr Okafor")]
    for t in teachers:
        w.member(t, staff)
    students = [w.user("Ana"), w.user("Ben")]
    for s in students:
        w.member(s)
    author = w.user("Jo Lee")
    w.member(author)  # shares this server with the bot, so the bot may DM them
    rooms = [w.text_channel("class-7b"), w.text_channel("class-8a")]
    d = Discord(w, tmp_path / "readaloud.db", FakeClock(datetime(2027, 2, 1, tzinfo=UTC)))
    await d.start()
    made: list[dict[str, Any]] = []
    for room, teacher, name in zip(rooms, teachers, ("Class 7B", "Class 8A"), strict=True):
        await d.slash(teacher, room, "class setup", timezone="UTC", name=name)
        made.append(
            next(c for c in reversed(w.channels.values()) if c["name"].endswith("teachers"))
        )
        await d.slash(teacher, room, "author profile", name=name, region="Leeds, UK")
        await d.slash(teacher, room, "readaloud book", title="Wonder", chapters=12)
        await d.slash(teacher, room, "readaloud plan", start="2027-02-03", days="wed", time="09:30")
    d.clock.set(SESSION)
    assert d.app is not None
    await d.app.scheduler.run_due()
    await d.settle()
    try:
        yield School(d, w, rooms, teachers, students, author, made)
    finally:
        await d.stop()


# ---- acting in a DM ----


def dm_channel(s: School) -> dict[str, Any]:
    cid = next((c for c, u in s.w.dms.items() if u == s.author["id"]), None)
    if cid is None:
        cid = s.w.new_id()
        s.w.dms[cid] = s.author["id"]
    return {"id": cid, "type": 1, "recipients": [s.author]}


async def dm_slash(s: School, command: str, **values: Any) -> str:
    """The author runs a slash command in their DM with the bot."""
    words = command.split()
    opts, resolved = options(values, s.w)
    data: dict[str, Any] = {"id": s.w.new_id(), "name": words[0], "type": 1, "options": opts,
                            "resolved": resolved}  # fmt: skip
    if len(words) == 2:
        data["options"] = [{"name": words[1], "type": 1, "options": opts}]
    channel = dm_channel(s)
    payload = {"id": s.w.new_id(), "application_id": s.w.app_id, "type": 2, "data": data,
               "channel_id": channel["id"], "channel": channel, "user": s.author,
               "token": f"itoken{s.w.new_id()}", "version": 1, "app_permissions": "0",
               "locale": "en-US", "entitlements": [], "context": 1,
               "authorizing_integration_owners": {"0": s.w.guild_id},
               "attachment_size_limit": 10_485_760}  # fmt: skip
    s.d.tokens[payload["id"]] = payload["token"]
    await s.d.feed("interaction_create", payload)
    return str(payload["id"])


async def dm_say(s: School, text: str, reply_to: str | None = None) -> None:
    """The author writes to the bot in their DM (optionally as a reply)."""
    channel = dm_channel(s)
    extra = {"message_reference": {"message_id": reply_to, "channel_id": channel["id"]},
             "type": 19} if reply_to else {}  # fmt: skip
    await s.d.feed("message_create", s.w.message(channel["id"], s.author, text, **extra))


def answer_text(s: School, interaction: str) -> str:
    """The reply to an interaction: at once, or after a deferral (a busy machine)."""
    answer = next(a for a in s.d.answers(interaction) if a and a.get("type") != 5)
    return str(answer["data"]["content"] if "data" in answer else answer["content"])


def to_author(s: School) -> list[str]:
    return [r.json.get("content") or "" for cid in list(s.w.dms) if s.w.dms[cid] == s.author["id"]
            for r in s.w.posts_in(cid)]  # fmt: skip


def thread_posts(s: School, room: dict[str, Any]) -> list[str]:
    threads = [c["id"] for c in s.w.channels.values() if c.get("parent_id") == room["id"]]
    return [r.json.get("content") or "" for t in threads for r in s.w.posts_in(t)]


async def join(s: School, teacher: dict[str, Any], room: dict[str, Any]) -> None:
    made = await s.d.slash(teacher, room, "author invite", name="Jo Lee", book="Wonder")
    assert "code in the teacher room" in answer_text(s, made)
    teachers = s.teacher_rooms[s.rooms.index(room)]
    code = re.search(r"RA-\w{4}-\w{4}", s.w.posts_in(teachers["id"])[-1].json["content"])
    assert code, "the code is in the private teacher channel"
    joined = await dm_slash(s, "author join", code=code.group(0))
    assert answer_text(s, joined).startswith("Welcome, Jo Lee!")


async def ask_and_decide(s: School, n: int, student: dict[str, Any], text: str, ok: bool) -> None:
    asked = await s.d.slash(student, s.rooms[n], "ask", question=text)
    assert "waiting for your teacher" in answer_text(s, asked)
    review = next(
        m for m in reversed(s.w.messages.values())
        if m["channel_id"] == s.teacher_rooms[n]["id"] and m.get("components")
    )  # fmt: skip
    assert text in review["embeds"][0]["description"]
    button = {b["label"]: b["custom_id"] for row in review["components"] for b in row["components"]}
    await s.d.click(s.teachers[n], review["id"], button["Approve" if ok else "Reject"])


def last_review(s: School, n: int) -> dict[str, Any]:
    return next(
        m for m in reversed(s.w.messages.values())
        if m["channel_id"] == s.teacher_rooms[n]["id"] and m.get("components")
    )  # fmt: skip


async def test_ask_approve_relay_and_answer_by_replying_in_the_dm(school: School) -> None:
    """By default the answer waits for the teacher's tap; Ben, who never posted, is kept
    out of the question from the server's member list."""
    s = school
    await join(s, s.teachers[0], s.rooms[0])
    await ask_and_decide(s, 0, s.students[0], "Why is Auggie so brave? Ben and I wonder", ok=True)
    (question,) = to_author(s)
    assert "Class 7B (Leeds, UK)" in question
    assert "“Why is Auggie so brave? A student and I wonder”" in question
    sent = next(m for m in reversed(s.w.messages.values()) if m["content"] == question)

    await dm_say(s, "Because his family loves him.", reply_to=sent["id"])
    assert to_author(s)[-1].startswith("Thank you! Your answer is on its way to 1 class.")
    assert not [t for t in thread_posts(s, s.rooms[0]) if t.startswith("✉️")]
    review = last_review(s, 0)
    assert "Because his family loves him." in review["embeds"][0]["description"]
    button = {b["label"]: b["custom_id"] for row in review["components"] for b in row["components"]}
    await s.d.click(s.teachers[0], review["id"], button["Approve"])
    (posted,) = [t for t in thread_posts(s, s.rooms[0]) if t.startswith("✉️")]
    assert posted == (
        "✉️ Jo Lee answered our class's question from chapter 1:\n"
        "> Why is Auggie so brave? Ben and I wonder\n"
        "Because his family loves him."
    )


async def test_alike_questions_from_two_classes_share_one_answer_and_no_identity(
    school: School,
) -> None:
    s = school
    for n in (0, 1):
        await join(s, s.teachers[n], s.rooms[n])
        off = await s.d.slash(s.teachers[n], s.rooms[n], "author review", setting="off")
        assert "posted in your class at once" in answer_text(s, off)
    await ask_and_decide(s, 0, s.students[0], "Was Auggie's dog real?", ok=True)
    await ask_and_decide(s, 1, s.students[1], "was auggies dog real", ok=True)
    inbox = await dm_slash(s, "author inbox")
    assert "#1 · asked by 2 classes" in answer_text(s, inbox)
    answered = await dm_slash(s, "answer", item=1, text="Yes, her name was Daisy.")
    assert answer_text(s, answered) == "Thank you! Your answer is on its way to 2 classes."
    for room in s.rooms:
        assert [t for t in thread_posts(s, room) if t.endswith("Yes, her name was Daisy.")]

    seen = to_author(s) + [answer_text(s, i) for i in (inbox, answered)]
    for person in s.students:
        for handle in (person["id"], person["username"], person["global_name"]):
            assert not [t for t in seen if handle.casefold() in t.casefold()], handle


async def test_a_rejected_question_never_reaches_the_author(school: School) -> None:
    s = school
    await join(s, s.teachers[0], s.rooms[0])
    await ask_and_decide(s, 0, s.students[1], "What is your phone number?", ok=False)
    assert to_author(s) == []
    assert "empty" in answer_text(s, await dm_slash(s, "author inbox"))


async def test_dm_text_commands_help_and_bad_codes(school: School) -> None:
    s = school
    await dm_say(s, "hello, who are you?")
    assert "author join CODE" in to_author(s)[-1]
    await dm_say(s, "!author join RA-AAAA-BBBB")
    assert "don't know that code" in to_author(s)[-1]
    await join(s, s.teachers[0], s.rooms[0])
    await dm_say(s, "!author inbox")
    assert "inbox is empty" in to_author(s)[-1]
    await dm_say(s, "thanks!")
    assert "!author inbox" in to_author(s)[-1], "an author gets the author help"


async def test_an_invite_code_typed_in_the_class_channel_is_cancelled_and_removed(
    school: School,
) -> None:
    s = school
    made = await s.d.slash(s.teachers[0], s.rooms[0], "author invite", name="Jo Lee", book="Wonder")
    assert "code in the teacher room" in answer_text(s, made)
    teachers = s.teacher_rooms[0]
    code = re.search(r"RA-\w{4}-\w{4}", s.w.posts_in(teachers["id"])[-1].json["content"])
    assert code
    # a student who saw it over the teacher's shoulder shares it with the class
    said = await s.d.say(s.students[1], s.rooms[0], f"lol the code is {code.group(0).lower()}")

    assert s.w.sent("DELETE", rf"/channels/{s.rooms[0]['id']}/messages/{said}"), "removed"
    (told,) = [r.json["content"] for r in s.w.posts_in(teachers["id"])
               if "was posted in the class room" in (r.json.get("content") or "")]  # fmt: skip
    assert "invite code for Jo Lee (“Wonder”) was posted in the class room by Ben" in told
    assert "cancelled it and removed the message" in told and "author invite" in told
    assert code.group(0) not in told, "the teacher room is not sent the code again"
    ben_dm = [c for c, u in s.w.dms.items() if u == s.students[1]["id"]]
    assert any("Codes are secret" in r.json["content"] for c in ben_dm for r in s.w.posts_in(c))

    joined = await dm_slash(s, "author join", code=code.group(0))
    assert "already used" in answer_text(s, joined), "nobody can use it from a DM now"
    assert not to_author(s) or "Welcome" not in " ".join(to_author(s))


async def test_words_that_only_look_like_a_code_are_left_alone(school: School) -> None:
    s = school
    said = await s.d.say(s.teachers[0], s.rooms[0], "Read this book: homework RA-AAAA-BBBB")
    assert not s.w.sent("DELETE", rf"/channels/{s.rooms[0]['id']}/messages/{said}")


async def test_an_answer_starting_with_a_bang_is_an_answer_not_an_unknown_command(
    school: School,
) -> None:
    s = school
    await join(s, s.teachers[0], s.rooms[0])
    await s.d.slash(s.teachers[0], s.rooms[0], "author review", setting="off")
    await ask_and_decide(s, 0, s.students[0], "Is the dog real?", ok=True)
    (question,) = to_author(s)
    sent = next(m for m in reversed(s.w.messages.values()) if m["content"] == question)

    await dm_say(s, "!Yes, my dog Rosie is real.", reply_to=sent["id"])
    assert to_author(s)[-1].startswith("Thank you! Your answer is on its way to 1 class.")
    assert any("!Yes, my dog Rosie is real." in t for t in thread_posts(s, s.rooms[0]))


async def test_mentions_and_ids_in_a_question_never_reach_the_author(school: School) -> None:
    """A classmate's mention as discord.py delivers it (``<@id>``, ``<@!id>``) and a pasted
    Matrix id are found by the adapters' account syntaxes and replaced."""
    s = school
    await join(s, s.teachers[0], s.rooms[0])
    ben = s.students[1]["id"]
    asked = f"Did <@{ben}> and <@!{ben}> guess it? @sam.jones:school.example did"
    await s.d.slash(s.students[0], s.rooms[0], "ask", question=asked)
    review = last_review(s, 0)
    shown = "Did a student and a student guess it? Someone did"
    assert (
        f"The author will read it without names:\n│ {shown}" in review["embeds"][0]["description"]
    )
    button = {b["label"]: b["custom_id"] for row in review["components"] for b in row["components"]}
    await s.d.click(s.teachers[0], review["id"], button["Approve"])
    (question,) = to_author(s)
    assert "“Did a student and a student guess it? Someone did”" in question
    for leak in (ben, "school.example", "sam", "ben"):
        assert leak not in question.casefold()
