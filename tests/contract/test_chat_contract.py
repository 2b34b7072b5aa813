"""The Chat contract (bot/core/ports.py), checked on every implementation: the recording
chat, Matrix on a real Synapse, and Discord through discord.py. Each test is a small
classroom moment, told by what the teacher and the students see."""

from __future__ import annotations

import uuid

import pytest

from bot.core.errors import Forbidden, Unavailable, UserError
from bot.core.model import Outgoing
from tests.contract.drivers import ContractChat

pytestmark = pytest.mark.asyncio(loop_scope="session")


def key(name: str) -> str:
    return f"contract:{name}:{uuid.uuid4().hex[:8]}"


async def test_a_post_repeated_with_its_key_appears_once(contract: ContractChat) -> None:
    d = contract
    out = Outgoing("Chapter 3 starts now: grab your book!", key=key("session"))
    first = await d.chat.send(d.room, out)
    again = await d.chat.send(d.room, out)  # e.g. retried after a crash
    assert again == first
    assert (await d.texts(d.room)).count("Chapter 3 starts now: grab your book!") == 1


async def test_a_post_without_a_key_appears_each_time(contract: ContractChat) -> None:
    d = contract
    await d.chat.send(d.room, Outgoing("Nice work, everyone!"))
    await d.chat.send(d.room, Outgoing("Nice work, everyone!"))
    assert (await d.texts(d.room)).count("Nice work, everyone!") == 2


async def test_a_hidden_message_is_gone_from_the_class(contract: ContractChat) -> None:
    d = contract
    kept = await d.student_says("I think the lighthouse keeper is brave")
    held = await d.student_says("call me on 021 555 0199")
    await d.chat.hide(held, "held for the teacher")
    seen = await d.texts(d.room)
    assert "call me on 021 555 0199" not in seen
    assert "I think the lighthouse keeper is brave" in seen and kept != held


async def test_hiding_a_message_already_gone_is_success(contract: ContractChat) -> None:
    d = contract
    deleted = await d.student_says("oops wrong class")
    await d.student_deletes(deleted)  # the student took it back before the bot got to it
    await d.chat.hide(deleted, "held for the teacher")  # returns: nobody can see it
    hidden = await d.student_says("my address is 12 Kauri Street")
    await d.chat.hide(hidden, "held for the teacher")
    await d.chat.hide(hidden, "held for the teacher")  # a retry after a crash
    assert not {"oops wrong class", "my address is 12 Kauri Street"} & set(await d.texts(d.room))


async def test_hiding_without_permission_raises_forbidden_and_the_message_stays(
    contract: ContractChat,
) -> None:
    d = contract
    held = await d.student_says("you are all idiots")
    await d.forbid_removing()
    with pytest.raises(Forbidden) as refused:
        await d.chat.hide(held, "held for the teacher")
    assert isinstance(refused.value, UserError) and refused.value.message  # names the fix
    assert "you are all idiots" in await d.texts(d.room), "still visible: the caller must know"


async def test_hiding_during_an_outage_raises_unavailable(contract: ContractChat) -> None:
    d = contract
    held = await d.student_says("meet me after school, don't tell anyone")
    async with d.outage():
        with pytest.raises(Unavailable):
            await d.chat.hide(held, "held for the teacher")
    assert "meet me after school, don't tell anyone" in await d.texts(d.room)
    await d.chat.hide(held, "held for the teacher")  # the retry, once it is back
    assert "meet me after school, don't tell anyone" not in await d.texts(d.room)


async def test_posting_where_the_bot_may_not_raises_forbidden(contract: ContractChat) -> None:
    d = contract
    await d.forbid_posting()
    with pytest.raises(Forbidden):
        await d.chat.send(d.room, Outgoing("Today's prompt: who would you rescue?", key=key("p")))
    assert "Today's prompt: who would you rescue?" not in await d.texts(d.room)


async def test_a_post_that_failed_in_an_outage_appears_once_when_retried(
    contract: ContractChat,
) -> None:
    d = contract
    out = Outgoing("Chapter 4 is open for discussion", key=key("outage"))
    async with d.outage():
        with pytest.raises(Unavailable):
            await d.chat.send(d.room, out)
    await d.chat.send(d.room, out)
    await d.chat.send(d.room, out)
    assert (await d.texts(d.room)).count("Chapter 4 is open for discussion") == 1


