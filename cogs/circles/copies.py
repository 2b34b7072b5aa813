"""Each partner class's copy of a circle post: screened again with that class's rules,
held for its teacher when needed (a review item of kind "circle"), kept until the class's
own session for the post's chapter has started (no spoilers), then delivered once.

A copy is a row (``CircleCopy``); its post into the class is a keyed delivery
(``circles:copy:<id>``), so a crash or restart at any step posts it once. A copy that
waits for a session sets the durable timer ``circles.release`` for its class at that
session's start; a regular sweep catches what nothing woke (a plan made later).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.db.states import CopyState, FlagState, SessionState
from bot.db.tables import CircleCopy, CirclePost, CircleTrust, Classroom, Flag, Plan, Session
from bot.deliveries import Deliveries
from bot.screening import Book
from bot.timers import Timers
from cogs.circles import sharing_texts as texts
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.moderation.policy import checked, decide
from cogs.moderation.rules import ClassRules
from cogs.review.items import NewItem, submit

log = logging.getLogger(__name__)
KIND = "circle"  # the review kind of a held incoming post
RELEASE = "circles.release"  # timer key: the class whose copies may be due
SOON = timedelta(minutes=1)  # a session that began but has no thread yet
WAITING, HELD, DELIVERED = CopyState.WAITING, CopyState.HELD, CopyState.DELIVERED
HIDDEN, REJECTED, RETRACTED = CopyState.HIDDEN, CopyState.REJECTED, CopyState.RETRACTED
PENDING = (WAITING, HELD)
WALL = ("summary", "prediction")  # kinds a class's teacher also sees on the circle's wall
CurrentBook = Callable[[AsyncSession, int], Awaitable[Book | None]]
Settle = Callable[[int], Awaitable[None]]


def shown(post: CirclePost) -> str:
    """What a partner class reads: first name and class, then the words."""
    return texts.copy_line(post.first_name, post.class_label, post.text)


class Copies:
    """Makes, screens, holds, releases and takes back the copies of circle posts."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        timers: Timers,
        clock: Clock,
        current_book: CurrentBook,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.timers = timers
        self.clock = clock
        self.current_book = current_book
        self.settle: Settle | None = None  # the review queue's (set by the feature)
        # told of each summary or prediction delivered: (class, thread) (the wall)
        self.on_wall: Callable[[int, str | None], Awaitable[None]] | None = None

    # ---- making: one per partner class, screened with that class's rules ----

    async def make(self, db: AsyncSession, post: CirclePost, class_ids: list[int]) -> list[int]:
        """A copy of `post` for each class, screened with its own rules and allow-lists;
        the ids of the review items raised (settled by the caller after the commit)."""
        flags: list[int] = []
        now = self.clock.now()
        for class_id in class_ids:
            copy = CircleCopy(post_id=post.id, classroom_id=class_id, state=WAITING)
            db.add(copy)
            reasons, escalate = await self._reasons(db, class_id, post)
            if reasons:
                item = NewItem(
                    classroom_id=class_id,
                    user_id=KIND,  # never an account: the post comes from another class
                    user_name=f"{post.first_name} · {post.class_label}",
                    channel_id=(await db.get_one(Classroom, class_id)).channel_id,
                    thread_id=None,
                    text=post.text,
                    reasons=reasons,
                    kind=KIND,
                    context=texts.review_context(post.class_label, post.chapter),
                    escalate=escalate,  # the class's safeguarding lead is told too
                )
                flag = await submit(db, item, now)
                copy.state, copy.flag_id = HELD, flag.id
                flags.append(flag.id)
        await db.flush()
        return flags

    async def _reasons(
        self, db: AsyncSession, class_id: int, post: CirclePost
    ) -> tuple[list[str], bool]:
        """Why the receiving teacher should see it first: what the class's own screening
        finds in the line as the class would read it, and a partner not trusted yet."""
        rules = ClassRules.of(await db.get_one(Classroom, class_id))
        book = await self.current_book(db, class_id)
        verdict = checked(shown(post), rules.context((), book))
        decision = decide(verdict, "trusted", rules.policy)
        reasons = decision.reasons if decision.action != "allow" else []
        trusted = await db.scalar(
            select(CircleTrust.id).where(
                CircleTrust.classroom_id == class_id, CircleTrust.from_class == post.from_class
            )
        )
        if trusted is None:
            reasons = [*reasons, texts.new_partner_reason(post.class_label)]
        return reasons, decision.escalate

    async def settle_all(self, flag_ids: list[int]) -> None:
        """Post the reviews of what was held (once each: the queue's keyed deliveries)."""
        for flag_id in flag_ids:
            if self.settle is not None:
                try:
                    await self.settle(flag_id)
                except Exception:
                    log.exception("circles: review %s not posted yet; resume finishes it", flag_id)

    # ---- the review kind "circle" ----

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The receiving teacher's review of a held incoming post."""
        return Outgoing(texts.review(flag), key=key, notice=False)

    async def decided(self, flag: Flag) -> None:
        """Approved: the copy waits for its chapter like any other; rejected: it never goes."""
        approved = flag.state == FlagState.APPROVED
        async with self.sessionmaker.begin() as db:
            copy = await db.scalar(select(CircleCopy).where(CircleCopy.flag_id == flag.id))
            if copy is None or copy.state != HELD:
                return  # decided already, or taken back meanwhile
            copy.state = WAITING if approved else REJECTED
            class_id = copy.classroom_id
        if approved:
            await self.release(class_id)

    # ---- releasing: when the class's session for the chapter has started ----

    async def release(self, class_id: int) -> int:
        """Deliver, in order, every waiting copy of a class whose chapter its sessions have
        reached; set the class's timer for the soonest one still ahead. Returns how many."""
        async with self.sessionmaker() as db:
            rows = list(
                await db.execute(
                    select(CircleCopy.id, CirclePost.chapter)
                    .join(CirclePost, CirclePost.id == CircleCopy.post_id)
                    .where(CircleCopy.classroom_id == class_id, CircleCopy.state == WAITING)
                    .order_by(CirclePost.id)
                )
            )
            gates = {ch: await self._gate(db, class_id, ch) for ch in {ch for _, ch in rows}}
        delivered, soonest = 0, None
        for copy_id, chapter in rows:
            where, later = gates[chapter]
            if where is not None:
                delivered += await self._deliver(copy_id, where)
            elif later is not None:
                soonest = later if soonest is None else min(soonest, later)
        if soonest is not None:
            await self.timers.set(RELEASE, str(class_id), soonest, keep_sooner=True)
        return delivered

    async def _gate(
        self, db: AsyncSession, class_id: int, chapter: int
    ) -> tuple[ChannelRef | None, datetime | None]:
        """Where a copy for `chapter` goes now (the thread of the class's session for it,
        once started), or when to look again (None: the class has no session for it)."""
        plan = await db.scalar(
            select(Plan.id).where(Plan.classroom_id == class_id).order_by(Plan.id.desc()).limit(1)
        )
        if plan is None:
            return None, None
        session = await db.scalar(
            select(Session)
            .where(
                Session.plan_id == plan,
                Session.first_chapter <= chapter,
                Session.last_chapter >= chapter,
            )
            .order_by(Session.starts_at)
            .limit(1)
        )
        if session is None:
            return None, None
        now = self.clock.now()
        if session.starts_at > now:
            return None, session.starts_at
        cls = ClassInfo.of(await db.get_one(Classroom, class_id))  # (in this session: one each)
        if session.thread_id:
            return cls.channel.in_thread(session.thread_id), None
        if session.state in (SessionState.DONE, SessionState.MISSED):
            return cls.channel, None  # it never had a thread: the class room
        return None, now + SOON  # begun, its thread about to open

    async def _deliver(self, copy_id: int, where: ChannelRef) -> int:
        async with self.sessionmaker() as db:
            copy = await db.get_one(CircleCopy, copy_id)
            post = await db.get_one(CirclePost, copy.post_id)
        if copy.state != WAITING:
            return 0
        key = f"circles:copy:{copy_id}"
        chat = self.chats[where.platform]
        out = Outgoing(shown(post), key=key, notice=False)
        ref = await self.deliveries.once(key, where, partial(chat.send, where, out))
        async with self.sessionmaker.begin() as db:
            done = await db.execute(
                update(CircleCopy)
                .where(CircleCopy.id == copy_id, CircleCopy.state == WAITING)
                .values(
                    state=DELIVERED,
                    channel_id=where.id,
                    thread_id=where.thread,
                    message_id=ref.id if ref else None,
                )
            )
        if done.rowcount != 1:  # type: ignore[attr-defined]  # no longer waiting: why?
            async with self.sessionmaker() as db:
                state = await db.scalar(select(CircleCopy.state).where(CircleCopy.id == copy_id))
            if state != DELIVERED:  # taken back while it went out
                await self.take_back(copy_id, state or RETRACTED, ref)
            # else delivered by another release of the class at the same time (a restart's
            # and the arrival's): the same message, its keyed delivery; nothing to undo
            return 0
        if post.kind in WALL and self.on_wall is not None:
            await self.on_wall(copy.classroom_id, where.thread)
        return 1

    async def release_all(self) -> int:
        """Every class with copies waiting (the sweep, and at start)."""
        async with self.sessionmaker() as db:
            ids = list(
                await db.scalars(
                    select(CircleCopy.classroom_id).where(CircleCopy.state == WAITING).distinct()
                )
            )
        done = 0
        for class_id in ids:
            try:
                done += await self.release(class_id)
            except Exception:
                log.exception("circles: could not release the copies of class %s", class_id)
        return done

    # ---- taking back ----

    async def take_back(
        self, copy_id: int, state: CopyState, ref: MessageRef | None = None
    ) -> None:
        """The copy goes (`state`: hidden here, or retracted where it came from): removed
        from the class once if it was posted, never posted if it was not."""
        async with self.sessionmaker.begin() as db:
            copy = await db.get_one(CircleCopy, copy_id)
            if copy.state in PENDING:
                copy.state = state
                return
            if ref is None and copy.message_id and copy.channel_id:
                cls = await self.classes.get(copy.classroom_id)
                where = ChannelRef(cls.platform, copy.channel_id, copy.thread_id)
                ref = MessageRef(where, copy.message_id)
            if copy.state not in (DELIVERED, state):
                copy.state = state
        if ref is not None:
            chat = self.chats[ref.channel.platform]
            gone = partial(chat.hide, ref, texts.TAKEN_BACK)
            await self.deliveries.once(f"circles:copy:{copy_id}:gone", ref.channel, gone)
        async with self.sessionmaker.begin() as db:
            await db.execute(
                update(CircleCopy)
                .where(CircleCopy.id == copy_id, CircleCopy.state == DELIVERED)
                .values(state=state)
            )

    async def hide_source(self, message: MessageRef) -> None:
        """The sending class's own message, hidden by its teacher (once)."""
        chat = self.chats[message.channel.platform]
        hide = partial(chat.hide, message, texts.TAKEN_BACK)
        await self.deliveries.once(f"circles:hidden:{message.id}", message.channel, hide)
