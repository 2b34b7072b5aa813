"""Shared fixtures: a fresh database on SQLite and, when DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.db.session import normalize_url
from bot.localserver import LocalHomeserver
from tests.matrix.people import Person, PersonFactory, unique
from tests.migrated import migrate, sqlite_at_head

ROOT = Path(__file__).resolve().parents[1]

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])


async def _fresh_postgres(template: str = "") -> tuple[str, str]:
    """A new database with a name of its own (other test runs share the server)."""
    import asyncpg

    admin = os.environ["DATABASE_URL"]
    name = f"readaloud_test_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    copy = f' TEMPLATE "{template}"' if template else ""
    await conn.execute(f'CREATE DATABASE "{name}"{copy}')
    # a commit need not wait for the disk (3-4 ms each here): nothing tests a server crash
    await conn.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')
    await conn.close()
    base = admin.rsplit("/", 1)[0]
    return normalize_url(f"{base}/{name}"), name


async def _drop_postgres(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(os.environ["DATABASE_URL"].replace("+asyncpg", ""))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


@pytest_asyncio.fixture(params=BACKENDS, loop_scope="session")
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each available backend."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'readaloud.db'}"
        return
    url, name = await _fresh_postgres()
    try:
        yield url
    finally:
        await _drop_postgres(name)


@pytest_asyncio.fixture(loop_scope="session", scope="session")
async def postgres_at_head() -> AsyncIterator[str]:
    """The name of this test process's PostgreSQL database at the newest migration, which
    `migrated_database_url` copies (nothing connects to it otherwise); "" without one."""
    if not os.environ.get("DATABASE_URL"):
        yield ""
        return
    url, name = await _fresh_postgres()
    try:
        await migrate(url)
        yield name
    finally:
        await _drop_postgres(name)


@pytest_asyncio.fixture(params=BACKENDS, loop_scope="session")
async def migrated_database_url(
    request: pytest.FixtureRequest, tmp_path: Path, postgres_at_head: str
) -> AsyncIterator[str]:
    """A database at the newest migration on each available backend (a copy of a template
    migrated once per test process), for tests that are not about migrating."""
    if request.param == "sqlite":
        yield sqlite_at_head(tmp_path / "readaloud.db")
        return
    url, name = await _fresh_postgres(template=postgres_at_head)
    try:
        yield url
    finally:
        await _drop_postgres(name)


# ---- one real Synapse for the whole test session, started when a test needs it ----


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


@pytest_asyncio.fixture(loop_scope="session")
async def e2e_people(synapse: LocalHomeserver, tmp_path: Path) -> AsyncIterator[PersonFactory]:
    """Like `people`, with E2E-enabled clients, each keeping its own crypto store."""
    made: list[Person] = []

    async def make(name: str, display_name: str | None = None) -> Person:
        localpart = unique(name)
        store = tmp_path / "people-crypto" / localpart
        person = await Person.register(synapse, localpart, display_name or name.title(), store)
        made.append(person)
        return person

    yield make
    for person in made:
        await person.close()
