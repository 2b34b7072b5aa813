"""The bench every feature test runs on: the real App on a recording chat, its class set up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest_asyncio

from bot.core.model import UserRef
from tests.cogs.bench import CLASS_DAY, Bench, OpenBench
from tests.migrated import sqlite_at_head


@pytest_asyncio.fixture(loop_scope="session")
async def open_bench(tmp_path: Path) -> AsyncIterator[OpenBench]:
    """Opens benches on a fresh SQLite database (or `db_url`), set up as Room 12 in
    `timezone` (none: no class yet); each is stopped after the test."""
    opened: list[Bench] = []

    async def open_one(
        now: datetime = CLASS_DAY,
        timezone: str | None = "Pacific/Auckland",
        db_url: str = "",
        teachers: list[UserRef] | None = None,
    ) -> Bench:
        b = Bench(db_url or sqlite_at_head(tmp_path / "bot.db"), now, teachers)
        opened.append(b)
        await b.start()
        if timezone is not None:
            await b.type(f"!class setup timezone={timezone}")
        return b

    yield open_one
    for b in reversed(opened):
        await b.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    """Room 12 in Auckland's time, on 1 February 2027 (a module may set up its own)."""
    return await open_bench()
