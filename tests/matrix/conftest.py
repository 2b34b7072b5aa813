"""One real Synapse for the whole test session, and people to talk to the bot."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from people import Person, PersonFactory, unique

from bot.localserver import LocalHomeserver

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def synapse_installed(tmp_path_factory: pytest.TempPathFactory) -> LocalHomeserver:
    """A LocalHomeserver with its virtualenv in place (installed on a fresh checkout)."""
    hs = LocalHomeserver(tmp_path_factory.mktemp("synapse"), venv=ROOT / "var" / "synapse-venv")
    hs.ensure_installed()
    return hs


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def synapse(synapse_installed: LocalHomeserver) -> AsyncIterator[LocalHomeserver]:
    """The session's running homeserver."""
    async with synapse_installed as hs:
        yield hs


@pytest_asyncio.fixture(loop_scope="session")
async def people(synapse: LocalHomeserver) -> AsyncIterator[PersonFactory]:
    """`await people("ana")` → a fresh registered Person (closed after the test)."""
    made: list[Person] = []

    async def make(name: str, display_name: str | None = None) -> Person:
        person = await Person.register(synapse, unique(name), display_name or name.title())
        made.append(person)
        return person

    yield make
    for person in made:
        await person.close()
