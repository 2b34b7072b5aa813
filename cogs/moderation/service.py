"""Screening student messages, holding them for the teacher, and the teacher's decisions.

Every step after a hold or a decision is keyed, and a flag is only marked
settled when all of them are delivered, so a restart at any point completes
the work without repeating any of it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.errors import NotFound, UserError
from bot.core.events import CommandTyped, MessagePosted, MessageShared, ReactionAdded
from bot.core.model import Actor, ChannelRef, MessageRef, Outgoing, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Classroom, Flag, Post
from bot.deliveries import Deliveries
from bot.screening import screen
from bot.screening.verdict import SPAM
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.moderation import texts
from cogs.moderation.policy import decide
from cogs.moderation.recent import RecentMessages, spam_already_flagged, thread_closed
from cogs.moderation.rules import ClassRules

log = logging.getLogger(__name__)
CLOSED_REASON = "posted after the session's discussion closed"
ESCALATE = "escalate"
APPROVE_KEYS = {"✅", "✔️", "👍"}
REJECT_KEYS = {"❌", "✖️", "👎"}


@dataclass(frozen=True)
class FlagView:
    """A flag as the teacher sees it in the queue."""

    id: int
    student: str
    text: str
    reasons: list[str]
    state: str
    age: str
    kind: str = "message"


class FlagKind(Protocol):
    """Another feature's review item (a question for the guest author, an author's answer):
    same queue, buttons, reactions and `mod approve N`; its own review text and effects."""

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The teacher's review message."""
        ...

    async def decided(self, flag: Flag) -> None:
        """Carry out the decision; must be safe to call again (keyed deliveries)."""
        ...


