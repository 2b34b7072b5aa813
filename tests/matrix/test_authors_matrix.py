"""End to end on two federated Synapses: the class on one, the guest author on the other.

The author opens a direct room with the bot from their own homeserver, joins
with the code, receives an approved question (with no student identity in it)
and answers by replying; the answer lands in the class's session thread.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from nio import RoomCreateError

from bot.localserver import LocalHomeserver
from tests.matrix.classroom import Classroom, body, make_classroom, relates
from tests.matrix.federation import FederatedHomeserver
from tests.matrix.people import Person, PersonFactory, unique

# one process runs the module: its tests are one story on a module's pair of homeservers
pytestmark = [
    pytest.mark.synapse,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("authors-two-homeservers"),
]
ROOT = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def homeservers(
    synapse_installed: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[FederatedHomeserver, FederatedHomeserver]]:
    """The school's homeserver and the author's, federated on loopback."""
    venv = synapse_installed.venv
    school = FederatedHomeserver(tmp_path_factory.mktemp("school-hs"), venv=venv)
    home = FederatedHomeserver(tmp_path_factory.mktemp("author-hs"), venv=venv)
    await asyncio.gather(school.start(), home.start())
    try:
        yield school, home
    finally:
        await asyncio.gather(school.stop(), home.stop())


@pytest_asyncio.fixture(loop_scope="session")
async def room12(
    homeservers: tuple[FederatedHomeserver, FederatedHomeserver], tmp_path: Path
) -> AsyncIterator[Classroom]:
    school, _ = homeservers
    made: list[Person] = []

    async def people(name: str, display_name: str | None = None) -> Person:
        person = await Person.register(school, unique(name), display_name or name.title())
        made.append(person)
        return person

    factory: PersonFactory = people
    cls = await make_classroom(school, factory, tmp_path)
    yield cls
    for app in list(cls.started):
        await app.stop()
    for person in made:
        await person.close()


async def open_direct_room(author: Person, bot: str) -> str:
    """The author's direct room with the bot, once the bot has joined it."""
    resp = await author.client.room_create(is_direct=True, invite=[bot])
    assert not isinstance(resp, RoomCreateError), resp
    await author.wait_for(lambda rid, ev: getattr(ev, "membership", "") == "join"
                          and getattr(ev, "state_key", "") == bot, 30, resp.room_id)  # fmt: skip
    return resp.room_id


async def invite_code(cls: Classroom) -> str:
    """The teacher invites Jo Lee; the one-time code, from the teacher room."""
    told = await cls.teacher_types(
        '!author invite name="Jo Lee" book="The Lighthouse Mice"', cls.teacher_room, "RA-"
    )
    code = re.search(r"RA-\w{4}-\w{4}", body(told))
    assert code, body(told)
    return code.group(0)


async def start_session(cls: Classroom) -> str:
    """A book and plan whose first session starts now; returns the thread root id."""
    first = await cls.plan_book()
    cls.clock.set(first + timedelta(seconds=1))
    assert cls.app is not None
    await cls.app.scheduler.run_due()
    announcement = await cls.students[0].wait_for(cls.says("Read-aloud time", cls.room))
    return announcement.event_id


