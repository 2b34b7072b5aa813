"""Guest author stories on the real App with a recording chat and a fake clock.

Students ask, the teacher approves, the author answers once and every class
that asked gets the answer in its current thread.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from bot.core.events import DirectMessage
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from tests.cogs.bench import ROOM, TEACHER, Bench, OpenBench, student
from tests.recording_chat import Posted

pytestmark = pytest.mark.asyncio(loop_scope="session")

START = datetime(2027, 1, 31, 20, 30, tzinfo=UTC)  # Mon 1 Feb 2027 09:30 in Auckland
ROOM7 = ChannelRef(Platform.MATRIX, "!room7")
OKAFOR = Actor(UserRef(Platform.MATRIX, "@okafor:school", "Mr Okafor"), Role.TEACHER)
AUTHOR = Actor(UserRef(Platform.MATRIX, "@jo:writers.example", "Jo Lee"), Role.STUDENT)
AUTHOR_DM = ChannelRef(Platform.MATRIX, "!dm-jo")
AROHA, BEN, CHEN = student("Aroha"), student("Ben"), student("Chen")


def teachers_of(room: ChannelRef) -> ChannelRef:
    return ChannelRef(room.platform, room.id + "-teachers")


async def make_class(
    b: Bench, room: ChannelRef, teacher: Actor, name: str, region: str, review: bool = False
) -> None:
    """A class reading the book. These stories are about relaying, so answers screening
    finds clean are posted at once (`author review off`); the default, every answer
    waiting for the teacher, is told in test_authors_review.py."""
    await b.type(f'!class setup timezone=Pacific/Auckland name="{name}"', teacher, room)
    await b.type(f'!author profile name="{name}" region="{region}"', teacher, room)
    if not review:
        said = await b.type("!author review off", teacher, room)
        assert "posted in your class at once" in said.text, said.text
    await b.type('!readaloud book "The Lighthouse Mice" chapters=4', teacher, room)
    await b.type("!readaloud plan 2027-02-01 mon,wed 09:30 per=2", teacher, room)


async def invite(b: Bench, room: ChannelRef, teacher: Actor) -> str:
    """Asked in the class room, the code goes to the teacher room (never shown to students)."""
    reply = await b.type('!author invite name="Jo Lee" book="The Lighthouse Mice"', teacher, room)
    assert reply.text == "I've put the one-time invite code in the teacher room."
    code = b.chat.posts[-1]
    assert code.channel == teachers_of(room)
    found = re.search(r"RA-[A-Z0-9]{4}-[A-Z0-9]{4}", code.text)
    assert found, code.text
    again = await b.type('!author invite name="Jo Lee" book="X"', teacher, teachers_of(room))
    assert again.private and re.search(r"RA-[A-Z0-9]{4}-[A-Z0-9]{4}", again.text)
    return found.group(0)


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench, migrated_database_url: str) -> Bench:
    """Two classes reading the same book, both in their first session, one guest author
    (on SQLite, and on PostgreSQL when DATABASE_URL is set)."""
    b = await open_bench(
        START - timedelta(days=1), None, db_url=migrated_database_url, teachers=[OKAFOR.user]
    )
    await make_class(b, ROOM, TEACHER, "Room 12", "Wellington, NZ")
    await make_class(b, ROOM7, OKAFOR, "Class 7", "Nelson, NZ")
    await b.at(START)  # both sessions start: announcement and thread
    for room, teacher in ((ROOM, TEACHER), (ROOM7, OKAFOR)):
        code = await invite(b, room, teacher)
        joined = await b.type(f"!author join {code}", AUTHOR, AUTHOR_DM)
        assert joined.text.startswith("Welcome, Jo Lee!"), joined.text
    return b


def thread_of(b: Bench, room: ChannelRef) -> ChannelRef:
    announcement = next(
        p for p in b.chat.posts if p.channel == room and p.text.startswith("📖 Read-aloud time!")
    )
    return room.in_thread(announcement.id)


def reviews(b: Bench, room: ChannelRef) -> list[Posted]:
    return [p for p in b.chat.posts if p.action == "review" and p.channel == teachers_of(room)]


def number(posted: Posted) -> int:
    found = re.search(r"#(\d+)", posted.text)
    assert found, posted.text
    return int(found.group(1))


def to_author(b: Bench) -> list[Posted]:
    return [p for p in b.chat.posts if p.action == "dm" and p.to == AUTHOR.user.id]


async def ask_and_approve(b: Bench, who: Actor, room: ChannelRef, teacher: Actor, text: str) -> int:
    """A student asks, the teacher approves; returns the inbox item number sent or merged."""
    reply = await b.type(f"!ask {text}", who, room)
    assert "waiting for your teacher" in reply.text and reply.private
    review = reviews(b, room)[-1]
    assert text in review.text and who.user.label in review.text
    decided = await b.type(f"!mod approve {number(review)}", teacher, teachers_of(room))
    assert decided.text == "", "the teacher room's decision notice is the one confirmation"
    notice = [p for p in b.chat.posts if p.channel == teachers_of(room)][-1]
    assert notice.text.startswith(f"✅ Approved #{number(review)} by")
    inbox = await b.type("!author inbox", AUTHOR, AUTHOR_DM)
    return int(re.findall(r"#(\d+)", inbox.text)[-1])


async def test_ask_approve_relay_answer_posts_in_the_class_thread(bench: Bench) -> None:
    b = bench
    item = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Why did the keeper live alone?")

    (dm,) = to_author(b)
    assert "Room 12 (Wellington, NZ)" in dm.text and "read up to chapter 2" in dm.text
    assert "“Why did the keeper live alone?”" in dm.text
    told = [p.text for p in b.chat.posts if p.action == "tell" and p.to == AROHA.user.id]
    assert "It's now with Jo Lee" in told[-1]
    status = await b.type("!questions", AROHA)
    assert "with the author" in status.text

    sent = await b.type(f"!answer {item} The keeper loved the quiet of the sea.", AUTHOR, AUTHOR_DM)
    assert sent.text == "Thank you! Your answer is on its way to 1 class."

    thread = thread_of(b, ROOM)
    (posted,) = [p for p in b.chat.posts if p.channel == thread and "✉️" in p.text]
    assert posted.text == (
        "✉️ Jo Lee answered our class's question from chapter 2:\n"
        "> Why did the keeper live alone?\nThe keeper loved the quiet of the sea."
    )
    copy = [p for p in b.chat.posts if p.channel == teachers_of(ROOM) and "✉️" in p.text]
    assert "(asked by Aroha)" in copy[0].text
    assert "— answered" in (await b.type("!questions", AROHA)).text
    assert not [p for p in b.chat.posts if p.channel.room == ROOM7 and "✉️" in p.text]


async def test_two_classes_asking_alike_get_one_item_and_both_get_the_answer(bench: Bench) -> None:
    b = bench
    first = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Is Pip based on a real mouse?")
    second = await ask_and_approve(b, CHEN, ROOM7, OKAFOR, "is pip based on a real mouse??")
    assert first == second
    assert len(to_author(b)) == 1, "a merged question does not message the author again"
    inbox = await b.type("!author inbox", AUTHOR, AUTHOR_DM)
    assert f"#{first} · asked by 2 classes" in inbox.text

    different = await ask_and_approve(b, BEN, ROOM, TEACHER, "Is Pip based on a real cat?")
    assert different != first, "one different word of meaning is a different question"

    await b.type(f"!answer {first} Yes — my grandmother's mouse.", AUTHOR, AUTHOR_DM)
    for room, wording in (
        (ROOM, "Is Pip based on a real mouse?"),
        (ROOM7, "is pip based on a real mouse??"),
    ):
        thread = thread_of(b, room)
        (posted,) = [p for p in b.chat.posts if p.channel == thread and "✉️" in p.text]
        assert posted.text.startswith(
            "✉️ Jo Lee answered our class's question from chapter 2 (2 classes"
        )
        assert f"> {wording}\n" in posted.text


async def test_a_question_already_answered_gets_that_answer_without_asking_again(
    bench: Bench,
) -> None:
    b = bench
    item = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Did you ever live in a lighthouse?")
    await b.type(f"!answer {item} Only for one summer, as a girl.", AUTHOR, AUTHOR_DM)
    assert len(to_author(b)) == 1

    await b.type("!ask did you ever live in a lighthouse", CHEN, ROOM7)
    review = reviews(b, ROOM7)[-1]
    await b.type(f"!mod approve {number(review)}", OKAFOR, teachers_of(ROOM7))

    assert len(to_author(b)) == 1, "the author is not asked again"
    (posted,) = [p for p in b.chat.posts if p.channel == thread_of(b, ROOM7) and "✉️" in p.text]
    assert "> did you ever live in a lighthouse\n" in posted.text
    assert posted.text.endswith("Only for one summer, as a girl.")
    told = [p.text for p in b.chat.posts if p.action == "tell" and p.to == CHEN.user.id]
    assert "already answered the same question" in told[-1]
    assert "— answered" in (await b.type("!questions", CHEN, ROOM7)).text
    ours = [p for p in b.chat.posts if p.channel == thread_of(b, ROOM) and "✉️" in p.text]
    assert len(ours) == 1, "the class that asked first is not sent the answer twice"


async def test_the_teacher_sees_what_screening_found_in_a_question(bench: Bench) -> None:
    b = bench
    await b.type("!ask can you call me? my number is 021 555 0192", BEN)
    review = reviews(b, ROOM)[-1]
    assert "⚠️ Screening found: Personal information" in review.text
    assert "phone number" in review.text

    await b.type("!ask do you ever want to kill yourself like i do", BEN)
    alert = [p for p in b.chat.posts if "may be about self-harm" in p.text]
    assert len(alert) == 1 and alert[0].channel == teachers_of(ROOM)
    await b.type("!ask Who drew the pictures?", CHEN, ROOM7)
    assert "Screening found" not in reviews(b, ROOM7)[-1].text


async def test_a_rejected_question_never_reaches_the_author(bench: Bench) -> None:
    b = bench
    await b.type("!ask Where do you live? What is your address?", BEN)
    review = reviews(b, ROOM)[-1]
    await b.type(
        f"!mod reject {number(review)} we keep addresses private", TEACHER, teachers_of(ROOM)
    )
    assert to_author(b) == []
    assert "empty" in (await b.type("!author inbox", AUTHOR, AUTHOR_DM)).text
    told = [p.text for p in b.chat.posts if p.action == "tell" and p.to == BEN.user.id]
    assert "decided not to send your question" in told[-1]
    assert "we keep addresses private" in told[-1]
    assert "not sent" in (await b.type("!questions", BEN)).text


async def test_nothing_sent_to_the_author_identifies_a_student(bench: Bench) -> None:
    b = bench
    replies = []
    for who, text in (
        (AROHA, "Hi from Aroha and @ben:school! Why mice?"),
        (BEN, "Do you have a cat?"),
    ):
        replies.append(await b.type(f"!ask {text}", who))
        await b.type(f"!mod approve {number(reviews(b, ROOM)[-1])}", TEACHER, teachers_of(ROOM))
    inbox = await b.type("!author inbox", AUTHOR, AUTHOR_DM)
    item = int(re.findall(r"#(\d+)", inbox.text)[0])
    replies.append(inbox)
    replies.append(await b.type(f"!answer {item} Because mice are brave.", AUTHOR, AUTHOR_DM))
    seen_by_author = [p.text for p in to_author(b)] + [r.text for r in replies[2:]]
    assert any("Why mice?" in t for t in seen_by_author)
    for person in (AROHA, BEN):
        for handle in (person.user.id, person.user.name, person.user.id[1:].split(":")[0]):
            for text in seen_by_author:
                assert handle.casefold() not in text.casefold(), (handle, text)


async def test_codes_expire_work_once_and_must_stay_private(bench: Bench) -> None:
    b = bench
    other = Actor(UserRef(Platform.MATRIX, "@sam:writers.example", "Sam"), Role.STUDENT)
    dm = ChannelRef(Platform.MATRIX, "!dm-sam")
    code = await invite(b, ROOM, TEACHER)
    assert "already used" not in (await b.type(f"!author join {code}", other, dm)).text
    again = await b.type(f"!author join {code.lower()}", AUTHOR, AUTHOR_DM)
    assert "already used" in again.text and "ask the teacher for a new one" in again.text
    assert "don't know that code" in (await b.type("!author join RA-AAAA-AAAA", other, dm)).text

    late = await invite(b, ROOM, TEACHER)
    b.clock.set(b.clock.now() + timedelta(days=8))
    assert "expired on" in (await b.type(f"!author join {late}", other, dm)).text

    exposed = await invite(b, ROOM, TEACHER)
    said = await b.type(f"!author join {exposed}", other, ROOM)
    assert "Codes are secret" in said.text
    assert "already used" in (await b.type(f"!author join {exposed}", other, dm)).text


async def test_direct_messages_get_help_and_a_reply_answers(bench: Bench) -> None:
    b = bench
    assert b.app is not None
    await ask_and_approve(b, AROHA, ROOM, TEACHER, "How long did the book take to write?")
    (dm,) = to_author(b)

    async def direct(
        actor: Actor, where: ChannelRef, text: str, reply_to: str | None = None
    ) -> str:
        message = MessageRef(where, f"$dm{len(b.chat.posts)}")
        await b.app.dispatcher.event(b.chat, DirectMessage(message, actor, text, reply_to))  # type: ignore[union-attr,arg-type]
        return b.chat.posts[-1].text

    stranger = Actor(UserRef(Platform.MATRIX, "@kim:example", "Kim"), Role.STUDENT)
    assert "author join CODE" in await direct(
        stranger, ChannelRef(Platform.MATRIX, "!dm-kim"), "hello?"
    )
    assert "author inbox" in await direct(AUTHOR, AUTHOR_DM, "what do I do now?")
    said = await direct(AUTHOR, AUTHOR_DM, "About two years!", reply_to=dm.id)
    assert said == "Thank you! Your answer is on its way to 1 class."
    assert any(
        p.text.endswith("\nAbout two years!")
        for p in b.chat.posts
        if p.channel == thread_of(b, ROOM)
    )


async def test_a_link_in_an_answer_waits_for_each_teacher(bench: Bench) -> None:
    b = bench
    item = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Where can we see your drawings?")
    sent = await b.type(f"!answer {item} On https://jolee.example/drawings", AUTHOR, AUTHOR_DM)
    assert "each class's teacher approves it" in sent.text
    thread = thread_of(b, ROOM)
    assert not [p for p in b.chat.posts if p.channel == thread and "✉️" in p.text]
    review = reviews(b, ROOM)[-1]
    assert review.text.startswith("Answer #") and "jolee.example" in review.text
    assert "checking the answer" in (await b.type("!questions", AROHA)).text
    await b.type(f"!mod approve {number(review)}", TEACHER, teachers_of(ROOM))
    (posted,) = [p for p in b.chat.posts if p.channel == thread and "✉️" in p.text]
    assert "> Where can we see your drawings?" in posted.text and "jolee.example" in posted.text


async def test_pass_quota_thread_gone_and_leaving(bench: Bench) -> None:
    b = bench
    item = await ask_and_approve(b, AROHA, ROOM, TEACHER, "What is your favourite colour?")
    assert (
        "Done: 1 class will hear" in (await b.type(f"!author pass {item}", AUTHOR, AUTHOR_DM)).text
    )
    assert any(
        "can't answer that one" in p.text for p in b.chat.posts if p.channel == thread_of(b, ROOM)
    )

    item = await ask_and_approve(b, BEN, ROOM, TEACHER, "Do you write every day?")
    b.chat.crash_on = "authors:answer"  # the thread is gone: the next post there fails
    await b.type(f"!answer {item} Most days, yes.", AUTHOR, AUTHOR_DM)
    assert [p for p in b.chat.posts if p.channel == ROOM and p.text.endswith("Most days, yes.")]

    await b.type("!author quota 0", TEACHER)
    assert "the most your teacher allows" in (await b.type("!ask One more?", CHEN)).text
    await b.type("!author quota 5", TEACHER)

    await b.type("!ask Will you write a sequel?", CHEN)
    bye = await b.type("!author leave", AUTHOR, AUTHOR_DM)
    assert "won't receive any more questions" in bye.text
    for room in (ROOM, ROOM7):
        told = [p.text for p in b.chat.posts if p.channel == teachers_of(room) and "👋" in p.text]
        assert told and "has left" in told[0]
    assert "1 question waiting" in next(p.text for p in b.chat.posts if "👋" in p.text)
    assert "no guest author right now" in (await b.type("!ask Anyone there?", CHEN)).text
    assert "Only a guest author" in (await b.type("!author inbox", AUTHOR, AUTHOR_DM)).text


async def test_a_code_a_student_shares_in_the_class_room_is_cancelled_and_removed(
    bench: Bench,
) -> None:
    b = bench
    code = await invite(b, ROOM, TEACHER)
    said = await b.say(AROHA, f"guys the author code is {code}", ROOM)
    assert any(p.action == "hide" and p.id == said for p in b.chat.posts), "removed"
    (told,) = [p for p in b.chat.posts if "was posted in the class room" in p.text]
    assert told.channel == teachers_of(ROOM) and code not in told.text
    assert any(p.action == "tell" and "Codes are secret" in p.text for p in b.chat.posts)
    sam = Actor(UserRef(Platform.MATRIX, "@sam:writers.example", "Sam"), Role.STUDENT)
    tried = await b.type(f"!author join {code}", sam, ChannelRef(Platform.MATRIX, "!dm-sam"))
    assert "already used" in tried.text, "nobody can use it from a direct message"
