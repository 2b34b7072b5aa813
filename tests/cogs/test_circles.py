"""Circles, part 1 (forming one) on the real App: a Matrix class and a Discord class of one
installation, each with its own recording platform and a fake clock."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.core.events import CommandTyped, MessagePosted
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from tests.cogs.bench import ROOM, TEACHER, Bench, OpenBench, student
from tests.recording_chat import Posted, RecordingChat

pytestmark = pytest.mark.asyncio(loop_scope="session")

START = datetime(2027, 1, 31, 20, 30, tzinfo=UTC)  # Mon 1 Feb 2027 09:30 in Auckland
ROOM7 = ChannelRef(Platform.DISCORD, "7007")
OKAFOR = Actor(UserRef(Platform.DISCORD, "4242", "Mr Okafor"), Role.TEACHER)
ROOM9 = ChannelRef(Platform.MATRIX, "!room9")
LEE = Actor(UserRef(Platform.MATRIX, "@lee:school", "Ms Lee"), Role.TEACHER)
AROHA = student("Aroha")
BEN = Actor(UserRef(Platform.DISCORD, "5151", "Ben Tamaki"), Role.STUDENT)
CODE = re.compile(r"RC-[A-Z0-9]{4}-[A-Z0-9]{4}")


def teachers_of(room: ChannelRef) -> ChannelRef:
    return ChannelRef(room.platform, room.id + "-teachers")


class DiscordChat(RecordingChat):
    """The same recording platform, standing for a Discord server of the installation."""

    platform = Platform.DISCORD


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench, migrated_database_url: str) -> Bench:
    """Room 12 (Matrix, Wellington) and Class 7 (Discord, Nelson) both reading, in their
    first session; Room 9 (Matrix) has no book yet."""
    b = await open_bench(
        START - timedelta(days=1), None, db_url=migrated_database_url, teachers=[LEE.user]
    )
    assert b.app is not None
    b.discord = DiscordChat([OKAFOR.user])  # type: ignore[attr-defined]
    b.app.chats.add(b.discord)  # type: ignore[attr-defined,arg-type]
    for room, teacher, name, region in (
        (ROOM, TEACHER, "Room 12", "Wellington, NZ"),
        (ROOM7, OKAFOR, "Class 7", "Nelson, NZ"),
    ):
        await b.type(f'!class setup timezone=Pacific/Auckland name="{name}"', teacher, room)
        await b.type(f'!author profile name="{name}" region="{region}"', teacher, room)
        await b.type('!readaloud book "The Lighthouse Mice" chapters=4', teacher, room)
        await b.type("!readaloud plan 2027-02-01 mon,wed 09:30 per=2", teacher, room)
    await b.type('!class setup timezone=Pacific/Auckland name="Room 9"', LEE, ROOM9)
    await b.at(START)
    return b


def discord(b: Bench) -> RecordingChat:
    return b.discord  # type: ignore[attr-defined,no-any-return]


async def say_on_discord(b: Bench, actor: Actor, text: str, where: ChannelRef) -> str:
    assert b.app is not None
    message_id = f"d{len(discord(b).posts)}-{len(text)}"
    event = MessagePosted(MessageRef(where, message_id), actor, text)
    await b.app.dispatcher.event(discord(b), event)  # type: ignore[arg-type]
    return message_id


def everything(b: Bench) -> list[Posted]:
    return [*b.chat.posts, *discord(b).posts]


async def create(b: Bench) -> str:
    """Typed in the class room: the code goes to the teacher room only."""
    reply = await b.type("!circle create Lighthouse readers", TEACHER, ROOM)
    assert reply.text == "I've put the one-time circle code in the teacher room.", reply.text
    assert reply.private and not CODE.search(reply.text)
    posted = b.chat.posts[-1]
    assert posted.channel == teachers_of(ROOM)
    assert "Lighthouse readers" in posted.text and "The Lighthouse Mice" in posted.text
    found = CODE.search(posted.text)
    assert found, posted.text
    return found.group(0)


async def new_code(b: Bench) -> str:
    """Typed in the teacher room: the (private) reply itself shows it."""
    reply = await b.type("!circle code", TEACHER, teachers_of(ROOM))
    found = CODE.search(reply.text)
    assert reply.private and found, reply.text
    return found.group(0)


async def test_create_shows_the_code_only_in_the_teacher_room(bench: Bench) -> None:
    b = bench
    await b.say(AROHA, "I think the mice will find the lamp")
    code = await create(b)
    for p in everything(b):
        if code in p.text:
            assert p.channel == teachers_of(ROOM), p
    assert not any(CODE.search(p.text) for p in everything(b) if p.channel == ROOM)
    second = await new_code(b)
    assert second != code
    again = await b.type("!circle create Another", TEACHER, ROOM)
    assert "already in the circle “Lighthouse readers”" in again.text
    nobook = await b.type("!circle create Readers", LEE, ROOM9)
    assert "has none yet" in nobook.text and "readaloud book" in nobook.text


async def test_a_discord_class_joins_and_the_list_shows_classes_not_students(
    bench: Bench,
) -> None:
    b = bench
    await b.say(AROHA, "Aroha Ngata here, I love chapter one")
    await say_on_discord(b, BEN, "Ben Tamaki: the lighthouse is spooky", ROOM7)
    code = await create(b)
    joined = await b.type(f"!circle join {code.lower()}", OKAFOR, ROOM7)
    assert joined.text.startswith("🔗 Your class joined the circle “Lighthouse readers”")
    told = b.chat.posts[-1]
    assert told.channel == teachers_of(ROOM) and "Class 7 (Nelson, NZ) joined" in told.text
    for room, teacher in ((ROOM, TEACHER), (ROOM7, OKAFOR)):
        listed = (await b.type("!circle list", teacher, room)).text
        assert "2 classes" in listed, listed
        assert "• Room 12 (Wellington, NZ) · Matrix · chapters 1–2 — made the circle" in listed
        assert "• Class 7 (Nelson, NZ) · Discord · chapters 1–2" in listed
        for who in (AROHA, BEN):
            for word in (who.user.id, *who.user.label.split()):
                assert word.casefold() not in listed.casefold(), (word, listed)
    again = await b.type(f"!circle join {await new_code(b)}", OKAFOR, ROOM7)
    assert "already in the circle “Lighthouse readers”" in again.text


async def test_unknown_expired_and_used_codes_are_refused_with_what_to_do(bench: Bench) -> None:
    b = bench
    code = await create(b)
    unknown = await b.type("!circle join RC-AAAA-BBBB", OKAFOR, teachers_of(ROOM7))
    assert "don't know that circle code" in unknown.text and "RC-" in unknown.text
    assert (await b.type(f"!circle join {code}", OKAFOR, teachers_of(ROOM7))).text.startswith(
        "🔗 Your class joined"
    )
    await b.type("!circle leave", OKAFOR, ROOM7)
    used = await b.type(f"!circle join {code}", OKAFOR, ROOM7)
    assert "already used" in used.text and "circle code" in used.text, used.text
    late = await new_code(b)
    b.clock.set(b.clock.now() + timedelta(days=8))
    expired = await b.type(f"!circle join {late}", OKAFOR, ROOM7)
    assert "expired on" in expired.text and "circle code" in expired.text, expired.text
    outside = await b.type("!circle list", OKAFOR, ROOM7)
    assert "not in a circle" in outside.text and "circle join CODE" in outside.text


async def test_leave_and_remove(bench: Bench) -> None:
    b = bench
    code = await create(b)
    await b.type(f"!circle join {code}", OKAFOR, ROOM7)
    refused = await b.type('!circle remove "Room 12"', OKAFOR, ROOM7)
    assert "Only the class that made the circle" in refused.text
    unknown = await b.type("!circle remove Room 99", TEACHER, ROOM)
    assert "No class called “Room 99”" in unknown.text and "Class 7" in unknown.text
    removed = await b.type("!circle remove class 7", TEACHER, ROOM)
    assert (
        removed.text == "🔗 Class 7 (Nelson, NZ) is no longer in the circle “Lighthouse readers”."
    )
    told = discord(b).posts[-1]
    assert told.channel == teachers_of(ROOM7) and "removed from the circle" in told.text
    assert "not in a circle" in (await b.type("!circle list", OKAFOR, ROOM7)).text

    await b.type(f"!circle join {await new_code(b)}", OKAFOR, ROOM7)
    left = await b.type("!circle leave", OKAFOR, ROOM7)
    assert left.text == "🔗 Your class left the circle “Lighthouse readers”."
    assert "Class 7 (Nelson, NZ) left" in b.chat.posts[-1].text
    listed = (await b.type("!circle list", TEACHER, ROOM)).text
    assert "1 class" in listed and "Class 7" not in listed
    # the creator leaving the last: the circle is gone, and a new one may be made
    await b.type("!circle leave", TEACHER, ROOM)
    assert "not in a circle" in (await b.type("!circle list", TEACHER, ROOM)).text
    await create(b)


async def test_a_student_cannot_run_circle_commands(bench: Bench) -> None:
    b = bench
    code = await create(b)
    for command in ("!circle create Ours", "!circle list", "!circle leave", "!circle code"):
        said = await b.type(command, AROHA, ROOM)
        assert said.text.startswith("Only your teacher can use"), (command, said.text)
    # typed in the Matrix class room, the command is seen by the class: the code is gone
    assert b.app is not None
    typed = CommandTyped(MessageRef(ROOM, "$typed1"), AROHA, f"!circle join {code}")
    await b.app.dispatcher.event(b.chat, typed)  # type: ignore[arg-type]
    assert "$typed1" in b.chat.gone
    assert "cancelled that code" in b.chat.posts[-1].text
    taken = await b.type(f"!circle join {code}", AROHA, ROOM)
    assert taken.text.startswith("Only your teacher can use !circle join"), taken.text
    later = await b.type(f"!circle join {code}", OKAFOR, ROOM7)
    assert "already used" in later.text, "a code a student showed is cancelled"


async def test_a_teacher_typing_join_in_the_class_room_uses_the_code(bench: Bench) -> None:
    b = bench
    assert b.app is not None
    code = await create(b)
    typed = CommandTyped(MessageRef(ROOM9, "$typed2"), LEE, f"!circle join {code}")
    await b.app.dispatcher.event(b.chat, typed)  # type: ignore[arg-type]
    assert "$typed2" not in b.chat.gone
    joined = await b.type(f"!circle join {code}", LEE, ROOM9)
    assert joined.text.startswith("🔗 Your class joined"), joined.text
    # refused in the class room (already a member), a fresh code is cancelled all the same
    shown = await new_code(b)
    again = await b.type(f"!circle join {shown}", LEE, ROOM9)
    assert "already in the circle" in again.text
    assert "already used" in (await b.type(f"!circle join {shown}", OKAFOR, ROOM7)).text


async def test_a_code_posted_in_a_class_room_is_cancelled(bench: Bench) -> None:
    b = bench
    code = await create(b)
    message = await say_on_discord(
        b, OKAFOR, f"our partners' code is {code.replace('-', ' ')}", ROOM7
    )
    assert message in discord(b).gone
    typist = [p for p in discord(b).posts if p.action == "tell"][-1]
    assert "Circle codes are secret" in typist.text
    teacher = b.chat.posts[-1]
    assert teacher.channel == teachers_of(ROOM) and "cancelled that code" in teacher.text
    assert "already used" in (await b.type(f"!circle join {code}", OKAFOR, ROOM7)).text
    # in the teacher room a code is where it belongs
    kept = await new_code(b)
    await say_on_discord(b, OKAFOR, f"got it: {kept}", teachers_of(ROOM7))
    joined = await b.type(f"!circle join {kept}", OKAFOR, ROOM7)
    assert joined.text.startswith("🔗 Your class joined"), joined.text


async def test_retention_forgets_codes_a_month_after_they_expired(bench: Bench) -> None:
    b = bench
    assert b.app is not None
    old = await create(b)
    b.clock.set(b.clock.now() + timedelta(days=8))
    await b.app.purge()
    assert "expired on" in (await b.type(f"!circle join {old}", OKAFOR, ROOM7)).text
    b.clock.set(b.clock.now() + timedelta(days=30))
    # the daily clean-up's own timer is due now too and may run first: either forgets it
    await b.app.purge()
    await b.app.wakeups.idle()
    assert (
        "don't know that circle code" in (await b.type(f"!circle join {old}", OKAFOR, ROOM7)).text
    )
    assert "Lighthouse readers" in (await b.type("!circle list", TEACHER, ROOM)).text


async def test_a_class_with_another_book_or_none_is_told_when_it_joins(bench: Bench) -> None:
    b = bench
    await create(b)
    nobook = await b.type(f"!circle join {await new_code(b)}", LEE, ROOM9)
    assert nobook.text.startswith("🔗 Your class joined"), nobook.text
    assert "no book yet" in nobook.text and '"The Lighthouse Mice"' in nobook.text
    await b.type("!circle leave", LEE, ROOM9)
    await b.type('!readaloud book "Wonder" chapters=10', LEE, ROOM9)
    other = await b.type(f"!circle join {await new_code(b)}", LEE, ROOM9)
    assert "reading “Wonder”" in other.text and "same book" in other.text, other.text
    same = await b.type(f"!circle join {await new_code(b)}", OKAFOR, ROOM7)
    assert same.text.startswith("🔗 Your class joined") and "Note:" not in same.text
    assert "no book yet" not in same.text


async def test_two_joins_at_once_put_a_class_in_one_circle(bench: Bench) -> None:
    b = bench
    first = await create(b)
    made = await b.type("!circle create Nelson readers", OKAFOR, teachers_of(ROOM7))
    second = CODE.search(made.text)
    assert second, made.text
    answers = await asyncio.gather(
        b.type(f"!circle join {first}", LEE, ROOM9),
        b.type(f"!circle join {second.group(0)}", LEE, ROOM9),
    )
    joined = [a.text for a in answers if a.text.startswith("🔗 Your class joined")]
    assert len(joined) == 1, [a.text for a in answers]
    other = next(a.text for a in answers if not a.text.startswith("🔗 Your class joined"))
    assert "circle" in other and "`!circle" in other, other
    listed = (await b.type("!circle list", LEE, ROOM9)).text
    assert listed.count("Room 9") == 1, listed
