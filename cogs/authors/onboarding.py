"""Guest author onboarding: one-time invite codes, joining by direct message, leaving.

The AUTHOR role comes from here (a joined GuestAuthor row for that platform
user), never from the platform. A class's profile (display name, region,
daily question quota) is what the author may know about the class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.errors import NotAllowed, UserError
from bot.core.model import Actor, ChannelRef, Outgoing, Role, UserRef
from bot.db import audit
from bot.db.states import AuthorState, InboxState, InviteState, QuestionState
from bot.db.tables import AuthorInvite, ClassProfile, Classroom, GuestAuthor, InboxItem, Question
from bot.deliveries import Deliveries
from bot.secret_codes import code_hash, new_code
from cogs.authors import texts
from cogs.classroom.calls import ClassCall
from cogs.classroom.service import ClassroomService

INVITE_DAYS = 7
DEFAULT_DAILY = 5
OPEN_QUESTION = (QuestionState.ASKED, QuestionState.APPROVED, QuestionState.RELAYED)
USED = "That code was already used (each code works once). Please ask the teacher for a new one."


@dataclass(frozen=True)
class Invited:
    """A new invite code (shown once to the teacher; only its hash is stored)."""

    code: str
    name: str
    book: str
    expires_at: datetime
    days: int
    in_teacher_room: bool  # False: the code was posted in the teacher room instead


@dataclass(frozen=True)
class Joined:
    """Who the author now is, and for which class and book."""

    name: str
    book: str
    where: str


@dataclass(frozen=True)
class Profile:
    """A class as an author sees it, plus its daily question quota and whether its
    teacher looks at every answer first."""

    display_name: str
    region: str
    daily_questions: int
    review_answers: bool = True

    @property
    def where(self) -> str:
        return texts.where_from(self.display_name, self.region)


async def profile_of(db: AsyncSession, classroom_id: int) -> Profile:
    row = await db.get(ClassProfile, classroom_id)
    if row is not None:
        return Profile(row.display_name, row.region, row.daily_questions, row.review_answers)
    cls = await db.get_one(Classroom, classroom_id)
    return Profile(cls.name or "A class", "", DEFAULT_DAILY)


class AuthorDirectory:
    """Invites, joins, leaves; who is an author; how classes appear to them."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock

    async def invite(
        self, call: ClassCall, name: str, book: str, days: int = INVITE_DAYS
    ) -> Invited:
        """A one-time code for an author to join the call's class's read-aloud of `book`.

        Outside the teacher room the code goes to the teacher room, since a reply in
        the class room may be seen by students on some platforms.
        """
        cls, actor = call.cls, call.actor
        code, now = new_code(), self.clock.now()
        expires = now + timedelta(days=days)
        async with self.sessionmaker.begin() as db:
            db.add(
                AuthorInvite(
                    classroom_id=cls.id,
                    code_hash=code_hash(code),
                    name=name.strip()[:255],
                    book=book.strip()[:255],
                    created_by=actor.user.id,
                    created_at=now,
                    expires_at=expires,
                )
            )
            audit.record(db, now, cls.id, actor.user.id, "author.invite", name=name, book=book)
        here = cls.teacher_channel is None or cls.teacher_channel.id == call.where.id
        made = Invited(code, name, book, expires, days, here)
        if not here:
            text = texts.invite_code(code, name, book, expires, days)
            await self._tell_teachers(cls.id, f"authors:invite:{code_hash(code)[:16]}", text)
        return made

    async def join(self, user: UserRef, code: str, exposed: bool) -> Joined:
        """Use a code from a direct message; refuses unknown, used, expired or exposed codes
        (`exposed`: it was typed in a class's room, not a direct message)."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            invite = await db.scalar(
                select(AuthorInvite).where(AuthorInvite.code_hash == code_hash(code))
            )
            if invite is None:
                raise UserError(
                    "I don't know that code. Check it with the teacher who invited you: "
                    "codes look like RA-7KQ2-M9XD."
                )
            # a code typed in the class room was just cancelled for it (exposure.py): say why
            if invite.state != InviteState.OPEN and not (
                exposed and invite.state == InviteState.REVOKED
            ):
                raise UserError(USED)
            if invite.expires_at <= now:
                raise UserError(
                    f"That code expired on {invite.expires_at:%d %b %Y}. "
                    "Please ask the teacher for a new one."
                )
            # where students see it: nobody may use it
            if exposed and invite.state == InviteState.OPEN:
                invite.state = InviteState.REVOKED
                audit.record(db, now, invite.classroom_id, user.id, "author.code_exposed")
        if exposed:
            raise UserError(
                "Codes are secret, so please send them to me in a direct message, not in a "
                "class room. I've cancelled this code: please ask the teacher for a new one."
            )
        async with self.sessionmaker.begin() as db:
            # claimed with one conditional update, so two people racing cannot both use it
            claimed = await db.execute(
                update(AuthorInvite)
                .where(AuthorInvite.id == invite.id, AuthorInvite.state == InviteState.OPEN)
                .values(state=InviteState.USED, used_at=now)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                raise UserError(USED)
            invite = await db.get_one(AuthorInvite, invite.id, populate_existing=True)
            author = await db.scalar(
                select(GuestAuthor).where(
                    GuestAuthor.platform == user.platform.value, GuestAuthor.user_id == user.id
                )
            )
            if author is None:
                author = GuestAuthor(
                    platform=user.platform.value, user_id=user.id, name=invite.name, joined_at=now
                )
                db.add(author)
            author.state, author.left_at, author.name = AuthorState.JOINED, None, invite.name
            await db.flush()
            invite.author_id = author.id
            audit.record(db, now, invite.classroom_id, user.id, "author.join", invite=invite.id)
            prof = await profile_of(db, invite.classroom_id)
            joined = Joined(invite.name, invite.book, prof.where)
            class_id, invite_id = invite.classroom_id, invite.id
        await self._tell_teachers(
            class_id,
            f"authors:joined:{invite_id}",
            texts.joined_for_teachers(joined.name, joined.book),
        )
        return joined

    async def leave(self, user: UserRef) -> str:
        """The author stops receiving questions; every class that invited them is told."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            author = await self._joined(db, user)
            author.state, author.left_at = AuthorState.LEFT, now
            invites = list(
                await db.scalars(select(AuthorInvite).where(AuthorInvite.author_id == author.id))
            )
            waiting: dict[int, int] = {}
            for inv in invites:
                rows = await db.scalars(
                    select(Question).where(
                        Question.invite_id == inv.id, Question.state.in_(OPEN_QUESTION)
                    )
                )
                for q in rows:
                    q.state, q.updated_at = QuestionState.DROPPED, now
                    waiting[q.classroom_id] = waiting.get(q.classroom_id, 0) + 1
            await db.execute(
                update(InboxItem)
                .where(InboxItem.author_id == author.id, InboxItem.state == InboxState.OPEN)
                .values(state=InboxState.CLOSED, closed_at=now)
            )
            audit.record(db, now, None, user.id, "author.leave", author=author.id)
            name, author_id = author.name, author.id
            class_ids = sorted({inv.classroom_id for inv in invites})
        for class_id in class_ids:
            key = f"authors:left:{author_id}:{now.isoformat()}:{class_id}"
            text = texts.author_left_for_teachers(name, waiting.get(class_id, 0))
            await self._tell_teachers(class_id, key, text)
        return texts.goodbye(name)

    async def resolve_role(self, actor: Actor, where: ChannelRef) -> Actor:
        """The dispatcher's hook: a joined guest author has the AUTHOR role everywhere."""
        if actor.role >= Role.AUTHOR:
            return actor
        async with self.sessionmaker() as db:
            found = await db.scalar(
                select(GuestAuthor.id).where(
                    GuestAuthor.platform == actor.user.platform.value,
                    GuestAuthor.user_id == actor.user.id,
                    GuestAuthor.state == AuthorState.JOINED,
                )
            )
        return Actor(actor.user, Role.AUTHOR) if found is not None else actor

    async def author_id(self, user: UserRef) -> int | None:
        """The joined author's id for this platform user, if they are one."""
        async with self.sessionmaker() as db:
            row = await self._find(db, user)
            return row.id if row is not None and row.state == AuthorState.JOINED else None

    async def _joined(self, db: AsyncSession, user: UserRef) -> GuestAuthor:
        row = await self._find(db, user)
        if row is None or row.state != AuthorState.JOINED:
            raise NotAllowed("Only a guest author who joined with an invite code can do that.")
        return row

    @staticmethod
    async def _find(db: AsyncSession, user: UserRef) -> GuestAuthor | None:
        return await db.scalar(
            select(GuestAuthor).where(
                GuestAuthor.platform == user.platform.value, GuestAuthor.user_id == user.id
            )
        )

    async def set_profile(
        self,
        class_id: int,
        actor: Actor,
        name: str | None = None,
        region: str | None = None,
        daily: int | None = None,
        review_answers: bool | None = None,
    ) -> Profile:
        """What authors see of this class, how many questions it may ask a day, and
        whether every answer waits for a teacher."""
        async with self.sessionmaker.begin() as db:
            current = await profile_of(db, class_id)
            row = await db.get(ClassProfile, class_id)
            if row is None:
                row = ClassProfile(
                    classroom_id=class_id,
                    display_name=current.display_name,
                    region=current.region,
                    daily_questions=current.daily_questions,
                    review_answers=current.review_answers,
                )
                db.add(row)
            if name is not None:
                row.display_name = name.strip()[:80]
            if region is not None:
                row.region = region.strip()[:80]
            if daily is not None:
                row.daily_questions = daily
            if review_answers is not None:
                row.review_answers = review_answers
            audit.record(
                db,
                self.clock.now(),
                class_id,
                actor.user.id,
                "author.profile",
                daily=daily,
                review_answers=review_answers,
            )
            return Profile(row.display_name, row.region, row.daily_questions, row.review_answers)

    async def _tell_teachers(self, class_id: int, key: str, text: str) -> None:
        cls = await self.classes.get(class_id)
        if cls.teacher_channel is None:
            return
        chat = self.chats[cls.platform]
        post = partial(chat.send, cls.teacher_channel, Outgoing(text, key=key))
        await self.deliveries.once(key, cls.teacher_channel, post)
