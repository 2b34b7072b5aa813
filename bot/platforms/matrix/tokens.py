"""The sync token store: where this bot account's sync stopped (one row per account)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.core.clock import Clock, SystemClock
from bot.db.tables import SyncToken


class TokenStore:
    """Load and save the sync token of one Matrix account."""

    def __init__(
        self, sessionmaker: async_sessionmaker[Any], account: str, clock: Clock | None = None
    ) -> None:
        self.sessionmaker = sessionmaker
        self.account = account
        self.clock = clock or SystemClock()

    async def load(self) -> str | None:
        async with self.sessionmaker() as db:
            row = await db.get(SyncToken, self.account)
            return row.token if row else None

    async def save(self, token: str) -> None:
        """Store the token (one statement when the account has a row already)."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            stored = await db.execute(
                update(SyncToken)
                .where(SyncToken.account == self.account)
                .values(token=token, updated_at=now)
            )
            if not getattr(stored, "rowcount", 0):
                db.add(SyncToken(account=self.account, token=token, updated_at=now))
