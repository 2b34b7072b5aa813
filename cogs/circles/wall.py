"""The circle's wall: the summaries and predictions partner classes shared into a class's
session, for its teacher in one post when the session closes (next to the digest)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.dispatch import Chats
from bot.core.model import Outgoing
from bot.db.tables import CircleCopy, CirclePost, Plan, Session
from bot.deliveries import Deliveries
from bot.timers import Timers
from cogs.circles import copies as states
from cogs.circles import sharing_texts as texts
from cogs.classroom.service import ClassroomService

KIND = "circles.wall"  # timer key: the session


class Wall:
    """Collects what partner classes' students summarised and predicted, per session."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        timers: Timers,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.timers = timers

    async def later(self, class_id: int, thread_id: str | None) -> None:
        """A summary or prediction reached the class's session thread: its wall is posted
        when the session's discussion closes (set once; the same time again is harmless)."""
        if thread_id is None:
            return
        async with self.sessionmaker() as db:
            found = (
                await db.execute(
                    select(Session.id, Session.starts_at, Plan.window_minutes)
                    .join(Plan, Plan.id == Session.plan_id)
                    .where(Session.classroom_id == class_id, Session.thread_id == thread_id)
                )
            ).first()
        if found is not None:
            session_id, starts_at, window = found
            await self.timers.set(KIND, str(session_id), starts_at + timedelta(minutes=window))

    async def post(self, session_id: int) -> None:
        """The wall, once, in the class's teacher room."""
        async with self.sessionmaker() as db:
            s = await db.get(Session, session_id)
            if s is None or s.thread_id is None:
                return
            rows = list(
                await db.execute(
                    select(CirclePost)
                    .join(CircleCopy, CircleCopy.post_id == CirclePost.id)
                    .where(
                        CircleCopy.classroom_id == s.classroom_id,
                        CircleCopy.thread_id == s.thread_id,
                        CircleCopy.state == states.DELIVERED,
                        CirclePost.kind.in_(states.WALL),
                    )
                    .order_by(CirclePost.kind, CirclePost.id)
                )
            )
        cls = await self.classes.get(s.classroom_id)
        if not rows or cls.teacher_channel is None:
            return
        # a student's latest answer to the prompt is their entry (as in the class's digest)
        latest = {(p.kind, p.from_class, p.first_name): p for (p,) in rows}
        lines = [
            texts.wall_line(p.kind, p.first_name, p.class_label, p.text) for p in latest.values()
        ]
        key = f"circles:wall:{session_id}"
        chat = self.chats[cls.platform]
        out = Outgoing(texts.wall(s.first_chapter, s.last_chapter, lines), key=key)
        await self.deliveries.once(
            key, cls.teacher_channel, partial(chat.send, cls.teacher_channel, out)
        )
