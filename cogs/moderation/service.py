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
from bot.core.events import (
    CommandTyped,
    DirectMessage,
    MessagePosted,
    MessageShared,
    ReactionAdded,
    ThreadNamed,
)
from bot.core.followups import FollowUps
from bot.core.model import Actor, ChannelRef, Outgoing, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Classroom, Flag, Post
from bot.deliveries import Deliveries
from bot.screening.verdict import SPAM
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.moderation import texts
from cogs.moderation.catchup import catch_up
from cogs.moderation.effects import ESCALATE, FlagEffects
from cogs.moderation.policy import checked, decide, screened_text, with_media
from cogs.moderation.recent import (
    RecentMessages,
    spam_already_flagged,
    thread_closed,
    was_removed,
)
from cogs.moderation.rules import ClassRules
from cogs.moderation.threadnames import KIND as THREAD_KIND
from cogs.moderation.threadnames import ThreadNames

log = logging.getLogger(__name__)
CLOSED_REASON = "posted after the session's discussion closed"
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
        follow_ups: FollowUps | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.follow_ups = follow_ups or FollowUps()
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        self._listeners: list[Callable[[MessageShared], Awaitable[None]]] = []
        self._recent = RecentMessages()
        self._kinds: dict[str, FlagKind] = {}
        self._effects = FlagEffects(
            sessionmaker, classes, chats, deliveries, self._kinds, self._shared
        )
        self._threads = ThreadNames(sessionmaker, classes, chats, deliveries, clock, self.settle)
        self.add_kind(THREAD_KIND, self._threads)

    def pause_when(self, exposed: Callable[[int], bool]) -> None:
        """Post nothing in a class's teacher room while `exposed(class id)` says students
        can read it; ``resume`` delivers it afterwards."""
        self._effects.exposed = exposed

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
            elif await was_removed(db, chat.platform.value, ev.message.id):
                # an update (an edit, a link preview) of a message already removed:
                # the teacher reviews what was held, and that is what approval shares
                flag_id, action = None, "repeat"
            else:
                flag_id, action = await self._screen(db, cls, ev)
        if action in ("allow", "flag"):
            await self._shared(MessageShared(cls.id, ev.channel, ev.actor.user, ev.text))
        if flag_id is not None:
            if self.follow_ups.deferring:  # the class stops seeing it before anything else
                await self._effects.hide_first(flag_id)
            # the review and the student's note: behind the class's next messages if the
            # adapter allows (the flag row is saved, so ``resume`` finishes after a crash)
            await self.follow_ups.run(f"class:{cls.id}", partial(self.settle, flag_id))

    async def on_thread_named(self, chat: Chat, ev: ThreadNamed) -> None:
        """A student's thread name is screened like a message (``threadnames.py``)."""
        await self._threads.on_named(chat, ev)

    async def catch_up(self, chat: Chat) -> int:
        """Screen what students posted on `chat` while the bot was away (``catchup.py``)."""
        handed = await catch_up(self.sessionmaker, chat, self.clock.now())
        if handed:
            log.info("%s: caught up on %d message(s) posted while away", chat.platform, handed)
        return handed

    async def on_direct(self, chat: Chat, ev: DirectMessage) -> None:
        """A class room where the bot and one student are alone looks one-to-one to the
        platform; it is still the class, and the message is screened like any other."""
        if await self.classes.find(ev.channel) is not None:
            await self.on_message(chat, MessagePosted(ev.message, ev.actor, ev.text))

    async def on_command_typed(self, chat: Chat, ev: CommandTyped) -> None:
        """A student's visible command is held only when its words need a look."""
        if ev.actor.is_teacher or checked(ev.text).clean:
            return
        await self.on_message(chat, MessagePosted(ev.message, ev.actor, ev.text))

    async def _screen(
        self, db: AsyncSession, cls: ClassInfo, ev: MessagePosted
    ) -> tuple[int | None, str]:
        member = await self.classes.member(db, cls.id, ev.actor.user)
        rules = ClassRules.of(await db.get_one(Classroom, cls.id))
        # a message caught up after a restart counts when it was posted (not as a flood)
        posted_at = ev.posted_at or self.clock.now()
        recent = self._recent.seen(ev.actor.user.id, ev.text, posted_at)
        text = screened_text(ev.text, ev.media)
        verdict = with_media(checked(text, rules.context(recent)), ev.media)
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
            media=[[m.kind, m.name, m.ref] for m in ev.media],
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
        flag_id = await self._reviewed_by(ev.target.id)
        if flag_id is None:
            # the review may be on its way still (posted behind the class's messages, or by
            # another room's handler): a decision on it must not be lost
            await self.follow_ups.caught_up()
            await self._effects.caught_up()
            flag_id = await self._reviewed_by(ev.target.id)
        if flag_id is not None:
            await self.decide(flag_id, ev.key in APPROVE_KEYS, ev.actor, "", ev.target.channel)

    async def _reviewed_by(self, review_message_id: str) -> int | None:
        """The pending flag whose review message this is."""
        async with self.sessionmaker() as db:
            return await db.scalar(
                select(Flag.id).where(
                    Flag.review_message_id == review_message_id, Flag.state == "pending"
                )
            )

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

    # ---- carrying out holds and decisions, exactly once (``effects.py``) ----

    async def resume(self) -> int:
        """Finish every hold or decision not fully carried out (at start, then regularly)."""
        return await self._effects.resume()

    async def settle(self, flag_id: int) -> None:
        """Deliver every effect of a flag's current state that is not delivered yet."""
        await self._effects.settle(flag_id)
