"""A task cancelled in the middle of a statement that returns rows (the bot stopping
while a timer is claimed) must not leave SQLite locked for the next writer."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db.session import make_engine, make_sessionmaker

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_cancelled_update_returning_lets_the_next_writer_in(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'lock.db'}")
    sessions = make_sessionmaker(engine)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE bell (id INTEGER PRIMARY KEY, rang INTEGER)"))
        await conn.execute(text("INSERT INTO bell (rang) VALUES (0), (0), (0)"))

    async def claim() -> None:
        async with sessions.begin() as db:
            rows = await db.execute(text("UPDATE bell SET rang = rang + 1 RETURNING id"))
            rows.all()

    locked_after: list[int] = []
    # cancel after every number of event-loop turns: one of them falls between the
    # statement and the reading of its rows, whatever the thread's timing
    for turns in range(30):
        task = asyncio.create_task(claim())
        for _ in range(turns):
            await asyncio.sleep(0)
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        try:
            async with asyncio.timeout(3):
                async with sessions.begin() as db:
                    await db.execute(text("UPDATE bell SET rang = 0"))
        except TimeoutError:
            locked_after.append(turns)
            break
    await engine.dispose()
    assert locked_after == [], f"the database stayed locked after a cancel at turn {locked_after}"
