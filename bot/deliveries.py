"""Exactly-once posting: every outgoing post is a Delivery row with a unique key.

The row is written, as sent, right after the post. If the bot crashes in
between, the retry uses the same key, from which the platform's idempotency
token (Matrix transaction id, Discord nonce) is derived, so the platform
drops the duplicate; the row covers gaps longer than the platform remembers.
A feature that needs a domain fact about the post (which prompt a message is)
writes it with `also`, in the same transaction as the row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.model import ChannelRef, MessageRef
from bot.db.tables import Delivery

# writes the domain rows about a post (db, the post, when), with its delivery row
Also = Callable[[AsyncSession, ChannelRef, MessageRef | None, datetime], Awaitable[None]]


class Deliveries:
    """Posts each keyed message at most once, across crashes and restarts."""

    def __init__(self, sessionmaker: async_sessionmaker, clock: Clock) -> None:  # type: ignore[type-arg]
        self.sessionmaker = sessionmaker
        self.clock = clock

    async def sent(self, key: str) -> str | None:
        """The platform message id if `key` was already delivered."""
        async with self.sessionmaker() as db:
            row = await db.scalar(select(Delivery).where(Delivery.key == key))
            return row.message_id if row else None

    async def once(
        self,
        key: str,
        channel: ChannelRef,
        post: Callable[[], Awaitable[MessageRef | None]],
        after: Callable[[], Awaitable[object]] | None = None,
        also: Also | None = None,
    ) -> MessageRef | None:
        """Run `post` unless `key` was delivered already; return the message either way.
        With `after`, the post waits until `after()` returns (what must reach the platform
        first is still on its way; everything else is ready by then). With `also`, the
        domain rows about the post are written in the same transaction as its record."""
        async with self.sessionmaker() as db:
            row = (await db.execute(select(Delivery.message_id).where(Delivery.key == key))).first()
        if row is not None:
            return MessageRef(channel, row.message_id) if row.message_id else None
        if after is not None:
            await after()
        ref = await post()
        await self.record(key, channel, ref, also)
        return ref

    async def record(
        self, key: str, channel: ChannelRef, ref: MessageRef | None, also: Also | None = None
    ) -> None:
        """Mark `key` as delivered as `ref` (also while the post is still being finished,
        as a poll whose options are being added); `also` writes with it (see `once`)."""
        now = self.clock.now()
        values = {
            "key": key,
            "platform": channel.platform.value,
            "channel_id": channel.id,
            "message_id": ref.id if ref else None,
            "created_at": now,
            "sent_at": now,
        }
        async with self.sessionmaker.begin() as db:
            insert = sqlite_insert if db.bind.dialect.name == "sqlite" else pg_insert
            stmt = insert(Delivery).values(**values)
            await db.execute(
                stmt.on_conflict_do_update(
                    index_elements=[Delivery.key],
                    set_={"message_id": stmt.excluded.message_id, "sent_at": stmt.excluded.sent_at},
                )
            )
            if also is not None:
                await also(db, channel, ref, now)