async def test_an_author_on_another_homeserver_answers_a_class_question(
    room12: Classroom, homeservers: tuple[FederatedHomeserver, FederatedHomeserver]
) -> None:
    cls, (_, home) = room12, homeservers
    aroha, teacher = cls.students[0], cls.teacher
    thread_root = await start_session(cls)
    await cls.teacher_types(
        '!author profile name="Room 12" region="Wellington, NZ"', expect="see this class"
    )
    # this story is about federation; answers waiting for the teacher are told below
    await cls.teacher_types("!author review off", cls.teacher_room, "at once")
    code = await invite_code(cls)

    author = await Person.register(home, unique("jo"), "Jo Lee")
    try:
        assert author.user_id.endswith(":" + home.server_name)
        dm = await open_direct_room(author, cls.bot)
        await author.send(dm, "hello?")
        assert "author join CODE" in body(await author.wait_for(cls.says("", dm), 30))
        await author.send(dm, f"!author join {code}")
        assert "Welcome, Jo Lee!" in body(await author.wait_for(cls.says("Welcome", dm), 30))

        await aroha.send(cls.room, "!ask Why did the keeper live alone?")
        review = await teacher.wait_for(cls.says("Question #", cls.teacher_room))
        assert "Aroha" in body(review)
        await teacher.react(cls.teacher_room, review.event_id, "✅")

        question = await author.wait_for(cls.says("📬 Question", dm), 30)
        text = body(question)
        assert "Room 12 (Wellington, NZ)" in text and "Why did the keeper live alone?" in text
        for handle in (aroha.user_id, "Aroha", aroha.user_id[1:].split(":")[0]):
            assert handle.casefold() not in text.casefold()

        reply: dict[str, Any] = {
            "msgtype": "m.text",
            "body": f"> <{cls.bot}> ...\n\nThe keeper loved the quiet of the sea.",
            "m.relates_to": {"m.in_reply_to": {"event_id": question.event_id}},
        }
        await author.send_event(dm, "m.room.message", reply)
        thanks = await author.wait_for(cls.says("Thank you!", dm), 30)
        assert "on its way to 1 class" in body(thanks)

        answer = await aroha.wait_for(cls.says("✉️ Jo Lee answered", cls.room), 30)
        assert relates(answer)["event_id"] == thread_root, "posted in the session thread"
        assert body(answer).endswith(
            "> Why did the keeper live alone?\nThe keeper loved the quiet of the sea."
        )
        await teacher.wait_for(cls.says("(asked by Aroha)", cls.teacher_room))
    finally:
        await author.close()


async def test_ids_and_mentions_in_a_question_never_reach_the_author(
    room12: Classroom, homeservers: tuple[FederatedHomeserver, FederatedHomeserver]
) -> None:
    """A classmate's Matrix id (plain and as a matrix.to link) and a pasted Discord mention,
    arriving through the Matrix adapter, are found by the platforms' account syntaxes."""
    cls, (school, _) = room12, homeservers
    aroha, ben, teacher = cls.students[0], cls.students[1], cls.teacher
    code = await invite_code(cls)
    author = await Person.register(school, unique("jo"), "Jo Lee")
    try:
        dm = await open_direct_room(author, cls.bot)
        await author.send(dm, f"!author join {code}")
        await author.wait_for(cls.says("Welcome", dm), 30)

        asked = f"Did {ben.user_id} and https://matrix.to/#/{ben.user_id} and <@1234567> guess?"
        await aroha.send(cls.room, f"!ask {asked}")
        review = await teacher.wait_for(cls.says("Question #", cls.teacher_room))
        await teacher.react(cls.teacher_room, review.event_id, "✅")

        text = body(await author.wait_for(cls.says("📬 Question", dm), 30))
        assert "Did a student and a student and someone guess?" in text, text
        for leak in (ben.user_id, ben.user_id[1:].split(":")[0], school.server_name, "1234567"):
            assert leak.casefold() not in text.casefold()
    finally:
        await author.close()


async def test_two_classes_share_one_inbox_item_and_a_rejected_question_stays_home(
    room12: Classroom, homeservers: tuple[FederatedHomeserver, FederatedHomeserver]
) -> None:
    first, (school, _) = room12, homeservers
    assert first.app is not None
    second = Classroom(
        hs=school,
        bot_account=first.bot_account,
        db_url=first.db_url,
        clock=first.clock,
        crypto_store=first.crypto_store,
        teacher=await Person.register(school, unique("okafor"), "Mr Okafor"),
        students=[await Person.register(school, unique("chen"), "Chen")],
        app=first.app,
    )
    await second.set_up()
    author = await Person.register(school, unique("jo"), "Jo Lee")
    try:
        dm = await open_direct_room(author, first.bot)
        for cls in (first, second):
            code = await invite_code(cls)
            await cls.teacher_types("!author review off", cls.teacher_room, "at once")
            await author.send(dm, f"!author join {code}")
            await author.wait_for(first.says("Welcome", dm), 30)

        asks = [
            (first, first.students[0], "Why did the keeper live alone?", "✅"),
            (second, second.students[0], "why does the keeper live all alone", "✅"),
            (second, second.students[0], "What is your home address?", "❌"),
        ]
        for cls, student, text, decision in asks:
            await student.send(cls.room, f"!ask {text}")
            review = await cls.teacher.wait_for(cls.says("Question #", cls.teacher_room))
            assert text in body(review)
            await cls.teacher.react(cls.teacher_room, review.event_id, decision)
            await cls.teacher.wait_for(cls.says("#", cls.teacher_room))  # the decision notice
        await first.idle()

        inbox_reply = await author.send(dm, "!author inbox")
        inbox = body(await author.wait_for(first.says("waiting", dm), 30))
        assert "asked by 2 classes" in inbox and "address" not in inbox, inbox
        seen = [body(ev) for ev in await author.collect(dm, 0.5)] + [inbox]
        assert len([t for t in seen if "📬 Question" in t]) <= 1
        assert not [t for t in seen if "address" in t], "a rejected question never reaches them"
        assert inbox_reply

        number = re.search(r"#(\d+) · asked by 2 classes", inbox)
        assert number
        await author.send(dm, f"!answer {number.group(1)} The quiet helped him think.")
        for cls, wording in ((first, asks[0][2]), (second, asks[1][2])):
            posted = await cls.students[0].wait_for(cls.says("✉️ Jo Lee answered", cls.room), 30)
            assert f"> {wording}\n" in body(posted) and "(2 classes asked this)" in body(posted)
        told = await second.students[0].wait_for(second.privately("decided not to send"), 30)
        assert "address" not in body(told)
    finally:
        await author.close()
        await second.teacher.close()
        await second.students[0].close()


