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
from bot.core.commands import Reply
from bot.core.deadline import Deadline
from bot.core.dispatch import Chats
from bot.core.errors import NotAllowed, UserError
from bot.core.events import (
    CommandTyped,
    Decided,
    DirectMessage,
    MessagePosted,
    MessageShared,
    ReactionAdded,
    Request,
    ThreadNamed,
)
from bot.core.followups import FollowUps
from bot.core.model import Actor, ChannelRef, Outgoing, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Classroom, Flag, Post
from bot.deliveries import Deliveries
from bot.screening.verdict import SPAM, Book
from cogs.classroom.service import ClassInfo, ClassroomService, closest_member
from cogs.moderation import floods, texts
from cogs.moderation.catchup import catch_up
from cogs.moderation.decisions import flag_in, record_decision, reviewed_by
from cogs.moderation.direct_replies import KIND as DIRECT_KIND
from cogs.moderation.direct_replies import ChildReplies
from cogs.moderation.effects import ESCALATE, FlagEffects
from cogs.moderation.policy import checked, decide, screened_text, screening_deadline, with_media
from cogs.moderation.reactions import text_reaction
from cogs.moderation.recent import (
    RecentMessages,
    handled_before,
    spam_already_flagged,
    thread_closed,
)
from cogs.moderation.removals import EarlyRemoval
from cogs.moderation.rules import ClassRules
from cogs.moderation.threadnames import KIND as THREAD_KIND
from cogs.moderation.threadnames import ThreadNames, no_book

log = logging.getLogger(__name__)
CLOSED_REASON = "posted after the session's discussion closed"
NOT_YOURS = "Only your teacher can approve or reject held messages."


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


async def _as_given(actor: Actor, where: ChannelRef) -> Actor:
    return actor


