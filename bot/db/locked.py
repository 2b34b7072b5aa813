"""The durable list of encrypted messages still waiting for their key (``LockedEvent``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.db.tables import LockedEvent


class LockedEvents:
    """Which messages of one platform wait for a key, and since when (the injected clock)."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], platform: str, clock: Clock
    ) -> None:
        self.sessionmaker, self.platform, self.clock = sessionmaker, platform, clock

    async def add(self, room_id: str, event_id: str) -> None:
        """Note a message waiting for its key (again is harmless: the first time stands)."""
        values = {
            "platform": self.platform,
            "event_id": event_id,
            "room_id": room_id,
            "arrived_at": self.clock.now(),
        }
        async with self.sessionmaker.begin() as db:
            insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else pg_insert
            await db.execute(insert(LockedEvent).values(values).on_conflict_do_nothing())

    async def settled(self, event_id: str) -> None:
        async with self.sessionmaker.begin() as db:
            await db.execute(
                delete(LockedEvent).where(
                    LockedEvent.platform == self.platform, LockedEvent.event_id == event_id
                )
            )

    async def waiting(self) -> list[tuple[str, str, datetime]]:
        """(room id, event id, arrived at) of every message still waiting, oldest first."""
        async with self.sessionmaker() as db:
            rows = await db.execute(
                select(LockedEvent.room_id, LockedEvent.event_id, LockedEvent.arrived_at)
                .where(LockedEvent.platform == self.platform)
                .order_by(LockedEvent.arrived_at)
            )
            return [(r.room_id, r.event_id, r.arrived_at) for r in rows]
