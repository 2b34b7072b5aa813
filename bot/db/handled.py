"""The durable record of incoming events the bot has acted on (``HandledEvent`` rows)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.db.tables import HandledEvent

KEEP = timedelta(days=14)  # longer than any history a rejoin or catch-up brings back


class HandledEvents:
    """Which events of one platform were acted on; written in one statement per batch."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        platform: str,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.platform = platform
        self.clock = clock  # the injected clock: recorded and forgotten by the same time

    async def which(self, event_ids: Iterable[str]) -> set[str]:
        """The ids among `event_ids` that were handled before."""
        ids = list(event_ids)
        if not ids:
            return set()
        async with self.sessionmaker() as db:
            rows = await db.scalars(
                select(HandledEvent.event_id).where(
                    HandledEvent.platform == self.platform, HandledEvent.event_id.in_(ids)
                )
            )
            return set(rows)

    async def record(self, event_ids: Iterable[str]) -> None:
        """Mark events handled (again is harmless)."""
        now = self.clock.now()
        values = [{"platform": self.platform, "event_id": e, "at": now} for e in event_ids]
        if not values:
            return
        async with self.sessionmaker.begin() as db:
            dialect = db.get_bind().dialect.name
            insert = sqlite_insert if dialect == "sqlite" else pg_insert
            await db.execute(insert(HandledEvent).values(values).on_conflict_do_nothing())

    async def purge(self) -> int:
        """Forget events older than the longest history that can come back."""
        async with self.sessionmaker.begin() as db:
            result = await db.execute(
                delete(HandledEvent).where(HandledEvent.at < self.clock.now() - KEEP)
            )
            return int(getattr(result, "rowcount", 0) or 0)