class ModerationService:
    """Screens messages, keeps the review queue, carries out decisions."""

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
        self._listeners: list[Callable[[MessageShared], Awaitable[None]]] = []
        self._recent = RecentMessages()
        self._kinds: dict[str, FlagKind] = {}

    def add_kind(self, kind: str, handler: FlagKind) -> None:
        """Review flags of `kind` in the queue, with `handler` saying what a decision does."""
        self._kinds[kind] = handler

    def on_shared(self, listener: Callable[[MessageShared], Awaitable[None]]) -> None:
        """Be told whenever a student's message becomes visible to the class."""
        self._listeners.append(listener)

    async def _shared(self, event: MessageShared) -> None:
        for listener in self._listeners:
            try:
                await listener(event)
            except Exception:
                log.exception("a listener failed on a shared message in %s", event.channel)

    # ---- incoming student messages ----

    async def on_message(self, chat: Chat, ev: MessagePosted) -> None:
        """Screen a message in a class room; hold it for the teacher if needed."""
        cls = await self.classes.find(ev.channel)
        if cls is None or ev.channel.id != cls.channel.id or ev.actor.is_teacher:
            return
        async with self.sessionmaker.begin() as db:
            existing = await db.scalar(
                select(Post).where(
                    Post.platform == chat.platform.value,
                    Post.message_id == ev.message.id,
                    Post.revision == ev.revision,
                )
            )
            if existing is not None:
                flag_id = await db.scalar(select(Flag.id).where(Flag.post_id == existing.id))
                action = "repeat"
            else:
                flag_id, action = await self._screen(db, cls, ev)
        if action in ("allow", "flag"):
            await self._shared(MessageShared(cls.id, ev.channel, ev.actor.user, ev.text))
        if flag_id is not None:
            await self.settle(flag_id)

    async def on_command_typed(self, chat: Chat, ev: CommandTyped) -> None:
        """A student's visible command is held only when its words need a look."""
        if ev.actor.is_teacher or screen(ev.text).clean:
            return
        await self.on_message(chat, MessagePosted(ev.message, ev.actor, ev.text))

    async def _screen(
        self, db: AsyncSession, cls: ClassInfo, ev: MessagePosted
    ) -> tuple[int | None, str]:
        member = await self.classes.member(db, cls.id, ev.actor.user)
        rules = ClassRules.of(await db.get_one(Classroom, cls.id))
        recent = self._recent.seen(ev.actor.user.id, ev.text, self.clock.now())
        verdict = screen(ev.text, rules.context(recent))
        decision = decide(verdict, member.trust, rules.policy)
        action, reasons = decision.action, decision.reasons
        if ev.channel.thread and await thread_closed(db, cls.id, ev.channel.thread):
            action, reasons = "hold", [*reasons, CLOSED_REASON]
        now = self.clock.now()
        post = Post(
            classroom_id=cls.id,
            platform=cls.platform.value,
            message_id=ev.message.id,
            revision=ev.revision,
            thread_id=ev.channel.thread,
            user_id=ev.actor.user.id,
            outcome=action,
            at=now,
        )
        db.add(post)
        await db.flush()
        if action == "allow":
            return None, action
        if action == "flag" and verdict.categories == {SPAM}:
            if await spam_already_flagged(db, cls.id, ev.actor.user.id, now):
                return None, action  # one notice per flood, not one per message
        flag = Flag(
            classroom_id=cls.id,
            post_id=post.id,
            user_id=ev.actor.user.id,
            user_name=ev.actor.user.label,
            channel_id=ev.channel.id,
            thread_id=ev.channel.thread,
            text=ev.text,
            reasons=reasons,
            action=action,
            student_note=verdict.student_note,
            matches=[f"{sp.category}:{sp.detail}" for sp in verdict.spans]
            + ([ESCALATE] if decision.escalate else []),
            created_at=now,
        )
        db.add(flag)
        await db.flush()
        audit.record(db, now, cls.id, "readaloud", f"flag.{action}", flag=flag.id, reasons=reasons)
        return flag.id, action

    # ---- teacher decisions ----

    async def on_reaction(self, chat: Chat, ev: ReactionAdded) -> None:
        """A ✅ / ❌ reaction by a teacher on a review message decides that flag."""
        if ev.key not in APPROVE_KEYS | REJECT_KEYS or not ev.actor.is_teacher:
            return
        async with self.sessionmaker() as db:
            flag_id = await db.scalar(
                select(Flag.id).where(
                    Flag.review_message_id == ev.target.id, Flag.state == "pending"
                )
            )
        if flag_id is not None:
            await self.decide(flag_id, ev.key in APPROVE_KEYS, ev.actor, "", ev.target.channel)

    async def decide(
        self,
        flag_id: int,
        approve: bool,
        actor: Actor,
        reason: str,
        where: ChannelRef,
        edited: str | None = None,
    ) -> str:
        """Approve (optionally with the teacher's edit) or reject a pending flag."""
        cls = await self.classes.require(where)
        async with self.sessionmaker.begin() as db:
            flag = await db.get(Flag, flag_id)
            if flag is None or flag.classroom_id != cls.id:
                raise NotFound(f"There is no flag #{flag_id} in this class. Try mod queue.")
            if flag.state != "pending":
                raise UserError(f"Flag #{flag_id} was already {flag.state} by {flag.decided_by}.")
            flag.state = "approved" if approve else "rejected"
            flag.decided_by = actor.user.label
            flag.decided_at = self.clock.now()
            flag.decision_reason = reason
            flag.settled = False
            original = flag.text
            if edited is not None and approve:
                flag.text = edited
            audit.record(
                db,
                self.clock.now(),
                cls.id,
                actor.user.id,
                f"flag.{flag.state}",
                flag=flag_id,
                reason=reason,
                text=original,
                shared=flag.text if approve else None,
                reasons=flag.reasons,
            )
            state = flag.state
        await self.settle(flag_id)
        return f"{'✅' if approve else '❌'} Flag #{flag_id} {state}."

    async def set_trust(self, where: ChannelRef, user: UserRef, level: str, actor: Actor) -> str:
        cls = await self.classes.require(where)
        await self.classes.set_trust(cls.id, user, level, actor)
        return texts.trusted(user.label, level)

    async def queue(self, where: ChannelRef) -> list[FlagView]:
        """Pending flags of the class, oldest first."""
        cls = await self.classes.require(where)
        now = self.clock.now()
        async with self.sessionmaker() as db:
            rows = await db.scalars(
                select(Flag)
                .where(Flag.classroom_id == cls.id, Flag.state == "pending")
                .order_by(Flag.created_at)
            )
            return [
                FlagView(
                    f.id,
                    f.user_name,
                    f.text,
                    f.reasons,
                    f.state,
                    texts.age(now - f.created_at),
                    f.kind,
                )
                for f in rows
            ]

    # ---- carrying out holds and decisions, exactly once ----

    async def resume(self) -> int:
        """At start: finish every hold or decision a crash interrupted."""
        async with self.sessionmaker() as db:
            ids = list(await db.scalars(select(Flag.id).where(Flag.settled.is_(False))))
        for flag_id in ids:
            try:
                await self.settle(flag_id)
            except Exception:
                log.exception("could not finish flag %s; will retry at next start", flag_id)
        return len(ids)

    async def settle(self, flag_id: int) -> None:
        """Deliver every effect of a flag's current state that is not delivered yet."""
        async with self.sessionmaker() as db:
            flag = await db.get_one(Flag, flag_id)
        if flag.settled:
            return
        cls = await self.classes.get(flag.classroom_id)
        chat = self.chats[cls.platform]
        where = ChannelRef(cls.platform, flag.channel_id, flag.thread_id)
        student = UserRef(cls.platform, flag.user_id, flag.user_name)
        key = f"flag:{flag.id}"
        if flag.kind in self._kinds:
            await self._settle_kind(flag, cls, self._kinds[flag.kind])
            return
        if flag.action == "hold":
            message = MessageRef(where, await self._message_id(flag))
            await self.deliveries.once(key + ":hide", where, lambda: self._hide(chat, message))
            await self._once_tell(chat, key + ":held", student, where, texts.held(flag))
        if cls.teacher_channel is not None:
            review = await self.deliveries.once(
                key + ":review",
                cls.teacher_channel,
                lambda: chat.ask_decision(
                    cls.teacher_channel,  # type: ignore[arg-type]
                    flag.id,
                    texts.review(flag, key + ":review"),
                ),
            )
            if review is not None and flag.review_message_id != review.id:
                async with self.sessionmaker.begin() as db:
                    (await db.get_one(Flag, flag.id)).review_message_id = review.id
            if ESCALATE in (flag.matches or []):
                await self._escalate(chat, cls.teacher_channel, flag, key + ":escalate")
        if flag.state == "approved" and flag.action == "hold":
            first_time = await self.deliveries.sent(key + ":repost") is None
            await self.deliveries.once(
                key + ":repost",
                where,
                lambda: chat.repost_as(where, student, texts.repost(flag, key + ":repost")),
            )
            if first_time:
                await self._shared(MessageShared(cls.id, where, student, flag.text))
        elif flag.state == "rejected":
            if flag.action == "flag":  # it was visible while waiting; now it goes
                message = MessageRef(where, await self._message_id(flag))
                await self.deliveries.once(key + ":hide", where, lambda: self._hide(chat, message))
            await self._once_tell(chat, key + ":rejected", student, where, texts.rejected(flag))
        if flag.state != "pending" and cls.teacher_channel is not None:
            await self.deliveries.once(
                key + ":decided",
                cls.teacher_channel,
                lambda: chat.send(cls.teacher_channel, texts.decided(flag, key + ":decided")),  # type: ignore[arg-type]
            )
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Flag, flag.id)
            if row.state == flag.state:
                row.settled = True

    async def _escalate(self, chat: Chat, teachers: ChannelRef, flag: Flag, key: str) -> None:
        """Self-harm and abuse signals: the safeguarding lead is named and pinged."""
        async with self.sessionmaker() as db:
            lead_id = (await db.get_one(Classroom, flag.classroom_id)).safeguarding_id
        lead = UserRef(teachers.platform, lead_id) if lead_id else None
        out = Outgoing(
            texts.escalation(flag, lead), key=key, notice=False, mentions=(lead,) if lead else ()
        )
        await self.deliveries.once(key, teachers, partial(chat.send, teachers, out))

    async def _settle_kind(self, flag: Flag, cls: ClassInfo, kind: FlagKind) -> None:
        """A question or answer: review message, then the owning feature carries out the
        decision; settled only once all of it is done."""
        chat, key = self.chats[cls.platform], f"flag:{flag.id}"
        teachers = cls.teacher_channel
        if teachers is not None:
            out = await kind.review(flag, key + ":review")
            ask = partial(chat.ask_decision, teachers, flag.id, out)
            review = await self.deliveries.once(key + ":review", teachers, ask)
            if review is not None and flag.review_message_id != review.id:
                async with self.sessionmaker.begin() as db:
                    (await db.get_one(Flag, flag.id)).review_message_id = review.id
        if flag.state != "pending":
            await kind.decided(flag)
            if teachers is not None:
                done = partial(chat.send, teachers, texts.decided(flag, key + ":decided"))
                await self.deliveries.once(key + ":decided", teachers, done)
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Flag, flag.id)
            if row.state == flag.state:
                row.settled = True

    async def _message_id(self, flag: Flag) -> str:
        async with self.sessionmaker() as db:
            return (await db.get_one(Post, flag.post_id)).message_id

    @staticmethod
    async def _hide(chat: Chat, message: MessageRef) -> MessageRef | None:
        await chat.hide(message, "held for the teacher")
        return None

    async def _once_tell(
        self, chat: Chat, key: str, student: UserRef, where: ChannelRef, text: str
    ) -> None:
        async def tell() -> None:
            await chat.tell(student, where, texts.outgoing(text, key, student))

        await self.deliveries.once(key, where, tell)
