"""The sync token store: where this bot account's sync stopped (one row per account)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.db.tables import SyncToken


class TokenStore:
    """Load and save the sync token of one Matrix account."""

    def __init__(self, sessionmaker: async_sessionmaker[Any], account: str) -> None:
        self.sessionmaker = sessionmaker
        self.account = account

    async def load(self) -> str | None:
        async with self.sessionmaker() as db:
            row = await db.get(SyncToken, self.account)
            return row.token if row else None

    async def save(self, token: str) -> None:
        async with self.sessionmaker.begin() as db:
            row = await db.get(SyncToken, self.account)
            now = datetime.now(UTC)
            if row is None:
                db.add(SyncToken(account=self.account, token=token, updated_at=now))
            else:
                row.token, row.updated_at = token, now