async def test_an_answer_waits_for_the_teachers_tap_and_grooming_waits_even_with_review_off(
    room12: Classroom,
) -> None:
    cls = room12
    aroha, ben, teacher = cls.students[0], cls.students[1], cls.teacher
    await start_session(cls)
    await cls.teacher_types("!class safeguarding @lead:school", cls.teacher_room, "safeguarding")
    code = await invite_code(cls)
    author = await Person.register(cls.hs, unique("jo"), "Jo Lee")
    try:
        dm = await open_direct_room(author, cls.bot)
        await author.send(dm, f"!author join {code}")
        await author.wait_for(cls.says("Welcome", dm), 30)

        async def relayed(question: str) -> tuple[str, int]:
            await aroha.send(cls.room, f"!ask {question}")
            review = await teacher.wait_for(cls.says("Question #", cls.teacher_room))
            await teacher.react(cls.teacher_room, review.event_id, "✅")
            sent = body(await author.wait_for(cls.says("📬 Question", dm), 30))
            found = re.search(r"Question #(\d+)", sent)
            assert found
            return sent, int(found.group(1))

        # Ben never posted: his name comes from the room's member list on Synapse
        text, item = await relayed("Hi I'm Aroha, me and Ben want to know why the keeper hid")
        for handle in ("Aroha", "Ben", aroha.user_id, ben.user_id.split(":")[0][1:]):
            assert handle.casefold() not in text.casefold(), (handle, text)
        assert "a student want to know why the keeper hid" in text

        await author.send(dm, f"!answer {item} He was shy, like Pip.")
        thanks = body(await author.wait_for(cls.says("Thank you!", dm), 30))
        assert "Teachers look at guest answers" in thanks
        review = await teacher.wait_for(cls.says("Answer #", cls.teacher_room), 30)
        assert "He was shy, like Pip." in body(review)
        await cls.idle()
        assert not [e for e in await aroha.seen_now(cls.room) if "✉️" in body(e)]
        await teacher.react(cls.teacher_room, review.event_id, "✅")
        shown = await aroha.wait_for(cls.says("✉️ Jo Lee answered", cls.room), 30)
        assert body(shown).endswith("He was shy, like Pip.")

        await cls.teacher_types("!author review off", cls.teacher_room, "at once")
        _, item = await relayed("Do you like writing for children?")
        groomy = "Yes! You're so mature for your age. Message me privately any time!"
        await author.send(dm, f"!answer {item} {groomy}")
        held = await teacher.wait_for(cls.says("Possible grooming", cls.teacher_room), 30)
        assert body(held).startswith("Answer #")
        alert = await teacher.wait_for(cls.says("reads like grooming", cls.teacher_room), 30)
        assert "Safeguarding lead, please look at this." in body(alert)
        await cls.idle()
        assert not [e for e in await aroha.seen_now(cls.room) if "mature" in body(e)]
    finally:
        await author.close()
