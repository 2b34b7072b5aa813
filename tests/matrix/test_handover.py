"""The sync token never passes a room that is still waiting for the database, while the
other rooms go on (the acknowledgement rule of the per-room workers, on real SQLite)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.core.errors import NotHandled
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.platforms.matrix.client import Batch, RoomUpdate
from bot.platforms.matrix.handover import HandOver, Part
from bot.platforms.matrix.tokens import TokenStore
from tests.migrated import sqlite_at_head

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_token_waits_for_the_slowest_room_and_the_other_rooms_do_not(
    tmp_path: Path,
) -> None:
    engine = make_engine(sqlite_at_head(tmp_path / "bot.db"))
    await upgrade(engine)
    tokens = TokenStore(make_sessionmaker(engine), "@readaloud:localhost")
    database_back = asyncio.Event()
    handled: list[str] = []

    async def room12(batch: str) -> None:  # Room 12's events meet a storage fault for now
        if not database_back.is_set():
            raise NotHandled("the database is not answering")
        handled.append(f"room12:{batch}")

    async def room14(batch: str) -> None:
        handled.append(f"room14:{batch}")

    def parts_of(batch: Batch) -> list[Part]:
        jobs = {"!room12": room12, "!room14": room14}
        return [(room, lambda r=room: jobs[r](batch.token)) for room in batch.rooms]

    handover = HandOver(tokens, parts_of, None, lambda barrier: None)
    handover.start()
    try:
        both = {"!room12": RoomUpdate([], []), "!room14": RoomUpdate([], [])}
        handover.put(Batch("s1", first=False, backlog=False, rooms=both))
        handover.put(Batch("s2", first=False, backlog=False, rooms={"!room14": both["!room14"]}))
        for _ in range(50):
            await asyncio.sleep(0.02)
        assert handled == ["room14:s1", "room14:s2"], "Room 14 did not wait for Room 12"
        assert await tokens.load() is None, "the token must not pass Room 12's events"

        database_back.set()
        for _ in range(200):
            if await tokens.load() == "s2":
                break
            await asyncio.sleep(0.05)
        assert handled[-1] == "room12:s1"
        assert await tokens.load() == "s2"
    finally:
        await handover.stop(drain=0)
        await engine.dispose()
