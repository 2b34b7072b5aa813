"""A held message leaves the class before anything else is done about it: on a platform
whose adapter posts reviews behind the room's next messages (Matrix), the platform is
asked to remove it the moment it is held, the teacher's review is made ready meanwhile
and goes out once the platform has answered; a teacher who approves at once never makes
the message show again before it is gone, and a hold the database could not save yet
leaves the message gone and is reviewed once when it is handed over again."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import exc

from bot.core.errors import NotHandled
from bot.core.events import MessagePosted
from bot.core.model import ChannelRef, MessageRef
from cogs.review import floods
from tests.cogs.bench import ROOM, Bench, student
from tests.recording_chat import RecordingChat

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
MAIA = student("Maia")
HELD = "my number is 021 555 0199"
A_MOMENT = 0.1  # seconds for the bot's other work to get as far as it can


def slow_removals(chat: RecordingChat) -> tuple[asyncio.Event, asyncio.Event]:
    """The platform takes its time over removals: `asked` is set when it is asked, and it
    answers once `answer` is set."""
    asked, answer = asyncio.Event(), asyncio.Event()
    hide = chat.hide

    async def slowly(message: MessageRef, reason: str) -> None:
        asked.set()
        await answer.wait()
        await hide(message, reason)

    chat.hide = slowly  # type: ignore[method-assign]
    return asked, answer


async def posted_like_matrix(bench: Bench, text: str) -> asyncio.Task[str]:
    """The student's message, handled as the Matrix adapter does (follow-ups behind)."""
    assert bench.app is not None
    with bench.app.follow_ups.behind():
        return asyncio.create_task(bench.say(MAIA, text))


def done(bench: Bench, *actions: str) -> list[str]:
    return [p.action for p in bench.chat.posts if p.action in actions]


async def test_the_review_waits_until_the_platform_has_answered_the_removal(
    bench: Bench,
) -> None:
    assert bench.app is not None
    asked, answer = slow_removals(bench.chat)
    said = await posted_like_matrix(bench, HELD)
    await asyncio.wait_for(asked.wait(), 10)
    await asyncio.sleep(A_MOMENT)
    assert done(bench, "review", "tell") == [], "nothing goes out before the removal"

    answer.set()
    await said
    await bench.app.follow_ups.idle()
    assert done(bench, "hide", "review") == ["hide", "review"]
    (review,) = [p for p in bench.chat.posts if p.action == "review"]
    assert review.channel == TEACHERS and HELD in review.text
    assert await bench.app.services.moderation.resume() == 0, "settled: nothing left to do"


async def test_an_approval_typed_during_the_removal_shows_the_message_after_it_is_gone(
    bench: Bench,
) -> None:
    assert bench.app is not None
    asked, answer = slow_removals(bench.chat)
    said = await posted_like_matrix(bench, HELD)
    await asyncio.wait_for(asked.wait(), 10)
    while "1 waiting" not in (await bench.type("!mod queue", where=TEACHERS)).text:
        await asyncio.sleep(0.01)  # the teacher sees it in the queue (the hold is saved)
    approving = asyncio.create_task(bench.type("!mod approve 1", where=TEACHERS))
    await asyncio.sleep(A_MOMENT)
    assert done(bench, "review", "repost") == []

    answer.set()
    await said
    await approving
    await bench.app.follow_ups.idle()
    assert done(bench, "hide", "review", "repost") == ["hide", "review", "repost"]
    (repost,) = [p for p in bench.chat.posts if p.action == "repost"]
    assert HELD in repost.text and repost.channel == ROOM
    assert await bench.app.services.moderation.resume() == 0


async def test_a_hold_the_database_could_not_save_is_gone_and_reviewed_once_later(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert bench.app is not None
    join = floods.join

    async def database_stops(*args: object) -> None:
        monkeypatch.setattr(floods, "join", join)  # answers again next time
        raise exc.OperationalError("INSERT INTO flag", {}, Exception("database is locked"))

    monkeypatch.setattr(floods, "join", database_stops)
    said = MessagePosted(MessageRef(ROOM, "$held1"), MAIA, HELD)
    with bench.app.follow_ups.behind(), pytest.raises(NotHandled):
        await bench.app.dispatcher.event(bench.chat, said)  # type: ignore[arg-type]
    assert "$held1" in bench.chat.gone, "the class does not see it while nothing is saved"
    assert done(bench, "review", "tell") == []

    with bench.app.follow_ups.behind():  # the adapter hands the event over again
        await bench.app.dispatcher.event(bench.chat, said)  # type: ignore[arg-type]
    await bench.app.follow_ups.idle()
    assert [p.text for p in bench.chat.visible(ROOM)] == []
    assert done(bench, "review", "tell") == ["review", "tell"], "one review, one note"
    assert await bench.app.services.moderation.resume() == 0
