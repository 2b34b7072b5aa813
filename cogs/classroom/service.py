"""Classes: making a channel a class, finding the class of a channel, members and trust."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.commands import parse_timezone
from bot.core.dispatch import Chats
from bot.core.errors import UserError
from bot.core.model import Actor, ChannelRef, Platform, UserRef
from bot.db import audit
from bot.db.tables import ClassPlace, Classroom, Member, PlaceRole

TRUST_LEVELS = ("new", "member", "trusted")


@dataclass(frozen=True)
class ClassInfo:
    """What a command needs to know about a class."""

    id: int
    platform: Platform
    channel: ChannelRef
    name: str
    timezone: str
    teacher_channel: ChannelRef | None

    @classmethod
    def of(cls, row: Classroom) -> ClassInfo:
        p = Platform(row.platform)
        return cls(
            id=row.id,
            platform=p,
            channel=ChannelRef(p, row.channel_id),
            name=row.name,
            timezone=row.timezone,
            teacher_channel=ChannelRef(p, row.teacher_channel_id)
            if row.teacher_channel_id
            else None,
        )


def closest_member(wanted: UserRef, people: list[UserRef]) -> UserRef | None:
    """The class member whose name or id is most like the one typed (a typo, a wrong
    server), or None when nobody is close."""
    typed = wanted.id.removeprefix("@").split(":", 1)[0].casefold()
    names: dict[str, UserRef] = {}
    for p in people:
        names.setdefault(p.id.removeprefix("@").split(":", 1)[0].casefold(), p)
        if p.name:
            names.setdefault(p.name.casefold(), p)
    found = difflib.get_close_matches(typed, list(names), n=1, cutoff=0.5)
    return names[found[0]] if found else None


def not_a_class(prefix: str) -> UserError:
    return UserError(
        "This room is not a class yet. A teacher can make it one with "
        f"{prefix}class setup timezone=Pacific/Auckland"
    )


class ClassroomService:
    """Creates classes and answers 'which class is this channel?'."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], chats: Chats, clock: Clock):
        self.sessionmaker = sessionmaker
        self.chats = chats
        self.clock = clock
        self._retime: list[Callable[[int, str, str], Awaitable[object]]] = []
        # teacher rooms by class, kept from every lookup: reachable while the database is not
        self.known_teacher_rooms: dict[int, ChannelRef] = {}

    def on_timezone_change(self, listener: Callable[[int, str, str], Awaitable[object]]) -> None:
        """Be told (class id, old zone, new zone) when a class moves to another timezone."""
        self._retime.append(listener)

    async def setup(
        self,
        channel: ChannelRef,
        actor: Actor,
        timezone: str,
        name: str = "",
        teacher_channel: ChannelRef | None = None,
    ) -> tuple[ClassInfo, bool]:
        """Make `channel` a class (or update it) with a private teacher channel.

        A teacher channel the teacher names is checked: if students could read it,
        nothing changes and the error says exactly how to fix it. Without one, a
        private channel is created once. Returns the class and whether the teacher
        channel was created now.
        """
        timezone = parse_timezone(timezone)
        room = channel.room
        old_timezone = timezone
        if teacher_channel is not None:
            if teacher_channel.id == room.id:
                raise UserError("The teacher channel must be a different, private channel.")
            problem = await self.chats[room.platform].private_problem(room, teacher_channel)
            if problem:
                raise UserError(problem)
        async with self.sessionmaker.begin() as db:
            row = await self._row(db, room.platform, room.id)
            if row is not None and row.teacher_channel_id == room.id:
                raise UserError(
                    "This is the private teacher room. Run class setup in the class room."
                )
            if teacher_channel is not None:
                taken = await self._row(db, room.platform, teacher_channel.id)
                if taken is not None and (row is None or taken.id != row.id):
                    raise UserError("That channel already belongs to another class.")
            if row is None:
                row = Classroom(
                    platform=room.platform.value,
                    channel_id=room.id,
                    name=name or "Our class",
                    timezone=timezone,
                    created_at=self.clock.now(),
                )
                db.add(row)
                await db.flush()
                db.add(_place(row, room.id, PlaceRole.CLASS_ROOM))
            else:
                old_timezone = row.timezone
                row.timezone = timezone
                row.name = name or row.name
            if teacher_channel is not None:
                await _move_teacher_room(db, row, teacher_channel.id)
                row.teacher_channel_exposed = None  # checked just now
            await db.flush()
            audit.record(
                db, self.clock.now(), row.id, actor.user.id, "class.setup", timezone=timezone
            )
            class_id, has_teacher_room, class_name = row.id, bool(row.teacher_channel_id), row.name
        if old_timezone != timezone:  # planned sessions keep their local times
            for listener in self._retime:
                await listener(class_id, old_timezone, timezone)
        created = False
        if not has_teacher_room:
            chat = self.chats[room.platform]
            teachers = await chat.teachers(room)
            if actor.user.id not in {t.id for t in teachers}:
                teachers.append(actor.user)
            teacher_room = await chat.create_teacher_channel(
                room, f"{class_name} — teachers", teachers
            )
            async with self.sessionmaker.begin() as db:
                row = await db.get_one(Classroom, class_id)
                await _move_teacher_room(db, row, teacher_room.id)
            created = True
        info = await self.find(room)
        assert info is not None
        return info, created

    async def find(self, channel: ChannelRef) -> ClassInfo | None:
        """The class this channel (or its teacher channel) belongs to."""
        async with self.sessionmaker() as db:
            row = await self._row(db, channel.platform, channel.id)
        if row is None:
            return None
        info = ClassInfo.of(row)
        if info.teacher_channel is not None:
            self.known_teacher_rooms[info.id] = info.teacher_channel
        return info

    async def remember_teacher_rooms(self) -> None:
        """Load every class's teacher room (at start), for telling teachers about outages."""
        async with self.sessionmaker() as db:
            for row in await db.scalars(select(Classroom)):
                info = ClassInfo.of(row)
                if info.teacher_channel is not None:
                    self.known_teacher_rooms[info.id] = info.teacher_channel

    async def require(self, channel: ChannelRef, prefix: str = "!") -> ClassInfo:
        """Like find, but a UserError explaining how to set the class up."""
        info = await self.find(channel)
        if info is None:
            raise not_a_class(prefix)
        return info

    async def get(self, class_id: int) -> ClassInfo:
        async with self.sessionmaker() as db:
            return ClassInfo.of(await db.get_one(Classroom, class_id))

    async def member(self, db: AsyncSession, class_id: int, user: UserRef) -> Member:
        """The member row for a person, created as 'new' the first time they appear."""
        row = await db.scalar(
            select(Member).where(Member.classroom_id == class_id, Member.user_id == user.id)
        )
        if row is None:
            row = Member(
                classroom_id=class_id, user_id=user.id, display_name=user.name, trust="new"
            )
            db.add(row)
            await db.flush()
        elif user.name and row.display_name != user.name:
            row.display_name = user.name
        return row

    @staticmethod
    async def known(db: AsyncSession, class_id: int, user: UserRef) -> bool:
        """Whether the class has seen this person (a member row: they posted, or were set)."""
        row = await db.scalar(
            select(Member.id).where(Member.classroom_id == class_id, Member.user_id == user.id)
        )
        return row is not None

    async def set_trust(self, class_id: int, user: UserRef, level: str, actor: Actor) -> None:
        """Set a student's trust level; recorded in the audit log."""
        if level not in TRUST_LEVELS:
            raise UserError(f"level must be one of: {', '.join(TRUST_LEVELS)}")
        async with self.sessionmaker.begin() as db:
            row = await self.member(db, class_id, user)
            old, row.trust = row.trust, level
            audit.record(
                db,
                self.clock.now(),
                class_id,
                actor.user.id,
                "member.trust",
                user=user.id,
                old=old,
                new=level,
            )

    @staticmethod
    async def _row(db: AsyncSession, platform: Platform, channel_id: str) -> Classroom | None:
        """The class one of whose places (class room, teacher room) this room is."""
        return await db.scalar(
            select(Classroom)
            .join(ClassPlace, ClassPlace.classroom_id == Classroom.id)
            .where(ClassPlace.platform == platform.value, ClassPlace.channel_id == channel_id)
        )


def _place(row: Classroom, channel_id: str, role: PlaceRole) -> ClassPlace:
    return ClassPlace(classroom_id=row.id, platform=row.platform, channel_id=channel_id, role=role)


async def _move_teacher_room(db: AsyncSession, row: Classroom, channel_id: str) -> None:
    """The class's teacher room is now `channel_id` (its place row, and the old column)."""
    if row.teacher_channel_id == channel_id:
        return
    await db.execute(
        delete(ClassPlace).where(
            ClassPlace.classroom_id == row.id, ClassPlace.role == PlaceRole.TEACHER_ROOM
        )
    )
    row.teacher_channel_id = channel_id
    db.add(_place(row, channel_id, PlaceRole.TEACHER_ROOM))
