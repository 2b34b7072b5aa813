"""Screening student messages, and holding for the teacher what needs a look.

What screening holds or flags becomes an item of the review queue (``cogs/review``),
which posts the review, carries out the teacher's decision and finishes every step
exactly once after a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.commands import Reply
from bot.core.deadline import Deadline
from bot.core.dispatch import Chats
from bot.core.errors import UserError
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
from bot.core.model import Actor, ChannelRef, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Classroom, Flag, Post
from bot.deliveries import Deliveries
from bot.screening.verdict import SPAM, Book
from cogs.classroom.service import ClassInfo, ClassroomService, closest_member
from cogs.moderation import texts
from cogs.moderation.catchup import catch_up
from cogs.moderation.direct_replies import KIND as DIRECT_KIND
from cogs.moderation.direct_replies import ChildReplies
from cogs.moderation.policy import checked, decide, screened_text, screening_deadline, with_media
from cogs.moderation.reactions import text_reaction
from cogs.moderation.recent import (
    RecentMessages,
    handled_before,
    spam_already_flagged,
    thread_closed,
)
from cogs.moderation.rules import ClassRules
from cogs.moderation.threadnames import KIND as THREAD_KIND
from cogs.moderation.threadnames import ThreadNames, no_book
from cogs.review import floods
from cogs.review.items import NewItem, submit
from cogs.review.removals import EarlyRemoval
from cogs.review.service import ReviewQueue
from cogs.review.texts import NEW_MEMBER_NOTE

log = logging.getLogger(__name__)
CLOSED_REASON = "posted after the session's discussion closed"


class ModerationService:
    """Screens students' messages and raises what needs the teacher (``cogs/review``)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        deadline: Deadline | None = None,
        follow_ups: FollowUps | None = None,
        review: ReviewQueue | None = None,
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
        self._book: Callable[[AsyncSession, int], Awaitable[Book | None]] = no_book
        self.review = review or ReviewQueue(
            sessionmaker, classes, chats, deliveries, clock, self.follow_ups, self._shared
        )
        self._threads = ThreadNames(
            sessionmaker, classes, chats, deliveries, clock, self.review.settle
        )
        self.review.add_kind(THREAD_KIND, self._threads)
        self.children = ChildReplies(sessionmaker, deliveries, clock, self.review)
        self.review.add_kind(DIRECT_KIND, self.children)

    def roles_from(self, resolve: Callable[[Actor, ChannelRef], Awaitable[Actor]]) -> None:
        """Decide by the role the class gives the person now, not the one where they react."""
        self.review.roles_from(resolve)

    def books_from(self, current: Callable[[AsyncSession, int], Awaitable[Book | None]]) -> None:
        """Screen a class's messages knowing the book it reads (`current(db, class id)`):
        its title, author, characters and chapter titles are names there, not insults."""
        self._book = current
        self._threads.book = current

    def pause_when(self, exposed: Callable[[int], bool]) -> None:
        """Post nothing in a class's teacher room while `exposed(class id)` says students
        can read it; ``resume`` delivers it afterwards."""
        self.review.pause_when(exposed)

    def retry_with(self, later: Callable[[], Awaitable[object]]) -> None:
        """Call `later` whenever an item is left not settled (``resume`` is then due)."""
        self.review.retry_with(later)

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
        # message before anything else, asked the moment it is held (``review/removals.py``)
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
            shared = MessageShared(cls.id, ev.channel, ev.actor.user, ev.text, ev.message.id)
            await self._shared(shared)
        if flag_id is not None:
            removal = None
            if deferring:
                removal = await self.review.hide_first(flag_id, cls, ev.message.id, held, early)
            # the review (made ready during the removal) and the student's note: behind the
            # class's next messages (the flag row is saved: ``resume`` finishes after a crash)
            await self.follow_ups.run(f"class:{cls.id}", partial(self.review.settle, flag_id))
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
            note = NEW_MEMBER_NOTE
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
        item = NewItem(
            classroom_id=cls.id,
            post_id=post.id,
            user_id=ev.actor.user.id,
            user_name=ev.actor.user.label,
            channel_id=ev.channel.id,
            thread_id=ev.channel.thread,
            text=ev.text,
            reasons=reasons,
            escalate=decision.escalate,
            action=action,
            student_note=note,
            matches=[f"{sp.category}:{sp.detail}" for sp in verdict.spans],
            media=ev.media,
        )
        flag = await submit(db, item, now)
        audit.record(db, now, cls.id, "readaloud", f"flag.{action}", flag=flag.id, reasons=reasons)
        return flag, action

    # ---- teacher decisions ----

    async def on_reaction(self, chat: Chat, ev: ReactionAdded) -> None:
        """A student's reaction made of words is screened like a message (``reactions.py``);
        a teacher's ✅ / ❌ on a review arrives as ``Decided`` (``on_decided``)."""
        said = text_reaction(ev)
        if said is not None:
            await self.on_message(chat, said)

    async def on_decided(self, chat: Chat, ev: Decided) -> None:
        """A decision nobody waits to hear about (a ✅ / ❌ reaction on a review)."""
        await self.review.on_decided(ev)

    async def answer_decided(self, chat: Chat, ev: Request) -> Reply | None:
        """A decision its teacher waits to hear about (a button on a review)."""
        return await self.review.answer_decided(ev)

    async def set_trust(
        self, cls: ClassInfo, user: UserRef, level: str, actor: Actor, prefix: str = "!"
    ) -> str:
        """Set a student's trust in the class, once sure they are one of its members."""
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

    async def resume(self) -> int:
        """Finish every hold or decision not fully carried out (``ReviewQueue.resume``)."""
        return await self.review.resume()
