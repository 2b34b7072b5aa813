"""What a teacher meets typing commands in a real class (issue 11): quotes as phones type
them, limits that say the limit, trusting only people in the class, help by task."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import pytest_asyncio
from sqlalchemy import select

from bot.core.model import Platform, UserRef
from bot.core.textcommand import parse
from bot.db.tables import Member
from tests.cogs.bench import ROOM, Bench, OpenBench, student

pytestmark = pytest.mark.asyncio

NOW = datetime(2027, 1, 25, 9, 0, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    return await open_bench(NOW)


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("!readaloud book 'Single Quotes' chapters=3", "Single Quotes"),
        ('!readaloud book "A "nested" title" chapters=3', 'A "nested" title'),
        ("!readaloud book “The Wild Robot” chapters=3", "The Wild Robot"),
        ("!readaloud book ‘Charlotte’s Web’ chapters=3", "Charlotte’s Web"),
    ],
)
async def test_a_title_in_any_quotes_a_phone_types_is_the_whole_title(
    bench: Bench, typed: str, title: str
) -> None:
    added = await bench.type(typed)
    assert f"“{title}”" in added.text or f'"{title}"' in added.text, added.text
    schedule = await bench.type("!readaloud plan start=2027-02-01 days=mon time=09:30")
    assert title in schedule.text


async def test_an_unclosed_quote_is_explained(bench: Bench) -> None:
    told = await bench.type('!readaloud book "The Lighthouse Mice chapters=3')
    assert told.private and "not closed" in told.text and "Put a matching" in told.text


@pytest.mark.parametrize(
    ("typed", "limit"),
    [
        ('!readaloud book "{long}" chapters=3', 200),
        ("!readaloud prompt 1 {long}", 1000),
        ('!class setup name="{long}"', 80),
        ('!author invite name="{long}" book="Wonder"', 80),
        ("!mod reject 1 {long}", 400),
    ],
)
async def test_a_text_over_its_limit_is_refused_saying_the_limit(
    bench: Bench, typed: str, limit: int
) -> None:
    await bench.type('!readaloud book "Wonder" chapters=3')
    long = "Lighthouse " * 300  # 3,300 characters
    told = await bench.type(typed.format(long=long.strip()))
    assert told.private and f"the most I take is {limit:,}" in told.text, told.text
    assert "Lighthouse Lighthouse" not in told.text, "the long text is not echoed back"
    schedule = await bench.type("!readaloud schedule")
    assert "Lighthouse" not in schedule.text


async def test_trusting_someone_not_in_the_class_is_refused_with_the_closest_name(
    bench: Bench,
) -> None:
    aroha = UserRef(Platform.MATRIX, "@aroha:school", "Aroha")
    bench.chat.people[ROOM.id] = [aroha, UserRef(Platform.MATRIX, "@ben:school", "Ben")]

    nobody = await bench.type("!mod trust @nobody:nowhere.example")
    assert nobody.private and "nobody:nowhere.example is not in this class" in nobody.text
    assert "now trusted" not in nobody.text and "People in this class: Aroha, Ben." in nobody.text
    typo = await bench.type("!mod trust @aroah:school")
    assert "Did you mean Aroha? Type: !mod trust @aroha:school" in typo.text

    trusted = await bench.type("!mod trust @aroha:school")
    assert "now trusted" in trusted.text
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        trust = await db.scalars(select(Member.user_id).where(Member.trust == "trusted"))
        assert list(trust) == ["@aroha:school"]


async def test_teacher_help_is_grouped_by_task_and_every_example_works_as_typed(
    bench: Bench,
) -> None:
    shown = (await bench.type("!help")).text
    headings = [line for line in shown.splitlines() if line.endswith(":")][1:]
    assert headings == [
        "Set up the class:",
        "Plan the reading:",
        "During a session:",
        "Review messages:",
        "Guest author:",
        "Read with other classes:",
    ]
    assert not re.search(r"=word|=3\b|\[|\]|@name|some text", shown), shown
    assert "author join" not in shown and "author inbox" not in shown
    examples = [line[2:].split(" — ")[0] for line in shown.splitlines() if line.startswith("• ")]
    assert len(examples) >= 25
    assert bench.app is not None
    for typed in examples:  # every example parses with the real parser
        if "(upload" not in typed:
            parse(bench.app.registry, typed, "!", lambda raw: UserRef(Platform.MATRIX, raw, raw))
    # and the planning ones are accepted by the bot, in the order a teacher would go
    for typed in examples[1:2] + examples[5:7] + examples[8:10]:
        reply = await bench.type(typed)
        assert not reply.private, f"{typed} was refused: {reply.text}"


async def test_help_mod_narrows_to_the_mod_commands(bench: Bench) -> None:
    shown = (await bench.type("!help mod")).text
    commands = [line.split(" ")[1] for line in shown.splitlines() if line.startswith("• ")]
    assert set(commands) == {"!mod"} and len(commands) == 12
    assert "Review messages:" in shown and "Plan the reading:" not in shown
    unknown = (await bench.type("!help bananas")).text
    assert "!help plan" in unknown and "!help mod" in unknown


async def test_a_students_help_never_lists_teacher_or_author_commands(bench: Bench) -> None:
    shown = (await bench.type("!help", student("Aroha"))).text
    assert "!ask Why did the keeper live alone?" in shown and "!readaloud schedule" in shown
    assert "author join" not in shown and "!mod" not in shown and "=" not in shown
