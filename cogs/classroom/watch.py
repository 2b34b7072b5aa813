"""Keeping the teacher room private after set-up: rooms change (a student is invited,
a channel's permissions are edited). Checked regularly; while students can read it,
no held message, question or safeguarding alert is posted there."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.dispatch import Chats
from bot.core.model import ChannelRef, Outgoing, Platform
from bot.core.ports import Chat
from bot.db.tables import Classroom

log = logging.getLogger(__name__)


def exposed_text(problem: str) -> str:
    return (
        "⚠️ Students can read this teacher room, so I have stopped posting held messages "
        f"and alerts here. {problem} I'll start again as soon as it is private."
    )


PRIVATE_AGAIN = "✅ This teacher room is private again; held messages will appear here."


class TeacherRoomWatch:
    """Which classes' teacher rooms students can read right now."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], chats: Chats) -> None:
        self.sessionmaker = sessionmaker
        self.chats = chats
        self._exposed: dict[int, str] = {}  # class id -> what is wrong

    def exposed(self, class_id: int) -> bool:
        return class_id in self._exposed

    async def check(self) -> int:
        """Look at every class's teacher room; tell its teachers when that changes.
        Returns how many rooms students can read."""
        async with self.sessionmaker() as db:
            rows = (
                await db.execute(
                    select(
                        Classroom.id,
                        Classroom.platform,
                        Classroom.channel_id,
                        Classroom.teacher_channel_id,
                    ).where(Classroom.teacher_channel_id.is_not(None))
                )
            ).all()
        for class_id, platform, room_id, teachers_id in rows:
            chat = self.chats.by_platform.get(Platform(platform))
            if chat is None:
                continue
            room = ChannelRef(Platform(platform), room_id)
            teachers = ChannelRef(Platform(platform), str(teachers_id))
            try:
                problem = await chat.private_problem(room, teachers)
            except Exception:
                log.exception("could not check the teacher room of class %s", class_id)
                continue
            was = self._exposed.get(class_id)
            if problem and was is None:
                self._exposed[class_id] = problem
                log.warning("class %s: students can read the teacher room: %s", class_id, problem)
                await self._say(chat, teachers, exposed_text(problem))
            elif not problem and was is not None:
                del self._exposed[class_id]
                await self._say(chat, teachers, PRIVATE_AGAIN)
        return len(self._exposed)

    @staticmethod
    async def _say(chat: Chat, teachers: ChannelRef, text: str) -> None:
        try:
            await chat.send(teachers, Outgoing(text, notice=False))
        except Exception:
            log.exception("could not warn the teacher room %s", teachers.id)
