"""Whether the bot is in a class room: removed (kicked), it stops posting there and tells the
teacher once; invited back, it says so and the class's sessions carry on (the read-aloud
feature wakes them again on the same events, after this)."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.events import BotRemoved, BotReturned
from bot.core.model import ChannelRef, Outgoing
from bot.db import audit
from bot.db.tables import ClassPlace, Classroom, PlaceRole
from bot.deliveries import Deliveries

log = logging.getLogger(__name__)


def removed_text(name: str) -> str:
    return (
        f"I was removed from the class room of {name or 'your class'}, so I've stopped "
        "posting sessions, prompts and approved messages there. Invite me back (and give me "
        "moderator power again) to carry on: nothing is lost, and I'll tell you here."
    )


def returned_text(name: str) -> str:
    return (
        f"I'm back in the class room of {name or 'your class'}. Sessions carry on from here; "
        "one that is too late to post on its own is offered to you here instead."
    )


class ClassPresence:
    """Keeps `Classroom.away_since` in step with the bot's membership of each class room."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock

    async def removed(self, ev: BotRemoved) -> None:
        """Mark the class away (once) and tell its teacher room once per removal."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            row = await self._class(db, ev.channel)
            if row is None or row.away_since is not None:
                return
            row.away_since = now
            audit.record(db, now, row.id, "readaloud", "class.bot_removed")
            key = f"class:{row.id}:away:{now.isoformat()}"
            name, teacher_room = row.name, row.teacher_channel_id
        log.warning("the bot was removed from class room %s", ev.channel.id)
        if teacher_room:
            await self._tell(ev.channel, teacher_room, removed_text(name), key)

    async def returned(self, ev: BotReturned) -> None:
        """Clear the away mark and wake the class's sessions again."""
        async with self.sessionmaker.begin() as db:
            row = await self._class(db, ev.channel)
            if row is None or row.away_since is None:
                return
            key = f"class:{row.id}:back:{row.away_since.isoformat()}"
            row.away_since = None
            audit.record(db, self.clock.now(), row.id, "readaloud", "class.bot_returned")
            name, teacher_room = row.name, row.teacher_channel_id
        log.info("the bot is back in class room %s", ev.channel.id)
        if teacher_room:
            await self._tell(ev.channel, teacher_room, returned_text(name), key)

    async def _tell(self, classroom: ChannelRef, teacher_room: str, text: str, key: str) -> None:
        chat = self.chats[classroom.platform]
        where = ChannelRef(classroom.platform, teacher_room)
        await self.deliveries.once(key, where, lambda: chat.send(where, Outgoing(text, key=key)))

    @staticmethod
    async def _class(db: AsyncSession, channel: ChannelRef) -> Classroom | None:
        """The class whose class room this is (a teacher room has its own watch)."""
        return await db.scalar(
            select(Classroom)
            .join(ClassPlace, ClassPlace.classroom_id == Classroom.id)
            .where(
                ClassPlace.platform == channel.platform.value,
                ClassPlace.channel_id == channel.id,
                ClassPlace.role == PlaceRole.CLASS_ROOM,
            )
        )
