"""Keeping the teacher room private after set-up: rooms change (a student is invited,
a channel's permissions are edited, a teacher is demoted in the class). Checked at start,
whenever the platform says a class's room changed (`RoomChanged`), and hourly in case a
change went unseen; anyone there who is not a teacher of the class now is removed, and while
students can still read it, no held message, question or safeguarding alert is posted
there. What the last check found is kept in the database, so after a restart an exposed
room stays paused, and every room waits for its first check before anything is posted."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock, SystemClock
from bot.core.dispatch import Chats
from bot.core.model import ChannelRef, Outgoing, Platform, Role, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Classroom

log = logging.getLogger(__name__)


def exposed_text(problem: str) -> str:
    return (
        "⚠️ Students can read this teacher room, so I have stopped posting held messages "
        f"and alerts here. {problem} I'll start again as soon as it is private."
    )


def removed_text(name: str) -> str:
    return (
        f"I removed {name} from this teacher room: they are not a teacher in the class "
        "room (any more). If they should be here, make them a teacher there and invite "
        "them back."
    )


PRIVATE_AGAIN = "✅ This teacher room is private again; held messages will appear here."
REMOVED_REASON = "Only the class's teachers may be in its teacher room."


class TeacherRoomWatch:
    """Which classes' teacher rooms students can read (or were not checked yet)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        chats: Chats,
        clock: Clock | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.chats = chats
        self.clock = clock or SystemClock()
        self._exposed: dict[int, str] = {}  # class id -> what is wrong
        self._unchecked: set[int] = set()  # not looked at since the start
        self._loaded = False
        self._postable: list[Callable[[], Awaitable[object]]] = []

    def exposed(self, class_id: int) -> bool:
        """True while students can read the class's teacher room, and until it was checked."""
        return not self._loaded or class_id in self._exposed or class_id in self._unchecked

    def on_postable(self, listener: Callable[[], Awaitable[object]]) -> None:
        """Be told after a check that let posting into some teacher room start again."""
        self._postable.append(listener)

    async def load(self) -> None:
        """What the last check found, before anything can be posted (at start)."""
        async with self.sessionmaker() as db:
            rows = (
                await db.execute(
                    select(Classroom.id, Classroom.teacher_channel_exposed).where(
                        Classroom.teacher_channel_id.is_not(None)
                    )
                )
            ).all()
        self._exposed = {class_id: problem for class_id, problem in rows if problem}
        self._unchecked = {class_id for class_id, _ in rows}
        self._loaded = True

    async def check(self, platform: Platform | None = None, room: ChannelRef | None = None) -> int:
        """Look at every class's teacher room (on one platform, if given; of the class whose
        class room or teacher room `room` is, if given): remove who is no teacher of the
        class, tell its teachers when its privacy changes. Returns how many rooms students
        can read."""
        if not self._loaded:
            await self.load()
        async with self.sessionmaker() as db:
            query = select(
                Classroom.id, Classroom.platform, Classroom.channel_id, Classroom.teacher_channel_id
            ).where(Classroom.teacher_channel_id.is_not(None))
            if room is not None:
                platform = room.platform
                query = query.where(
                    (Classroom.channel_id == room.id) | (Classroom.teacher_channel_id == room.id)
                )
            if platform is not None:
                query = query.where(Classroom.platform == platform.value)
            rows = (await db.execute(query)).all()
        postable = False
        for class_id, platform_name, room_id, teachers_id in rows:
            chat = self.chats.by_platform.get(Platform(platform_name))
            if chat is None:
                continue
            room = ChannelRef(Platform(platform_name), room_id)
            teachers = ChannelRef(Platform(platform_name), str(teachers_id))
            await self._remove_outsiders(chat, class_id, room, teachers)
            try:
                problem = await chat.private_problem(room, teachers)
            except Exception:
                log.exception("could not check the teacher room of class %s", class_id)
                continue  # not known: stays as it was (paused if never checked)
            postable |= await self._found(chat, class_id, teachers, problem)
        if postable:
            for listener in self._postable:
                await listener()
        return len(self._exposed)

    async def _found(
        self, chat: Chat, class_id: int, teachers: ChannelRef, problem: str | None
    ) -> bool:
        """Record one check's result; True if posting there may start now."""
        was = self._exposed.get(class_id)
        first = class_id in self._unchecked
        self._unchecked.discard(class_id)
        if problem and was is None:
            self._exposed[class_id] = problem
            await self._store(class_id, problem)
            log.warning("class %s: students can read the teacher room: %s", class_id, problem)
            await self._say(chat, teachers, exposed_text(problem))
        elif not problem and was is not None:
            del self._exposed[class_id]
            await self._store(class_id, None)
            await self._say(chat, teachers, PRIVATE_AGAIN)
            return True
        return first and not problem

    async def _remove_outsiders(
        self, chat: Chat, class_id: int, room: ChannelRef, teachers: ChannelRef
    ) -> None:
        """Take out of the teacher room everyone the class room does not make a teacher now."""
        try:
            readers = await chat.readers(teachers)
        except Exception:
            log.exception("could not list who is in the teacher room of class %s", class_id)
            return
        for person in readers:
            try:
                if await chat.role(room, person) >= Role.TEACHER:
                    continue
                await chat.remove(teachers, person, REMOVED_REASON)
            except Exception as e:  # the check that follows pauses the room if they stay
                log.warning("could not remove %s from teacher room %s: %s", person.id, teachers, e)
                continue
            log.info("class %s: removed %s from the teacher room", class_id, person.id)
            await self._record_removal(class_id, person)
            await self._say(chat, teachers, removed_text(person.label))

    async def _store(self, class_id: int, problem: str | None) -> None:
        async with self.sessionmaker.begin() as db:
            row = await db.get(Classroom, class_id)
            if row is not None:
                row.teacher_channel_exposed = problem

    async def _record_removal(self, class_id: int, person: UserRef) -> None:
        async with self.sessionmaker.begin() as db:
            audit.record(
                db, self.clock.now(), class_id, "readaloud", "teacher_room.removed", user=person.id
            )

    @staticmethod
    async def _say(chat: Chat, teachers: ChannelRef, text: str) -> None:
        try:
            await chat.send(teachers, Outgoing(text, notice=False))
        except Exception:
            log.exception("could not warn the teacher room %s", teachers.id)
