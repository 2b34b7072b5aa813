"""A class's book reaches screening: its characters are names there, not insults."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import pytest_asyncio

from bot.core.commands import Invocation
from bot.core.model import Attachment
from bot.db.tables import Book
from cogs.readaloud.class_book import ClassBooks
from tests.cogs.bench import ROOM, TEACHER, Bench, OpenBench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

MAIA = student("Maia")
NOW = datetime(2027, 2, 1, tzinfo=UTC)


def season(title: str, characters: list[str], start: str = "2027-03-01") -> str:
    names = ", ".join(f'"{c}"' for c in characters)
    return f"""
[book]
title = "{title}"
author = "Ruth Okafor"
chapters = 2
chapter_titles = ["Sissy Finds a Lantern", "The Mill Fire"]
characters = [{names}]

[plan]
start = {start}
weekdays = ["mon"]
time = "09:30"
"""


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    b = await open_bench(NOW)
    await b.type(f"!mod trust {MAIA.user.id} member")
    return b


async def import_season(bench: Bench, text: str) -> str:
    assert bench.app is not None
    command = bench.app.registry.commands[("readaloud", "import")]
    reply = await bench.app.dispatcher.command(
        Invocation(command, TEACHER, ROOM, {"file": Attachment("plan.toml", text)})
    )
    assert reply.text.startswith('Imported "'), reply.text
    return reply.text


def hidden(bench: Bench) -> list[str]:
    return [p.id for p in bench.chat.posts if p.action == "hide"]


async def test_a_character_of_the_class_book_is_a_name_and_the_insult_is_still_held(
    bench: Bench,
) -> None:
    before = await bench.say(MAIA, "i think sissy was the bravest")
    assert before in hidden(bench), "no book yet: the word is read as name-calling"

    await import_season(bench, season("The Lantern Girls", ["Sissy Barnes", "Sissy"]))
    named = await bench.say(MAIA, "i think sissy was the bravest")
    assert named not in hidden(bench), "the import is seen at once (the cache is forgotten)"
    aimed = await bench.say(MAIA, "ur such a sissy")
    assert aimed in hidden(bench)


async def test_the_characters_are_kept_and_exported_with_the_book(bench: Bench) -> None:
    from sqlalchemy import select

    assert bench.app is not None
    await import_season(bench, season("The Lantern Girls", ["Sissy", "Old Gus"]))
    async with bench.app.sessionmaker() as db:
        book = await db.scalar(select(Book).where(Book.title == "The Lantern Girls"))
        assert book is not None and book.characters == ["Sissy", "Old Gus"]
    exported = await bench.type("!readaloud export")
    assert exported.attachment is not None
    assert 'characters = [\n    "Sissy",\n    "Old Gus",\n]' in exported.attachment.text


async def test_the_current_book_is_the_one_whose_session_began_last(bench: Bench) -> None:
    assert bench.app is not None
    await import_season(bench, season("The Lantern Girls", ["Sissy"], start="2027-03-01"))
    books = ClassBooks(bench.clock)  # not the app's: the app's imports do not reach it
    cls = await bench.app.services.classes.find(ROOM)
    assert cls is not None
    async with bench.app.sessionmaker() as db:
        # before any session: the next one's book
        first = await books.current(db, cls.id)
        assert first is not None and first.title == "The Lantern Girls"
        assert first.characters == ("Sissy",)
        assert first.chapters == ("Sissy Finds a Lantern", "The Mill Fire")
    await import_season(bench, season("The Lantern Girls", ["Sissy", "Pip"], start="2027-03-01"))
    await import_season(bench, season("Moby Dick", ["Ishmael"], start="2027-04-05"))
    async with bench.app.sessionmaker() as db:
        cached = await books.current(db, cls.id)
        assert cached is not None and cached.characters == ("Sissy",), "no query per message"
        books.forget()
        again = await books.current(db, cls.id)
        assert again is not None and again.characters == ("Sissy", "Pip")
        # the answer holds until the next session begins; then the book is looked up again
        bench.clock.set(datetime(2027, 4, 6, tzinfo=UTC))
        later = await books.current(db, cls.id)
        assert later is not None and later.title == "Moby Dick"


async def test_a_season_file_lists_characters_and_says_what_to_type_when_wrong() -> None:
    from cogs.readaloud.season import SeasonFileError, parse_season, render_season

    parsed = parse_season(season("The Lantern Girls", ["Sissy", "Old Gus"]))
    assert parsed.book.characters == ("Sissy", "Old Gus")
    assert parse_season(render_season(parsed)) == parsed
    with pytest.raises(SeasonFileError) as caught:
        parse_season(
            season("The Lantern Girls", []).replace("characters = []", 'characters = "Sissy"')
        )
    assert 'must be a list in square brackets, like ["Pip", ...]' in caught.value.problems[0]
    too_many = season("The Lantern Girls", [f"Kid {i}" for i in range(201)])
    with pytest.raises(SeasonFileError) as caught:
        parse_season(too_many)
    assert "keep it to 200" in caught.value.problems[0]