async def test_tell_reaches_only_that_student(contract: ContractChat) -> None:
    d = contract
    why = "Your message is waiting for your teacher: it had a phone number in it."
    await d.chat.tell(d.student, d.room, Outgoing(why, key=key("tell"), mentions=(d.student,)))
    await d.chat.tell(d.student, d.room, Outgoing(why, key=key("tell")))  # another notice
    assert (await d.inbox(d.student)).count(why) == 2
    assert why not in await d.inbox(d.classmate)
    assert why not in await d.texts(d.room), "classmates never read why"


async def test_direct_messages_use_one_conversation(contract: ContractChat) -> None:
    d = contract
    asked = await d.chat.dm(d.teacher, Outgoing("Question 1 from Room 7: why mice?", key=key("q")))
    again = await d.chat.dm(d.teacher, Outgoing("Question 1 from Room 7: why mice?", key=asked.id))
    other = await d.chat.dm(d.teacher, Outgoing("Question 2: is Pip real?", key=key("q2")))
    repeat = await d.chat.dm(d.teacher, Outgoing("Question 2: is Pip real?", key=key("q2") + "x"))
    assert asked.channel == again.channel == other.channel == repeat.channel
    inbox = await d.inbox(d.teacher)
    assert inbox.count("Question 1 from Room 7: why mice?") == 2  # two keys: two messages
    assert inbox.count("Question 2: is Pip real?") == 2
    out = Outgoing("Thank you for your questions!", key=key("thanks"))
    assert await d.chat.dm(d.teacher, out) == await d.chat.dm(d.teacher, out)
    assert (await d.inbox(d.teacher)).count("Thank you for your questions!") == 1


async def test_a_review_reaches_the_teacher_channel_with_controls(contract: ContractChat) -> None:
    d = contract
    out = Outgoing("Held #7 — Ana wrote: “you are all idiots” (insult)", key=key("review"))
    review = await d.chat.ask_decision(d.teacher_room, 7, out)
    assert await d.chat.ask_decision(d.teacher_room, 7, out) == review
    shown = await d.texts(d.teacher_room)
    assert len([t for t in shown if "Ana wrote" in t]) == 1
    assert not any("Ana wrote" in t for t in await d.texts(d.room))
    assert {"approve", "reject"} <= await d.controls(review)


async def test_a_poll_offers_every_option(contract: ContractChat) -> None:
    d = contract
    question = "Who is the bravest mouse?"
    out = Outgoing(question, key=key("poll"))
    poll = await d.chat.send_poll(d.room, question, ["Pip", "Moss", "Tansy"], out)
    assert await d.chat.send_poll(d.room, question, ["Pip", "Moss", "Tansy"], out) == poll
    assert await d.poll(poll) == (question, ["Pip", "Moss", "Tansy"])
    assert [t for t in await d.texts(d.room) if question in t] != []


async def test_a_thread_opens_once_and_closes_with_a_notice(contract: ContractChat) -> None:
    d = contract
    root = await d.chat.send(d.room, Outgoing("Chapter 5: The Storm", key=key("root")))
    thread = await d.chat.open_thread(root, "Chapter 5")
    assert await d.chat.open_thread(root, "Chapter 5") == thread  # after a crash: the same one
    await d.synced()
    await d.chat.send(thread, Outgoing("What would you pack for the storm?", key=key("prompt")))
    assert "What would you pack for the storm?" in await d.texts(thread)
    assert "What would you pack for the storm?" not in await d.texts(d.room)
    await d.chat.close_thread(thread, Outgoing("This discussion is closed.", key=key("close")))
    assert (await d.texts(thread))[-1] == "This discussion is closed."
    assert await d.thread_locked(thread) is d.locks_threads  # stated per platform in the port


async def test_a_repost_names_the_student(contract: ContractChat) -> None:
    d = contract
    out = Outgoing("I loved chapter 2 because of the storm", key=key("repost"))
    repost = await d.chat.repost_as(d.room, d.student, out)
    shown = await d.shown_as(repost)
    assert d.student.name in shown and "I loved chapter 2 because of the storm" in shown
    assert "I loved chapter 2 because of the storm" in "\n".join(await d.texts(d.room))


async def test_teachers_and_private_channels_are_told_apart(contract: ContractChat) -> None:
    d = contract
    await d.synced()
    assert [t.id for t in await d.chat.teachers(d.room)] == [d.teacher.id]
    assert await d.chat.private_problem(d.room, d.teacher_room) is None
    problem = await d.chat.private_problem(d.room, d.room)  # students read the class channel
    assert problem, "a channel students can read is a problem, with its fix"
