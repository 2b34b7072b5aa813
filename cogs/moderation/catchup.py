"""Catching up after the bot was away: what students posted in a class channel or a session
thread while the platform could not deliver it is screened like a live message.

The platform hands the messages over (`Chat.catch_up`) through the path live ones take;
this only says where to look and from which message on. Screening is idempotent per
message (a `Post` row), so a message handed over twice is handled once.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.model import ChannelRef, Platform
from bot.core.ports import Chat
from bot.db.tables import Classroom, Post, Session
from cogs.readaloud.sessions import ACTIVE

log = logging.getLogger(__name__)
LOOK_BACK = timedelta(hours=24)  # how far back a channel with no handled message is read
CLOSED_LATELY = timedelta(days=7)  # a session's thread may have closed while the bot was away


@dataclass(frozen=True)
class Place:
    """Where to look, and from where: the newest message already handled there, else a time."""

    channel: ChannelRef
    after: str | None
    since: datetime


async def catch_up(
    sessionmaker: async_sessionmaker[AsyncSession], chat: Chat, now: datetime
) -> int:
    """Have `chat` hand over what was posted in its classes while the bot was away; returns
    how many messages it handed over. One channel failing does not stop the others."""
    async with sessionmaker() as db:
        places = await _places(db, chat.platform, now)
    handed = 0
    for place in places:
        try:
            handed += await chat.catch_up(place.channel, place.after, place.since)
        except Exception:
            log.exception("could not catch up on %s", place.channel)
    return handed


async def _places(db: AsyncSession, platform: Platform, now: datetime) -> list[Place]:
    """Every class channel of `platform`, and the thread of every session that is open or
    closed lately (a message posted before the close, while the bot was away, still counts)."""
    classes = list(await db.scalars(select(Classroom).where(Classroom.platform == platform.value)))
    if not classes:
        return []
    threads = await db.execute(
        select(Session.classroom_id, Session.thread_id)
        .where(
            Session.classroom_id.in_([c.id for c in classes]),
            Session.thread_id.is_not(None),
            or_(Session.state.in_(ACTIVE), Session.starts_at >= now - CLOSED_LATELY),
        )
        .order_by(Session.starts_at)
    )
    by_class: dict[int, list[str]] = {}
    for class_id, thread in threads:
        if thread is not None:
            by_class.setdefault(class_id, []).append(thread)
    places: list[Place] = []
    for cls in classes:
        # never before the class existed: its earlier history was never the bot's to screen
        since = max(cls.created_at, now - LOOK_BACK)
        channel = ChannelRef(platform, cls.channel_id)
        for thread in [None, *by_class.get(cls.id, [])]:
            after = await newest_handled(db, cls.id, thread)
            places.append(Place(channel.in_thread(thread), after, since))
    return places


async def newest_handled(db: AsyncSession, class_id: int, thread: str | None) -> str | None:
    """The id of the student message first handled last in the class channel (or in
    `thread`): messages are handled in the order they are posted (caught up oldest first),
    and an edit, handled later, is no newer message. What a platform's ids look like is the
    platform's business: if a few handled messages are handed over again, they are handled
    before and skipped."""
    where_thread = Post.thread_id.is_(None) if thread is None else Post.thread_id == thread
    found: str | None = await db.scalar(
        select(Post.message_id)
        .where(Post.classroom_id == class_id, where_thread, Post.revision == "")
        .order_by(Post.id.desc())
        .limit(1)
    )
    return found
