"""One failing handler never stops the bot; people get a useful answer instead."""

from __future__ import annotations

import logging

import pytest

from bot.core.commands import Command, Invocation, Registry, Reply
from bot.core.dispatch import Dispatcher
from bot.core.errors import UserError
from bot.core.events import MessagePosted
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef

ROOM = ChannelRef(Platform.MATRIX, "!class")
STUDENT = Actor(UserRef(Platform.MATRIX, "@sam:x", "Sam"), Role.STUDENT)
TEACHER = Actor(UserRef(Platform.MATRIX, "@ms:x", "Ms R"), Role.TEACHER)


async def boom(inv: Invocation) -> Reply:
    raise RuntimeError("database on fire")


async def fixable(inv: Invocation) -> Reply:
    raise UserError("time must look like 09:30")


async def ok(inv: Invocation) -> Reply:
    return Reply("done")


REGISTRY = Registry(
    [
        Command(("boom",), "crashes", Role.STUDENT, boom),
        Command(("fixable",), "user error", Role.STUDENT, fixable),
        Command(("plan",), "teachers only", Role.TEACHER, ok),
    ]
)


def call(path: str, actor: Actor) -> Invocation:
    return Invocation(REGISTRY.commands[(path,)], actor, ROOM, {})


@pytest.mark.asyncio(loop_scope="session")
async def test_a_crashing_command_gets_an_apology_with_an_incident_id(
    caplog: pytest.LogCaptureFixture,
) -> None:
    dispatcher = Dispatcher(REGISTRY)
    with caplog.at_level(logging.ERROR):
        reply = await dispatcher.command(call("boom", STUDENT))
    assert reply.private and "Sorry, something went wrong" in reply.text
    incident = reply.text.split("incident ")[1].split(")")[0]
    assert incident in caplog.text and "@sam:x" in caplog.text and "database on fire" in caplog.text


@pytest.mark.asyncio(loop_scope="session")
async def test_user_errors_and_role_refusals_are_told_to_the_user() -> None:
    dispatcher = Dispatcher(REGISTRY)
    assert (await dispatcher.command(call("fixable", STUDENT))).text == "time must look like 09:30"
    refused = await dispatcher.command(call("plan", STUDENT), prefix="/")
    assert refused.text.startswith("Only your teacher can use /plan.")
    assert (await dispatcher.command(call("plan", TEACHER))).text == "done"


@pytest.mark.asyncio(loop_scope="session")
async def test_one_feature_failing_on_an_event_does_not_stop_the_others() -> None:
    dispatcher = Dispatcher(REGISTRY)
    seen: list[str] = []

    async def broken(chat, event):  # type: ignore[no-untyped-def]
        raise ValueError("bug in a feature")

    async def fine(chat, event):  # type: ignore[no-untyped-def]
        seen.append(event.text)

    dispatcher.on_event(broken)
    dispatcher.on_event(fine)
    event = MessagePosted(MessageRef(ROOM, "$1"), STUDENT, "hello")
    await dispatcher.event(None, event)  # type: ignore[arg-type]
    assert seen == ["hello"]


@pytest.mark.asyncio(loop_scope="session")
async def test_handlers_get_only_their_event_type_guards_first_then_in_the_order_added() -> None:
    from bot.core.events import ReactionAdded
    from bot.core.feature import Stage

    dispatcher = Dispatcher(REGISTRY)
    ran: list[str] = []

    def handler(name: str):  # type: ignore[no-untyped-def]
        async def run(chat, event):  # type: ignore[no-untyped-def]
            ran.append(name)

        return run

    dispatcher.on(MessagePosted, handler("screen"), Stage.MAIN, "moderation")
    dispatcher.on(MessagePosted, handler("count"), Stage.AFTER, "readaloud")
    dispatcher.on(MessagePosted, handler("remove code"), Stage.GUARD, "authors")
    dispatcher.on(MessagePosted, handler("seen"), Stage.MAIN, "toy")
    dispatcher.on(ReactionAdded, handler("vote"), Stage.MAIN, "readaloud")
    await dispatcher.event(None, MessagePosted(MessageRef(ROOM, "$1"), STUDENT, "hi"))  # type: ignore[arg-type]
    assert ran == ["remove code", "screen", "seen", "count"]


@pytest.mark.asyncio(loop_scope="session")
async def test_a_storage_fault_hands_the_event_over_again() -> None:
    from bot.core.errors import NotHandled

    dispatcher = Dispatcher(REGISTRY, transient=lambda e: isinstance(e, ConnectionError))
    ran: list[str] = []

    async def down(chat, event):  # type: ignore[no-untyped-def]
        raise ConnectionError("database not answering")

    async def later(chat, event):  # type: ignore[no-untyped-def]
        ran.append(event.text)

    dispatcher.on(MessagePosted, down)
    dispatcher.on(MessagePosted, later)
    with pytest.raises(NotHandled):
        await dispatcher.event(None, MessagePosted(MessageRef(ROOM, "$1"), STUDENT, "hi"))  # type: ignore[arg-type]
    assert ran == [] and dispatcher.faulted_since is not None


@pytest.mark.asyncio(loop_scope="session")
async def test_a_request_is_answered_by_the_first_feature_that_takes_it_as_its_resolved_caller(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from bot.core.events import Decided, Request

    dispatcher = Dispatcher(REGISTRY, transient=lambda e: isinstance(e, ConnectionError))
    seen: list[Request] = []

    async def promote(actor: Actor, where: ChannelRef) -> Actor:
        return TEACHER if actor == STUDENT else actor

    async def not_mine(chat: object, ev: Request) -> Reply | None:
        seen.append(ev)
        return None

    async def reviews(chat: object, ev: Request) -> Reply | None:
        assert isinstance(ev, Decided)
        if ev.item == 1:
            raise UserError("Flag #1 was already approved by Ms R.")
        if ev.item == 2:
            raise ConnectionError("the database is not answering")
        if ev.item == 3:
            raise RuntimeError("a bug")
        return Reply(f"decided #{ev.item} as {ev.actor.role.name}", private=True)

    review = MessageRef(ROOM, "$review")
    asked = Decided(review, ROOM, STUDENT, approve=True, item=7)
    assert await dispatcher.request(None, asked) is None  # type: ignore[arg-type]
    dispatcher.resolve_roles(promote)
    dispatcher.on_request(not_mine)
    dispatcher.on_request(reviews)
    reply = await dispatcher.request(None, asked)  # type: ignore[arg-type]
    assert reply is not None and reply.text == "decided #7 as TEACHER" and reply.private
    assert seen[0].actor == TEACHER, "handlers see the caller's resolved role"

    async def answer(item: int) -> str:
        ev = Decided(review, ROOM, TEACHER, approve=True, item=item)
        got = await dispatcher.request(None, ev)  # type: ignore[arg-type]
        assert got is not None and got.private
        return got.text

    assert await answer(1) == "Flag #1 was already approved by Ms R."
    assert "can't save anything right now" in await answer(2)
    with caplog.at_level(logging.ERROR):
        assert "Sorry, something went wrong" in await answer(3)
    assert "a bug" in caplog.text
