"""Running a read-aloud session: announcement, discussion thread, prompts at their offsets.

Each post has its own delivery key, so running a session again (after a
crash, a restart or two timers firing) only posts what is still missing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.core.ports import Chat
from bot.db.tables import Book, Plan, Prompt, Session
from bot.deliveries import Deliveries
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.readaloud.calendar import chapters_label

log = logging.getLogger(__name__)
LATE_NOTE_AFTER = timedelta(minutes=5)

PROMPT_LABELS = {
    "question": "💬 Let's discuss",
    "summary": "✍️ Summary challenge (140 characters or fewer)",
    "prediction": "🔮 Prediction",
    "poll": "📊 Poll",
}


def announce_key(session_id: int) -> str:
    return f"session:{session_id}:announce"


def prompt_key(session_id: int, prompt_id: int) -> str:
    return f"session:{session_id}:prompt:{prompt_id}"


class SessionRunner:
    """Posts whatever of a session is due and not yet posted."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        grace: timedelta = timedelta(hours=2),
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        self.grace = grace

    async def unfinished(self) -> list[tuple[int, datetime]]:
        """(session id, next time it needs attention) for every session not yet done."""
        async with self.sessionmaker() as db:
            rows = list(
                await db.scalars(select(Session).where(Session.state.in_(("planned", "running"))))
            )
            out = []
            for s in rows:
                if s.state == "planned":
                    out.append((s.id, s.starts_at))
                    continue
                pending = [
                    s.starts_at + timedelta(minutes=p.offset_minutes)
                    for p in await self._prompts(db, s)
                    if await self.deliveries.sent(prompt_key(s.id, p.id)) is None
                ]
                out.append((s.id, min(pending, default=s.starts_at)))
            return out

    async def run(self, session_id: int) -> datetime | None:
        """Post what is due of one session now; return when it next needs attention."""
        now = self.clock.now()
        async with self.sessionmaker() as db:
            s = await db.get_one(Session, session_id)
            if s.state not in ("planned", "running") or s.starts_at > now:
                return None if s.state not in ("planned", "running") else s.starts_at
            book = await db.scalar(
                select(Book).join(Plan, Plan.book_id == Book.id).where(Plan.id == s.plan_id)
            )
            assert book is not None
            prompts = await self._prompts(db, s)
        cls = await self.classes.get(s.classroom_id)
        chat = self.chats[cls.platform]
        late = now - s.starts_at
        if s.state == "planned" and late > self.grace:
            await self._missed(chat, cls, s, book.title)
            return None
        text = (
            f'📖 Read-aloud time! Today: "{book.title}", '
            f"{chapters_label(s.first_chapter, s.last_chapter)} (session {s.number}). "
            "Share your thoughts in the thread 👇"
        )
        if s.state == "planned" and late > LATE_NOTE_AFTER:
            text += " (Posted a little late — sorry!)"
        announcement = await self.deliveries.once(
            announce_key(s.id),
            cls.channel,
            lambda: chat.send(cls.channel, Outgoing(text, key=announce_key(s.id), notice=False)),
        )
        assert announcement is not None
        thread = await self._thread(chat, s, announcement, book.title)
        next_due: datetime | None = None
        for p in prompts:
            due = s.starts_at + timedelta(minutes=p.offset_minutes)
            if due > now:
                next_due = due if next_due is None else min(next_due, due)
                continue
            key = prompt_key(s.id, p.id)
            body = f"{PROMPT_LABELS.get(p.kind, '💬')}: {p.text}"
            await self.deliveries.once(
                key, thread, partial(chat.send, thread, Outgoing(body, key=key))
            )
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Session, s.id)
            row.state = "running" if next_due else "done"
        return next_due

    async def _missed(self, chat: Chat, cls: ClassInfo, s: Session, title: str) -> None:
        """Too late to post on its own: tell the teacher how to post it now instead."""
        async with self.sessionmaker.begin() as db:
            (await db.get_one(Session, s.id)).state = "missed"
        if cls.teacher_channel is None:
            return
        when = s.starts_at.astimezone(ZoneInfo(cls.timezone)).strftime("%a %d %b %H:%M")
        text = (
            f'Session {s.number} of "{title}" ({chapters_label(s.first_chapter, s.last_chapter)}, '
            f"planned for {when}) was missed while I was offline, so I did not post it late. "
            f"To post it now, type: readaloud now {s.number}"
        )
        key = f"session:{s.id}:missed"
        await self.deliveries.once(
            key,
            cls.teacher_channel,
            partial(chat.send, cls.teacher_channel, Outgoing(text, key=key)),
        )

    async def _thread(self, chat: Chat, s: Session, root: MessageRef, title: str) -> ChannelRef:
        """The session's thread, opened once and remembered on the session row."""
        if s.thread_id:
            return (
                root.channel.in_thread(s.thread_id) if root.channel.thread is None else root.channel
            )
        thread = await chat.open_thread(root, f"{title} — session {s.number}")
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Session, s.id)
            row.thread_id = thread.thread
        return thread

    @staticmethod
    async def _prompts(db: AsyncSession, s: Session) -> list[Prompt]:
        return list(
            await db.scalars(
                select(Prompt)
                .join(Plan, Plan.book_id == Prompt.book_id)
                .where(
                    Plan.id == s.plan_id,
                    Prompt.chapter >= s.first_chapter,
                    Prompt.chapter <= s.last_chapter,
                )
                .order_by(Prompt.offset_minutes, Prompt.chapter, Prompt.id)
            )
        )
