"""Exactly-once posting: every outgoing post is a Delivery row with a unique key.

The key is written before the post and marked sent after it. If the bot
crashes in between, the retry uses the same key, from which the platform's
idempotency token (Matrix transaction id, Discord nonce) is derived, so the
platform drops the duplicate; the row covers gaps longer than the platform
remembers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.core.clock import Clock
from bot.core.model import ChannelRef, MessageRef
from bot.db.tables import Delivery


class Deliveries:
    """Posts each keyed message at most once, across crashes and restarts."""

    def __init__(self, sessionmaker: async_sessionmaker, clock: Clock) -> None:  # type: ignore[type-arg]
        self.sessionmaker = sessionmaker
        self.clock = clock

    async def sent(self, key: str) -> str | None:
        """The platform message id if `key` was already delivered."""
        async with self.sessionmaker() as db:
            row = await db.scalar(select(Delivery).where(Delivery.key == key))
            return row.message_id if row and row.state == "sent" else None

    async def once(
        self,
        key: str,
        channel: ChannelRef,
        post: Callable[[], Awaitable[MessageRef | None]],
    ) -> MessageRef | None:
        """Run `post` unless `key` was delivered already; return the message either way."""
        try:
            async with self.sessionmaker.begin() as db:
                row = await db.scalar(select(Delivery).where(Delivery.key == key))
                if row is not None and row.state == "sent":
                    return MessageRef(channel, row.message_id) if row.message_id else None
                if row is None:
                    db.add(
                        Delivery(
                            key=key,
                            platform=channel.platform.value,
                            channel_id=channel.id,
                            state="pending",
                            created_at=self.clock.now(),
                        )
                    )
        except IntegrityError:
            pass  # another task wrote the row first; the platform key still dedupes the post
        ref = await post()
        async with self.sessionmaker.begin() as db:
            row = await db.scalar(select(Delivery).where(Delivery.key == key))
            assert row is not None
            row.state = "sent"
            row.message_id = ref.id if ref else None
            row.sent_at = self.clock.now()
        return ref
