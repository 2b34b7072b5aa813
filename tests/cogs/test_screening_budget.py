"""No message can freeze the bot: screening has a time budget, a message that runs out of
it (or is too long to screen in full) is held for the teacher as "could not be checked",
the student is told kindly, and a restart does not screen or review it again."""

from __future__ import annotations

import re

import pytest
import pytest_asyncio
from sqlalchemy import func, select

from bot.core.events import MessagePosted
from bot.core.model import Actor, MessageRef
from bot.db.tables import Flag, Post
from bot.screening import Context, Verdict, screen
from cogs.moderation import policy
from tests.cogs.bench import ROOM, Bench, OpenBench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ROOM.room.__class__(ROOM.platform, ROOM.id + "-teachers")
MAIA, NOA = student("Maia"), student("Noa")
# the long-number pattern screening had before issue 10: it backtracks exponentially on a
# run of digits followed by a letter (28 digits: ~6 s of CPU; 100 digits: for ever)
RUNAWAY = re.compile(r"(?<![\w.])\+?\(?\d(?:[\d\u00a0 ().\-]{0,3}\d){5,24}(?![\w])")
POISON = "my code is " + "7" * 28 + "x"


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    b = await open_bench()
    await b.type(f"!mod trust {MAIA.user.id}")  # trusted: nothing is held for being new
    await b.type(f"!mod trust {NOA.user.id}")
    return b


@pytest.fixture
def runaway_screener(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Screening with the old backtracking pattern in it; the texts it was asked to screen."""
    asked: list[str] = []

    def slow_screen(text: str, context: Context | None = None) -> Verdict:
        asked.append(text)
        RUNAWAY.search(text)
        return screen(text, context)

    monkeypatch.setattr(policy, "screen", slow_screen)
    return asked


def to_teachers(bench: Bench) -> list[str]:
    return [p.text for p in bench.chat.posts if p.channel == TEACHERS and p.action == "review"]


def hidden(bench: Bench) -> list[str]:
    return [p.id for p in bench.chat.posts if p.action == "hide"]


def told(bench: Bench, actor: Actor) -> list[str]:
    posts = bench.chat.posts
    return [p.text for p in posts if p.action in ("dm", "tell") and p.to == actor.user.id]


async def test_a_message_that_screening_cannot_finish_in_time_is_held_and_the_bot_answers_on(
    bench: Bench, runaway_screener: list[str]
) -> None:
    said = await bench.say(MAIA, POISON)

    assert said in hidden(bench)  # never shown unchecked
    (review,) = to_teachers(bench)
    assert "Held #1 from Maia" in review and POISON in review
    assert "could not check this message in time" in review
    assert "longer than 100 ms" in review
    (note,) = told(bench, MAIA)
    assert note.startswith("Hi Maia! Your message is waiting for your teacher")
    assert "Thank you for your patience" in note and "7777" not in note
    reply = await bench.type("!mod queue")  # the next command is answered at once
    assert "#1" in reply.text and "Maia" in reply.text
    shown = await bench.say(NOA, "the lighthouse keeper has a cat")  # and others are served
    assert shown not in hidden(bench)


async def test_after_a_restart_a_held_unchecked_message_is_not_screened_or_reviewed_again(
    bench: Bench, runaway_screener: list[str]
) -> None:
    assert bench.app is not None
    said = await bench.say(MAIA, POISON)
    assert runaway_screener.count(POISON) == 1 and len(to_teachers(bench)) == 1

    await bench.restart()
    again = MessagePosted(MessageRef(ROOM, said), MAIA, POISON)  # the platform hands it over again
    await bench.app.dispatcher.event(bench.chat, again)  # type: ignore[arg-type]

    assert runaway_screener.count(POISON) == 1  # not screened a second time
    assert len(to_teachers(bench)) == 1  # and not reviewed a second time
    async with bench.app.sessionmaker() as db:
        assert await db.scalar(select(func.count(Post.id))) == 1
        flag = await db.scalar(select(Flag))
        assert flag is not None and flag.state == "pending" and flag.settled


async def test_a_hundred_digit_message_is_screened_and_held_as_personal_information(
    bench: Bench,
) -> None:
    said = await bench.say(MAIA, "my code is " + "1234567890" * 10)
    assert said in hidden(bench)
    (review,) = to_teachers(bench)
    assert "Personal information" in review and "long number" in review
    assert "could not check" not in review


async def test_a_message_too_long_to_screen_in_full_is_held_with_the_reason(
    bench: Bench,
) -> None:
    # a harmless start, the part a child should not share far past the screened part
    text = "Chapter two was great. " * 200 + "my address is 12 Baker Street"
    assert len(text) > 4_000
    said = await bench.say(MAIA, text)
    assert said in hidden(bench)
    (review,) = to_teachers(bench)
    assert f"Too long to check in full ({len(text):,} characters" in review
    assert "the first 4,000" in review
    (note,) = told(bench, MAIA)
    assert "very long" in note

    fits = "Chapter two was great. " * 170  # 3,910 characters: screened in full, shown
    shown = await bench.say(NOA, fits)
    assert shown not in hidden(bench)
