"""Shared fixtures: a fresh database on SQLite and, when DATABASE_URL is set, PostgreSQL."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from bot.db.session import normalize_url

BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("DATABASE_URL") else [])


async def _fresh_postgres() -> tuple[str, str]:
    import asyncpg

    admin = os.environ["DATABASE_URL"]
    name = f"readaloud_test_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(admin.replace("+asyncpg", ""))
    await conn.execute(f'CREATE DATABASE "{name}"')
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
