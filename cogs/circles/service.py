"""Circles: classes on any platform of this installation reading one book together.

A teacher makes a circle for the class's current book and gets one-time join codes
(shown only in the teacher room; only a sha256 hash is stored, as for author invites);
another class's teacher joins with one. What a circle knows of a class is what a guest
author knows: its display name and region (its class profile), never a student.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.errors import NotAllowed, UserError
from bot.core.model import Outgoing
from bot.db import audit
from bot.db.states import CopyState
from bot.db.tables import (
    Circle,
    CircleCode,
    CircleCopy,
    CircleMember,
    ClassProfile,
    Classroom,
    Session,
)
from bot.deliveries import Deliveries
from bot.screening import Book
from bot.secret_codes import code_hash, new_code
from cogs.circles import texts
from cogs.classroom.calls import ClassCall
from cogs.classroom.service import ClassroomService

log = logging.getLogger(__name__)
PREFIX = "RC"  # circle codes: RC-7KQ2-M9XD (author invites are RA-…)
CODE_DAYS = 7
NAME_CHARS = 80
CurrentBook = Callable[[AsyncSession, int], Awaitable[Book | None]]


@dataclass(frozen=True)
class Made:
    """A new join code (shown once, in the teacher room)."""

    code: str
    circle: str
    book: str
    expires_at: datetime
    in_teacher_room: bool  # False: the code was posted in the teacher room instead


@dataclass(frozen=True)
class MemberClass:
    """A class of a circle, as the other teachers see it."""

    label: str  # display name (region)
    display_name: str
    platform: str
    chapter: str
    creator: bool


@dataclass(frozen=True)
class Members:
    circle: str
    book: str
    classes: list[MemberClass]


def hashed(code: str) -> str:
    return code_hash(code, PREFIX)


class Circles:
    """Forming circles: create, codes, join, members, leave, remove."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        current_book: CurrentBook,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.current_book = current_book
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock

    async def create(self, call: ClassCall, name: str) -> Made:
        """A circle for the class's current book, with its first join code."""
        name, now = name.strip()[:NAME_CHARS], self.clock.now()
        if not name:
            raise UserError(
                f"Give the circle a name, e.g. `{call.prefix}circle create Lighthouse`."
            )
        try:
            circle_id = await self._make(call, name, now)
        except IntegrityError:  # the class's other `circle create` (or a join) won the race
            raise UserError(
                f"Your class just joined a circle. Type `{call.prefix}circle list` to see it."
            ) from None
        return await self._new_code(call, circle_id)

    async def _make(self, call: ClassCall, name: str, now: datetime) -> int:
        async with self.sessionmaker.begin() as db:
            if (current := await self.circle_of(db, call.class_id)) is not None:
                raise UserError(
                    f"Your class is already in the circle “{current.name}”. Type "
                    f"`{call.prefix}circle list` to see it, or `{call.prefix}circle leave` first."
                )
            book = await self.current_book(db, call.class_id)
            if book is None:
                raise UserError(
                    "A circle reads your class's book, and your class has none yet. Add it "
                    f'first: `{call.prefix}readaloud book "Title" chapters=N`, then '
                    f"`{call.prefix}readaloud plan …`."
                )
            circle = Circle(
                name=name, book_title=book.title[:255], creator_classroom_id=call.class_id,
                created_at=now,
            )  # fmt: skip
            db.add(circle)
            await db.flush()
            db.add(CircleMember(circle_id=circle.id, classroom_id=call.class_id, joined_at=now))
            audit.record(db, now, call.class_id, call.actor.user.id, "circle.create", name=name)
            await db.flush()  # the one-circle-per-class constraint speaks here
            return int(circle.id)

    async def code(self, call: ClassCall) -> Made:
        """Another one-time join code for the circle this class made."""
        async with self.sessionmaker() as db:
            circle = await self.circle_of(db, call.class_id)
            if circle is None or circle.creator_classroom_id != call.class_id:
                raise NotAllowed(
                    "Only the class that made a circle gives out its codes. Make your own with "
                    f"`{call.prefix}circle create NAME`."
                )
            circle_id = circle.id
        return await self._new_code(call, circle_id)

    async def _new_code(self, call: ClassCall, circle_id: int) -> Made:
        code, now = new_code(PREFIX), self.clock.now()
        expires = now + timedelta(days=CODE_DAYS)
        async with self.sessionmaker.begin() as db:
            circle = await db.get_one(Circle, circle_id)
            db.add(CircleCode(code_hash=hashed(code), circle_id=circle_id, expires_at=expires))
            audit.record(
                db, now, call.class_id, call.actor.user.id, "circle.code", circle=circle_id
            )
            made = Made(code, circle.name, circle.book_title, expires, call.in_teacher_room)
        if not made.in_teacher_room:  # students may see a reply in the class room
            text = texts.code_for_teachers(code, made.circle, made.book, expires, call.prefix)
            await self.tell(call.class_id, f"circles:code:{hashed(code)[:16]}", text)
        return made

    async def join(self, call: ClassCall, code: str) -> str:
        """Join the circle of a one-time code; refused codes say what to do instead."""
        now, p = self.clock.now(), call.prefix
        async with self.sessionmaker.begin() as db:
            row = await db.scalar(select(CircleCode).where(CircleCode.code_hash == hashed(code)))
            if row is None:
                raise UserError(
                    "I don't know that circle code. Check it with the teacher who made the "
                    f"circle: {texts.LOOKS_LIKE}."
                )
            if row.used_at is not None:
                raise UserError(
                    "That circle code was already used (each code works once). Please ask "
                    f"the circle's teacher for a new one: they type `{p}circle code`."
                )
            if row.expires_at <= now:
                raise UserError(
                    f"That circle code expired on {row.expires_at:%d %b %Y}. Please ask the "
                    f"circle's teacher for a new one: they type `{p}circle code`."
                )
            circle = await db.get_one(Circle, row.circle_id)
            current = await self.circle_of(db, call.class_id)
            if current is not None and call.in_class_room:
                row.used_at = now  # shown where students read: nobody may use it now
        if current is not None:  # (after the cancelled code was stored)
            if current.id == circle.id:
                raise UserError(f"Your class is already in the circle “{circle.name}”.")
            raise UserError(
                f"Your class is already in the circle “{current.name}”. Type "
                f"`{p}circle leave` first, then ask for a new code."
            )
        try:
            joined = await self._claim_and_join(call, row.id, circle.id, now)
        except IntegrityError:  # a join of this class racing this one won (one circle each)
            raise UserError(
                f"Your class just joined a circle. Type `{p}circle list` to see which."
            ) from None
        label, others, name, book, ours = joined
        for class_id in others:
            if class_id != call.class_id:
                key = f"circles:joined:{row.id}:{class_id}"
                await self.tell(class_id, key, texts.joined_for_teachers(label, name))
        return (
            f"🔗 Your class joined the circle “{name}”, reading “{book}”. "
            f"`{p}circle list` shows its classes." + texts.other_book(book, ours, p)
        )

    async def _claim_and_join(
        self, call: ClassCall, code_id: int, circle_id: int, now: datetime
    ) -> tuple[str, list[int], str, str, Book | None]:
        async with self.sessionmaker.begin() as db:
            circle = await db.get_one(Circle, circle_id)
            row = await db.get_one(CircleCode, code_id)
            # claimed with one conditional update, so two classes racing cannot both use it
            claimed = await db.execute(
                update(CircleCode)
                .where(CircleCode.id == row.id, CircleCode.used_at.is_(None))
                .values(used_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise UserError("That circle code was just used. Please ask for a new one.")
            db.add(CircleMember(circle_id=circle.id, classroom_id=call.class_id, joined_at=now))
            audit.record(
                db, now, call.class_id, call.actor.user.id, "circle.join", circle=circle.id
            )
            label = (await self.labels(db, [call.class_id]))[call.class_id][0]
            others = await self.member_ids(db, circle.id)
            name, book = circle.name, circle.book_title
            ours = await self.current_book(db, call.class_id)
            await db.flush()  # the one-circle-per-class constraint speaks here
        return label, others, name, book, ours

    async def members(self, call: ClassCall) -> Members:
        """The classes of this class's circle: display name, region, platform, chapter."""
        async with self.sessionmaker() as db:
            circle = await self.require(db, call)
            ids = await self.member_ids(db, circle.id)
            labels = await self.labels(db, ids)
            listed = [
                MemberClass(
                    labels[i][0],
                    labels[i][1],
                    labels[i][2],
                    await self._chapter(db, i),
                    i == circle.creator_classroom_id and circle.uid is None,  # (here)
                )
                for i in ids
            ]
            return Members(circle.name, circle.book_title, listed)

    async def leave(self, call: ClassCall) -> str:
        """This class leaves its circle; the class that joined first after the creator takes
        over a circle its creator leaves, and a circle nobody is left in is gone."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            circle = await self.require(db, call)
            label = (await self.labels(db, [call.class_id]))[call.class_id][0]
            await self._drop(db, circle, call.class_id)
            audit.record(
                db, now, call.class_id, call.actor.user.id, "circle.leave", circle=circle.id
            )
            rest, name = await self.member_ids(db, circle.id), circle.name
        for class_id in rest:
            key = f"circles:left:{call.class_id}:{now.isoformat()}:{class_id}"
            await self.tell(class_id, key, texts.left_for_teachers(label, name))
        return f"🔗 Your class left the circle “{name}”."

    async def remove(self, call: ClassCall, display_name: str) -> str:
        """The creator's class removes a member class, named as `circle list` lists it."""
        now, wanted = self.clock.now(), display_name.strip().casefold()
        async with self.sessionmaker.begin() as db:
            circle = await self.require(db, call)
            if circle.creator_classroom_id != call.class_id:
                raise NotAllowed("Only the class that made the circle can remove a class from it.")
            ids = [i for i in await self.member_ids(db, circle.id) if i != call.class_id]
            labels = await self.labels(db, ids)
            found = [i for i in ids if wanted in (labels[i][0].casefold(), labels[i][1].casefold())]
            if not found:
                names = ", ".join(labels[i][1] for i in ids) or "none yet"
                raise UserError(
                    f"No class called “{display_name}” is in the circle. Type it as "
                    f"`{call.prefix}circle list` lists it; the other classes: {names}."
                )
            if len(found) > 1:
                raise UserError(
                    f"More than one class is called “{display_name}”: type it with its region "
                    f"as `{call.prefix}circle list` lists it."
                )
            (gone,) = found
            await self._drop(db, circle, gone)
            audit.record(db, now, call.class_id, call.actor.user.id, "circle.remove", member=gone)
            name, label = circle.name, labels[gone][0]
        key = f"circles:removed:{circle.id}:{gone}:{now.isoformat()}"
        await self.tell(gone, key, texts.removed_for_teachers(name, call.prefix))
        return f"🔗 {label} is no longer in the circle “{name}”."

    async def _drop(self, db: AsyncSession, circle: Circle, class_id: int) -> None:
        await db.execute(
            delete(CircleMember).where(
                CircleMember.circle_id == circle.id, CircleMember.classroom_id == class_id
            )
        )
        # what waited for the class from its circle goes no further: it left at once
        await db.execute(
            update(CircleCopy)
            .where(
                CircleCopy.classroom_id == class_id,
                CircleCopy.state.in_((CopyState.WAITING, CopyState.HELD)),
            )
            .values(state=CopyState.DROPPED)
        )
        rest = await self.member_ids(db, circle.id)
        if not rest:
            await db.delete(circle)
        elif circle.creator_classroom_id == class_id:
            circle.creator_classroom_id = rest[0]

    async def require(self, db: AsyncSession, call: ClassCall) -> Circle:
        circle = await self.circle_of(db, call.class_id)
        if circle is None:
            raise UserError(
                "Your class is not in a circle. Make one with "
                f"`{call.prefix}circle create NAME`, or join one with "
                f"`{call.prefix}circle join CODE` (the circle's teacher gives you the code)."
            )
        return circle

    @staticmethod
    async def circle_of(db: AsyncSession, class_id: int) -> Circle | None:
        return await db.scalar(
            select(Circle)
            .join(CircleMember, CircleMember.circle_id == Circle.id)
            .where(CircleMember.classroom_id == class_id)
        )

    @staticmethod
    async def member_ids(db: AsyncSession, circle_id: int) -> list[int]:
        rows = await db.scalars(
            select(CircleMember.classroom_id)
            .where(CircleMember.circle_id == circle_id)
            .order_by(CircleMember.joined_at, CircleMember.id)
        )
        return list(rows)

    @staticmethod
    async def labels(db: AsyncSession, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        """(display name (region), display name, platform) of each class: its class profile
        if it has one, else its class name."""
        rows = await db.execute(
            select(Classroom.id, Classroom.name, Classroom.platform, ClassProfile)
            .outerjoin(ClassProfile, ClassProfile.classroom_id == Classroom.id)
            .where(Classroom.id.in_(ids))
        )
        found: dict[int, tuple[str, str, str]] = {}
        for class_id, class_name, platform, prof in rows:
            shown = prof.display_name if prof is not None else (class_name or "A class")
            region = prof.region if prof is not None else ""
            found[class_id] = (texts.where(shown, region), shown, platform.capitalize())
        return found

    async def _chapter(self, db: AsyncSession, class_id: int) -> str:
        """The chapters of the class's latest session that has begun."""
        row = (
            await db.execute(
                select(Session.first_chapter, Session.last_chapter)
                .where(Session.classroom_id == class_id, Session.starts_at <= self.clock.now())
                .order_by(Session.starts_at.desc(), Session.id.desc())
                .limit(1)
            )
        ).first()
        return texts.chapter(*row) if row is not None else texts.chapter(None, None)

    async def tell(self, class_id: int, key: str, text: str) -> None:
        """A note for a class's teacher room; a platform that fails is logged, not raised
        (what the note is about is committed already, and the command did it)."""
        try:
            cls = await self.classes.get(class_id)
            if cls.teacher_channel is None:
                return
            chat = self.chats[cls.platform]
            post = partial(chat.send, cls.teacher_channel, Outgoing(text, key=key))
            await self.deliveries.once(key, cls.teacher_channel, post)
        except Exception:
            log.exception("circles: could not tell class %s (%s)", class_id, key)
