"""Circles, part 2 (sharing) on the real App: Room 12 (Matrix) and Class 7 (Discord) of one
installation share their session threads; Room 9 (Matrix) reads a week behind."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.model import Actor, ChannelRef, Platform, Role, UserRef
from bot.db.tables import CircleCopy
from tests.cogs.bench import ROOM, TEACHER, Bench
from tests.cogs.test_circles import (
    LEE,
    OKAFOR,
    ROOM7,
    ROOM9,
    START,
    bench,
    create,
    discord,
    new_code,
    say_on_discord,
    teachers_of,
)
from tests.recording_chat import Posted, RecordingChat

__all__ = ["bench"]
pytestmark = pytest.mark.asyncio(loop_scope="session")

AROHA = Actor(UserRef(Platform.MATRIX, "@aroha.ngata:school", "Aroha Ngata"), Role.STUDENT)
MAIA = Actor(UserRef(Platform.MATRIX, "@maia_2014:school", "Maia Kereama"), Role.STUDENT)
BEN = Actor(UserRef(Platform.DISCORD, "5151", "Ben Tamaki"), Role.STUDENT)
LABEL12, LABEL7 = "Room 12 (Wellington, NZ)", "Class 7 (Nelson, NZ)"


def thread_of(chat: RecordingChat, room: ChannelRef, number: int = 1) -> ChannelRef:
    announcements = [
        p for p in chat.posts if p.channel == room and p.text.startswith("📖 Read-aloud time!")
    ]
    return room.in_thread(announcements[number - 1].id)


def reviews(chat: RecordingChat, room: ChannelRef) -> list[Posted]:
    return [p for p in chat.posts if p.action == "review" and p.channel == teachers_of(room)]


def number(posted: Posted) -> int:
    found = re.search(r"#(\d+)", posted.text)
    assert found, posted.text
    return int(found.group(1))


def copies_in(chat: RecordingChat, where: ChannelRef, label: str) -> list[Posted]:
    """The circle posts a class can read there now."""
    return [p for p in chat.visible(where) if f" · {label}: " in p.text]


async def quiet(b: Bench) -> None:
    """Let the timer jobs the clock woke finish before the bot stops (a job still claiming
    its rows as SQLite closes waits out the lock's 30 s)."""
    assert b.app is not None
    await b.app.wakeups.idle()


async def circle_of_two(b: Bench, trusted: bool = True) -> None:
    code = await create(b)
    await b.type(f"!circle join {code}", OKAFOR, ROOM7)
    if trusted:
        await b.type(f'!circle trust "{LABEL12}"', OKAFOR, ROOM7)
        await b.type('!circle trust "Class 7"', TEACHER, ROOM)


async def approved(b: Bench, chat: RecordingChat, room: ChannelRef, teacher: Actor) -> None:
    """The class's teacher approves the latest held message (new students wait)."""
    await b.type(f"!mod approve {number(reviews(chat, room)[-1])}", teacher, teachers_of(room))


async def test_an_approved_post_reaches_the_partner_thread_with_first_name_and_class(
    bench: Bench,
) -> None:
    b = bench
    await circle_of_two(b)
    await b.say(AROHA, "I think the mice will find the lamp", thread_of(b.chat, ROOM))
    assert not copies_in(discord(b), thread_of(discord(b), ROOM7), LABEL12), "held first"
    await approved(b, b.chat, ROOM, TEACHER)
    (copy,) = copies_in(discord(b), thread_of(discord(b), ROOM7), LABEL12)
    assert copy.text == f"Aroha · {LABEL12}: I think the mice will find the lamp"
    assert copy.action == "send"

    # and the other way: Discord to Matrix
    await say_on_discord(b, BEN, "the keeper is hiding something", thread_of(discord(b), ROOM7))
    await approved(b, discord(b), ROOM7, OKAFOR)
    (back,) = copies_in(b.chat, thread_of(b.chat, ROOM), LABEL7)
    assert back.text == f"Ben · {LABEL7}: the keeper is hiding something"
    assert not copies_in(discord(b), thread_of(discord(b), ROOM7), LABEL7), "not to itself"
    listed = (await b.type("!circle posts", OKAFOR, teachers_of(ROOM7))).text
    assert "Aroha · Room 12" in listed and "your class" in listed, listed


async def test_a_new_partner_is_held_until_its_teacher_trusts_it(bench: Bench) -> None:
    b = bench
    await circle_of_two(b, trusted=False)
    await b.say(AROHA, "the lamp is magic", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    thread7 = thread_of(discord(b), ROOM7)
    assert not copies_in(discord(b), thread7, LABEL12)
    held = reviews(discord(b), ROOM7)[-1]
    assert "a post from your circle" in held.text and "circle trust" in held.text, held.text
    assert "Aroha · Room 12" in held.text and "@aroha" not in held.text
    await b.type(f"!mod approve {number(held)}", OKAFOR, teachers_of(ROOM7))
    assert [c.text for c in copies_in(discord(b), thread7, LABEL12)] == [
        f"Aroha · {LABEL12}: the lamp is magic"
    ]
    trusted = await b.type('!circle trust "Room 12"', OKAFOR, ROOM7)
    assert trusted.text.startswith(f"🔗 Posts from {LABEL12} now reach your class"), trusted.text
    held_before = len(reviews(discord(b), ROOM7))
    await b.say(AROHA, "I want a lighthouse too", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    assert len(copies_in(discord(b), thread7, LABEL12)) == 2
    assert len(reviews(discord(b), ROOM7)) == held_before, "a trusted partner is not held"


async def test_the_receiving_rules_hold_a_post_the_sender_let_through(bench: Bench) -> None:
    b = bench
    await circle_of_two(b)
    await b.type("!circle share all", TEACHER, ROOM)
    await b.type(f"!mod trust {AROHA.user.id} trusted", TEACHER, ROOM)
    await b.type("!mod allow domain natgeokids.com", TEACHER, ROOM)
    link = "look at this lighthouse https://www.natgeokids.com/lighthouse"
    sent = await b.say(AROHA, link, thread_of(b.chat, ROOM))
    assert sent not in b.chat.gone and not reviews(b.chat, ROOM), "Room 12 lets it through"
    thread7 = thread_of(discord(b), ROOM7)
    assert not copies_in(discord(b), thread7, LABEL12), "Class 7's rules hold links"
    held = reviews(discord(b), ROOM7)[-1]
    assert "link" in held.text.casefold(), held.text
    await b.type(f"!mod reject {number(held)}", OKAFOR, teachers_of(ROOM7))
    assert not copies_in(discord(b), thread7, LABEL12)
    # a clean message of the trusted student goes straight on under "all"
    await b.say(AROHA, "the stairs go round and round", thread_of(b.chat, ROOM))
    assert len(copies_in(discord(b), thread7, LABEL12)) == 1


async def test_a_hide_at_the_sender_takes_back_every_copy(bench: Bench) -> None:
    b = bench
    await circle_of_two(b)
    await b.say(AROHA, "the cat will eat the mice", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    thread7 = thread_of(discord(b), ROOM7)
    (copy,) = copies_in(discord(b), thread7, LABEL12)
    listed = (await b.type("!circle posts", TEACHER, teachers_of(ROOM))).text
    post = int(re.findall(r"#(\d+) · Aroha · your class", listed)[0])
    taken = await b.type(f"!circle hide {post}", TEACHER, teachers_of(ROOM))
    assert taken.text.startswith(f"🔗 Post #{post} is taken back"), taken.text
    assert copy.id in discord(b).gone and not copies_in(discord(b), thread7, LABEL12)
    assert "taken back" in (await b.type("!circle posts", TEACHER, teachers_of(ROOM))).text

    # a teacher's ❌ on the shared message in the class thread does the same
    await b.say(AROHA, "no, the owl will", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    (second,) = copies_in(discord(b), thread7, LABEL12)
    repost = [p for p in b.chat.posts if p.action == "repost"][-1]
    await b.react(TEACHER, thread_of(b.chat, ROOM), repost.id, "❌")
    assert second.id in discord(b).gone and repost.id in b.chat.gone

    # the receiving teacher hides a partner's post from their class only
    await b.say(AROHA, "the lamp keeps ships safe", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    (third,) = copies_in(discord(b), thread7, LABEL12)
    listed7 = (await b.type("!circle posts", OKAFOR, teachers_of(ROOM7))).text
    theirs = int(re.findall(r"#(\d+) · Aroha · Room 12.*delivered", listed7)[0])
    hidden = await b.type(f"!circle hide {theirs}", OKAFOR, teachers_of(ROOM7))
    assert hidden.text == f"🔗 Post #{theirs} is hidden from your class."
    assert third.id in discord(b).gone


async def test_a_post_waits_for_the_partner_session_of_its_chapter(bench: Bench) -> None:
    """Room 9 starts a week later: Room 12's chapter 1–2 post waits for Room 9's first
    session, across a restart, and arrives once in its thread; a post marked a spoiler for
    chapter 3 waits for the session of chapter 3."""
    b = bench
    await b.type('!readaloud book "The Lighthouse Mice" chapters=4', LEE, ROOM9)
    await b.type("!readaloud plan 2027-02-08 mon,wed 09:30 per=2", LEE, ROOM9)
    await create(b)
    await b.type(f"!circle join {await new_code(b)}", LEE, ROOM9)
    await b.type(f'!circle trust "{LABEL12}"', LEE, ROOM9)
    await b.say(AROHA, "the mice found a map", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    await b.say(AROHA, "the map leads to the top", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    assert not [p for p in b.chat.posts if p.channel.id == ROOM9.id and LABEL12 in p.text]
    listed = (await b.type("!circle posts", TEACHER, teachers_of(ROOM))).text
    later = int(re.findall(r"#(\d+) · Aroha · your class .*the map leads", listed)[0])
    marked = await b.type(f"!circle spoiler {later} chapter=3", TEACHER, teachers_of(ROOM))
    assert "chapter 3" in marked.text, marked.text

    await b.at(START + timedelta(days=3))
    await b.restart()
    await b.at(START + timedelta(days=7) - timedelta(minutes=1))
    assert not [p for p in b.chat.posts if p.channel.id == ROOM9.id and LABEL12 in p.text]
    await b.at(START + timedelta(days=7))  # Mon 8 Feb 09:30 in Auckland
    first9 = thread_of(b.chat, ROOM9)
    assert [p.text for p in copies_in(b.chat, first9, LABEL12)] == [
        f"Aroha · {LABEL12}: the mice found a map"
    ]
    await b.at(START + timedelta(days=9))  # Wed: chapters 3–4
    second9 = thread_of(b.chat, ROOM9, 2)
    assert [p.text for p in copies_in(b.chat, second9, LABEL12)] == [
        f"Aroha · {LABEL12}: the map leads to the top"
    ]
    await b.restart()
    await b.at(START + timedelta(days=9, minutes=30))
    shown = [p for p in b.chat.posts if p.channel.id == ROOM9.id and LABEL12 in p.text]
    assert len(shown) == 2, "each once"
    await quiet(b)


async def restart_with_both(b: Bench) -> None:
    """A restart of the installation with both platforms connected before it resumes."""
    assert b.app is not None
    await b.app.stop()
    settings = Settings(
        bot=BotSettings(database_url=b.db_url), matrix=MatrixSettings(enabled=False)
    )
    b.app = App(Config(settings=settings, secrets=Secrets()), clock=b.clock)
    b.app.chats.add(b.chat)  # type: ignore[arg-type]
    b.app.chats.add(discord(b))  # type: ignore[arg-type]
    await b.app.start()


async def test_a_restart_between_receive_and_deliver_gives_one_copy(bench: Bench) -> None:
    b = bench
    await circle_of_two(b)
    discord(b).crash_on = "circles:copy"  # the bot dies as it posts the copy
    await b.say(AROHA, "the stairs creak", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    thread7 = thread_of(discord(b), ROOM7)
    assert not copies_in(discord(b), thread7, LABEL12)
    await restart_with_both(b)
    await restart_with_both(b)
    assert [c.text for c in copies_in(discord(b), thread7, LABEL12)] == [
        f"Aroha · {LABEL12}: the stairs creak"
    ]
    assert b.app is not None
    async with b.app.sessionmaker() as db:
        assert await db.scalar(select(func.count(CircleCopy.id))) == 1


async def test_two_releases_of_a_class_at_once_deliver_its_copy_once_and_keep_it(
    bench: Bench,
) -> None:
    """After a restart the resumed release and the arrival coming again both deliver a
    copy that waits: the one whose record comes second must not take it back."""
    b = bench
    await circle_of_two(b)
    discord(b).crash_on = "circles:copy"  # the copy waits, not delivered
    await b.say(AROHA, "the lantern flickers", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    discord(b).crash_on = None
    assert b.app is not None
    copies = b.app.services.sharing.copies
    async with b.app.sessionmaker() as db:
        class7 = await db.scalar(select(CircleCopy.classroom_id))
    assert class7 is not None
    await asyncio.gather(copies.release(class7), copies.release(class7))
    thread7 = thread_of(discord(b), ROOM7)
    shown = [c.text for c in copies_in(discord(b), thread7, LABEL12)]
    assert shown == [f"Aroha · {LABEL12}: the lantern flickers"]
    async with b.app.sessionmaker() as db:
        assert await db.scalar(select(CircleCopy.state)) == "delivered"


async def test_a_class_that_leaves_stops_receiving_at_once(bench: Bench) -> None:
    b = bench
    await b.type('!readaloud book "The Lighthouse Mice" chapters=4', LEE, ROOM9)
    await b.type("!readaloud plan 2027-02-08 mon,wed 09:30 per=2", LEE, ROOM9)
    await circle_of_two(b)
    await b.type(f"!circle join {await new_code(b)}", LEE, ROOM9)
    await b.type(f'!circle trust "{LABEL12}"', LEE, ROOM9)
    await b.say(AROHA, "waiting for next week", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    await b.type("!circle leave", LEE, ROOM9)
    await b.type("!circle leave", OKAFOR, ROOM7)
    await b.say(AROHA, "anyone there?", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    await b.at(START + timedelta(days=7))
    assert not [p for p in b.chat.posts if p.channel.id == ROOM9.id and LABEL12 in p.text]
    assert len(copies_in(discord(b), thread_of(discord(b), ROOM7), LABEL12)) == 1
    await quiet(b)


async def test_wrong_arguments_say_what_to_type_instead(bench: Bench) -> None:
    b = bench
    await circle_of_two(b, trusted=False)
    bad = await b.type("!circle share everything", TEACHER, ROOM)
    assert "approved" in bad.text and "all" in bad.text and "none" in bad.text, bad.text
    missing = await b.type("!circle hide 999", TEACHER, ROOM)
    assert "No circle post #999" in missing.text and "circle posts" in missing.text
    nobody = await b.type('!circle trust "Room 99"', OKAFOR, ROOM7)
    assert "No partner class called “Room 99”" in nobody.text and "Room 12" in nobody.text
    chapter = await b.type("!circle spoiler 1", TEACHER, ROOM)
    assert "chapter" in chapter.text, chapter.text
    outside = await b.type("!circle share all", LEE, ROOM9)
    assert "not in a circle" in outside.text


async def test_partners_never_see_a_student_account_or_full_name(bench: Bench) -> None:
    b = bench
    await circle_of_two(b, trusted=False)
    await b.say(MAIA, "hi", thread_of(b.chat, ROOM))  # a classmate the class knows
    await approved(b, b.chat, ROOM, TEACHER)
    await b.say(AROHA, "Aroha Ngata here! Maia Kereama and I think the owl did it",
                thread_of(b.chat, ROOM))  # fmt: skip
    await approved(b, b.chat, ROOM, TEACHER)
    await b.say(MAIA, "@aroha.ngata:school maia_2014 says the owl is kind",
                thread_of(b.chat, ROOM))  # fmt: skip
    await approved(b, b.chat, ROOM, TEACHER)
    held = reviews(discord(b), ROOM7)
    assert len(held) == 3, "each reached the partner teacher"
    for h in held:
        await b.type(f"!mod approve {number(h)}", OKAFOR, teachers_of(ROOM7))
    seen = [p for p in discord(b).posts if p.channel.id in (ROOM7.id, teachers_of(ROOM7).id)]
    seen_text = "\n".join(p.text + " " + p.name for p in seen)
    listed = (await b.type("!circle posts", OKAFOR, teachers_of(ROOM7))).text
    queue = (await b.type("!mod queue", OKAFOR, teachers_of(ROOM7))).text
    for text in (seen_text, listed, queue):
        folded = text.casefold()
        for word in ("aroha.ngata", "@aroha", "maia_2014", "ngata", "kereama", "aroha ngata"):
            assert word not in folded, (word, text)
    assert "Aroha · Room 12" in seen_text and "Maia · Room 12" in seen_text


async def test_retention_forgets_shared_posts_with_the_class_period(bench: Bench) -> None:
    b = bench
    assert b.app is not None
    await circle_of_two(b)
    await b.say(AROHA, "the mice are brave", thread_of(b.chat, ROOM))
    await approved(b, b.chat, ROOM, TEACHER)
    assert copies_in(discord(b), thread_of(discord(b), ROOM7), LABEL12)
    b.clock.set(b.clock.now() + timedelta(days=300))
    await b.app.purge()
    listed = (await b.type("!circle posts", OKAFOR, teachers_of(ROOM7))).text
    assert "the mice are brave" in listed, "kept within the year"
    b.clock.set(b.clock.now() + timedelta(days=70))
    await b.app.purge()
    for teacher, room in ((OKAFOR, ROOM7), (TEACHER, ROOM)):
        listed = (await b.type("!circle posts", teacher, teachers_of(room))).text
        assert "Nothing shared" in listed, listed


async def test_summaries_reach_the_partner_teacher_on_the_circle_wall(bench: Bench) -> None:
    b = bench
    await circle_of_two(b)
    await b.type("!circle share all", TEACHER, ROOM)
    await b.type(f"!mod trust {AROHA.user.id} trusted", TEACHER, ROOM)
    said = await b.type(
        "!readaloud prompt 3 Tell chapter 3 in a tweet. kind=summary offset=5 limit=80"
    )
    assert "summary" in said.text.casefold(), said.text
    wed = START + timedelta(days=2)  # session 2: chapters 3–4, in both classes
    await b.at(wed)
    thread12, thread7 = thread_of(b.chat, ROOM, 2), thread_of(discord(b), ROOM7, 2)
    await b.say(AROHA, "I love the keeper", thread12)
    await b.at(wed + timedelta(minutes=6))
    await b.say(AROHA, "The mice find a lamp", thread12)
    await b.say(AROHA, "The mice find a lamp and a map", thread12)  # her entry now
    assert len(copies_in(discord(b), thread7, LABEL12)) == 3
    await b.at(wed + timedelta(minutes=61))  # Class 7's discussion closes
    walls = [p for p in discord(b).posts if p.text.startswith("🔗 Circle wall")]
    assert len(walls) == 1 and walls[0].channel == teachers_of(ROOM7), walls
    assert f"• Summary — Aroha · {LABEL12}: The mice find a lamp and a map" in walls[0].text
    assert "keeper" not in walls[0].text, "a thought is not a summary"
    assert "lamp\n" not in walls[0].text + "\n", "her latest answer is her entry"
    await restart_with_both(b)
    await b.at(wed + timedelta(minutes=70))
    assert len([p for p in discord(b).posts if p.text.startswith("🔗 Circle wall")]) == 1
    await quiet(b)