class ModerationService:
    """Screens messages, keeps the review queue, carries out decisions."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        deadline: Deadline | None = None,
        follow_ups: FollowUps | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.follow_ups = follow_ups or FollowUps()
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        # each message is screened within this budget, or held as "could not be checked"
        self.deadline = deadline or screening_deadline()
        self._listeners: list[Callable[[MessageShared], Awaitable[None]]] = []
        self._recent = RecentMessages()
        self._screening = floods.KeyedLocks()  # one student's messages join groups in order
        self._kinds: dict[str, FlagKind] = {}
        self._current_role: Callable[[Actor, ChannelRef], Awaitable[Actor]] = _as_given
        self._book: Callable[[AsyncSession, int], Awaitable[Book | None]] = no_book
        self._effects = FlagEffects(
            sessionmaker, classes, chats, deliveries, self._kinds, self._shared
        )
        self._threads = ThreadNames(sessionmaker, classes, chats, deliveries, clock, self.settle)
        self.add_kind(THREAD_KIND, self._threads)
        self.children = ChildReplies(sessionmaker, deliveries, clock, self)
        self.add_kind(DIRECT_KIND, self.children)

    def roles_from(self, resolve: Callable[[Actor, ChannelRef], Awaitable[Actor]]) -> None:
        """Decide by the role the class gives the person now, not the one where they react."""
        self._current_role = resolve

    def books_from(self, current: Callable[[AsyncSession, int], Awaitable[Book | None]]) -> None:
        """Screen a class's messages knowing the book it reads (`current(db, class id)`):
        its title, author, characters and chapter titles are names there, not insults."""
        self._book = current
        self._threads.book = current

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
        # reviews behind the room's next events (Matrix): the class stops seeing a held
        # message before anything else, asked the moment it is held (``removals.py``)
        deferring = self.follow_ups.deferring
        early = EarlyRemoval(chat, ev.message) if deferring and not ev.media else None
        async with (
            self._screening.hold((cls.id, ev.actor.user.id)),
            self.sessionmaker.begin() as db,
        ):
            # a repeat, or an update (an edit, a link preview) of a message already removed:
            # the teacher reviews what was held, and that is what approval shares
            repeat, flag_id = await handled_before(
                db, chat.platform.value, ev.message.id, ev.revision
            )
            held, action = (None, "repeat") if repeat else await self._screen(db, cls, ev, early)
            flag_id = held.id if held is not None else flag_id
        if action in ("allow", "flag"):
            await self._shared(MessageShared(cls.id, ev.channel, ev.actor.user, ev.text))
        if flag_id is not None:
            removal = None
            if deferring:
                removal = await self._effects.hide_first(flag_id, cls, ev.message.id, held, early)
            # the review (made ready during the removal) and the student's note: behind the
            # class's next messages (the flag row is saved: ``resume`` finishes after a crash)
            await self.follow_ups.run(f"class:{cls.id}", partial(self.settle, flag_id))
            if removal is not None:
                await removal  # the room's next events wait until the class no longer sees it

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
        else:  # a child writing to the bot in their own direct room (``direct_replies.py``)
            await self.children.on_direct(chat, ev)

    async def on_command_typed(self, chat: Chat, ev: CommandTyped) -> None:
        """A student's visible command is held only when its words need a look."""
        if ev.actor.is_teacher or checked(ev.text, None, self.deadline).clean:
            return
        await self.on_message(chat, MessagePosted(ev.message, ev.actor, ev.text))

    async def _screen(
        self, db: AsyncSession, cls: ClassInfo, ev: MessagePosted, early: EarlyRemoval | None
    ) -> tuple[Flag | None, str]:
        """Screen and record the message (a hold starts its `early` removal first); its flag."""
        member = await self.classes.member(db, cls.id, ev.actor.user)
        rules = ClassRules.of(await db.get_one(Classroom, cls.id))
        # a message caught up after a restart counts when it was posted (not as a flood)
        posted_at = ev.posted_at or self.clock.now()
        recent = self._recent.seen(ev.actor.user.id, ev.text, posted_at)
        text = screened_text(ev.text, ev.media)
        book = await self._book(db, cls.id)
        verdict = with_media(checked(text, rules.context(recent, book), self.deadline), ev.media)
        decision = decide(verdict, member.trust, rules.policy)
        action, reasons = decision.action, decision.reasons
        note = verdict.student_note
        if ev.channel.thread and await thread_closed(db, cls.id, ev.channel.thread):
            action, reasons = "hold", [*reasons, CLOSED_REASON]
            note = note or texts.CLOSED_NOTE
        if action == "hold" and not note and member.trust == "new":
            note = texts.NEW_MEMBER_NOTE
        if action == "hold" and early is not None:
            early.start()
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
            student_note=note,
            matches=[f"{sp.category}:{sp.detail}" for sp in verdict.spans]
            + ([ESCALATE] if decision.escalate else []),
            media=[[m.kind, m.name, m.ref] for m in ev.media],
            created_at=now,
        )
        db.add(flag)
        await db.flush()
        await floods.join(db, flag, now)  # a flood: one combined review
        audit.record(db, now, cls.id, "readaloud", f"flag.{action}", flag=flag.id, reasons=reasons)
        return flag, action

    # ---- teacher decisions ----

    async def on_reaction(self, chat: Chat, ev: ReactionAdded) -> None:
        """A student's reaction made of words is screened like a message (``reactions.py``)."""
        said = text_reaction(ev)
        if said is not None:
            await self.on_message(chat, said)

    async def on_decided(self, chat: Chat, ev: Decided) -> None:
        """A decision nobody waits to hear about (a ✅ / ❌ reaction on a review)."""
        try:
            await self.decision(ev)
        except UserError as e:  # a student's reaction, or nothing waiting on that review
            log.info("a decision on %s was not carried out: %s", ev.review, e.message)

    async def answer_decided(self, chat: Chat, ev: Request) -> Reply | None:
        """A decision its teacher waits to hear about (a button): the answer, for them only."""
        if not isinstance(ev, Decided):
            return None
        said = await self.decision(ev)
        return None if said is None else Reply(said, private=True)

    async def decision(self, ev: Decided) -> str | None:
        """A teacher's decision with the platform's controls: decides the flag, or every
        waiting flag of a combined review (as `mod approve-all` / `mod reject-all` do), and
        returns the answer for the teacher; None when `ev` is on no review. Raises NotAllowed
        for someone who is not the class's teacher now, UserError when nothing waits."""
        actor = await self._current_role(ev.actor, ev.channel)
        if not actor.is_teacher:  # e.g. a teacher demoted in the class room since
            raise NotAllowed(NOT_YOURS)
        if ev.item is not None:  # the control names its review's first flag
            return await self.decide_review(ev.item, ev.approve, actor, ev.reason, ev.channel)
        if ev.review is None:
            return None
        lead, flag_id = await reviewed_by(self.sessionmaker, ev.review.id)
        if lead is None and flag_id is None:
            # the review may be on its way still (posted behind the class's messages, or by
            # another room's handler): a decision on it must not be lost
            await self.follow_ups.caught_up()
            await self._effects.caught_up()
            lead, flag_id = await reviewed_by(self.sessionmaker, ev.review.id)
        if lead is not None:
            return await self.decide_review(lead, ev.approve, actor, ev.reason, ev.channel)
        if flag_id is not None:
            return await self.decide(flag_id, ev.approve, actor, ev.reason, ev.channel)
        return None

    async def decide(
        self,
        flag_id: int,
        approve: bool,
        actor: Actor,
        reason: str,
        where: ChannelRef,
        edited: str | None = None,
    ) -> str:
        """Approve (optionally with the teacher's edit) or reject a pending flag; returns the
        reply for the teacher (nothing in the teacher room, where the decision is posted)."""
        cls = await self.classes.require(where)
        async with self.sessionmaker.begin() as db:
            flag = await flag_in(db, cls.id, flag_id)
            if flag.state != "pending":
                raise UserError(f"Flag #{flag_id} was already {flag.state} by {flag.decided_by}.")
            record_decision(db, flag, approve, actor, reason, flag.id, self.clock.now(), edited)
            await floods.changed(db, flag.group_id)
            state = flag.state
        await self.settle(flag_id)
        here = cls.teacher_channel is not None and where.room == cls.teacher_channel.room
        if here and not self._effects.exposed(cls.id):
            return ""  # the decision's notice in this room is the one confirmation
        return f"{'✅' if approve else '❌'} Flag #{flag_id} {state}."

    async def decide_review(
        self, flag_id: int, approve: bool, actor: Actor, reason: str, where: ChannelRef
    ) -> str:
        """Approve or reject every waiting message the teacher sees on flag N's combined
        review (oldest first, each reposted in order), or flag N alone if it has its own."""
        cls = await self.classes.require(where)
        async with self.sessionmaker.begin() as db:
            flag = await flag_in(db, cls.id, flag_id)
            group_id = flag.group_id
            waiting = await floods.shown_waiting(db, group_id) if group_id is not None else []
            for f in waiting:
                record_decision(db, f, approve, actor, reason, waiting[0].id, self.clock.now())
            await floods.changed(db, group_id if waiting else None)
        if group_id is None:
            return await self.decide(flag_id, approve, actor, reason, where)
        if not waiting:
            raise UserError(f"Nothing on the review of flag #{flag_id} is waiting any more.")
        for f in waiting:
            try:
                await self.settle(f.id)
            except Exception:  # the regular resume finishes it; the others go on
                log.exception("could not finish flag %s yet", f.id)
        return texts.decided_together(approve, waiting)

    async def set_trust(
        self, where: ChannelRef, user: UserRef, level: str, actor: Actor, prefix: str = "!"
    ) -> str:
        cls = await self.classes.require(where)
        chat = self.chats[cls.platform]
        people = await chat.members(cls.channel)
        async with self.sessionmaker() as db:
            known = await self.classes.known(db, cls.id, user)
        # a platform that cannot list the class (empty) leaves the check to the member rows
        if people and not known and user.id not in {p.id for p in people}:
            teachers = {t.id for t in await chat.teachers(cls.channel)}
            students = [p for p in people if p.id not in teachers]
            nearest = closest_member(user, students)
            raise UserError(texts.not_in_class(user, nearest, students, prefix))
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
