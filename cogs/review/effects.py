"""Carrying out a flag's state exactly once: hide, tell the student, the teacher's
review, escalation, repost or removal after the decision.

Every effect is a keyed delivery, so ``settle`` can run again after a crash (or
from the regular ``resume``) and only does what is missing.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from functools import partial

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.dispatch import Chats
from bot.core.events import MessageShared
from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, UserRef
from bot.core.ports import Chat
from bot.db.states import FlagState
from bot.db.tables import Classroom, Flag, Post
from bot.deliveries import Deliveries
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.review import floods, texts
from cogs.review.items import ReviewKind
from cogs.review.removals import HIDE_REASON, EarlyRemoval, Removal, Removals

log = logging.getLogger(__name__)
Gate = Callable[[], Awaitable[object]]  # what must return before a post goes out


class FlagEffects:
    """Delivers what a flag's state calls for, once each."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        kinds: dict[str, ReviewKind],
        shared: Callable[[MessageShared], Awaitable[None]],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self._kinds = kinds
        self._shared = shared
        self._locks = floods.KeyedLocks()  # by flag
        self.removals = Removals()  # held messages being removed right now (``hide_first``)
        self.combined = floods.CombinedReviews(sessionmaker, deliveries)
        # classes whose teacher room students can read right now (see classroom/watch.py)
        self.exposed: Callable[[int], bool] = lambda _class_id: False
        # told whenever a flag is left not settled, so that it is tried again later
        self.unfinished: Callable[[], Awaitable[object]] = _nothing

    async def resume(self) -> int:
        """Finish every hold or decision not fully carried out: interrupted by a crash, or
        a step that failed (a message the bot could not remove yet)."""
        async with self.sessionmaker() as db:
            ids = list(  # oldest first: approved messages reappear in the order they were sent
                await db.scalars(select(Flag.id).where(Flag.settled.is_(False)).order_by(Flag.id))
            )
        for flag_id in ids:
            try:
                await self.settle(flag_id)
            except Exception:
                log.exception("could not finish flag %s; will try again", flag_id)
        return len(ids)

    async def settle(self, flag_id: int) -> None:
        """Deliver every effect of a flag's current state that is not delivered yet
        (one settling per flag at a time: a regular resume may meet a live decision)."""
        try:
            async with self._locks.hold(flag_id):
                await self._settle(flag_id)
        except Exception:
            await self.unfinished()
            raise

    async def caught_up(self) -> None:
        """Return once every flag being settled right now is done (its review posted)."""
        await self._locks.caught_up()

    async def hide_first(
        self,
        flag_id: int,
        cls: ClassInfo,
        message_id: str,
        held: Flag | None = None,
        early: EarlyRemoval | None = None,
    ) -> Awaitable[bool] | None:
        """Start removing a held message (`message_id` in `cls`) now, ahead of the review
        and note ``settle`` delivers later: its review is made ready meanwhile and posted
        once the platform has answered the removal; the flag is settled once the removal
        is done. Returns the removal to await, or None when ``settle`` removes it itself
        (a held picture is copied for the teacher first). `held`: the flag as just saved;
        `early`: the platform already asked while the hold was being recorded."""
        if held is None:
            async with self.sessionmaker() as db:
                held = await db.get_one(Flag, flag_id)
        if held.settled or held.action != "hold" or held.kind in self._kinds or media_of(held):
            return None
        where = ChannelRef(cls.platform, held.channel_id, held.thread_id)
        chat, key, tell = self.chats[cls.platform], f"flag:{held.id}", not self.exposed(cls.id)
        remove = partial(self._hide_once, chat, held, where, key, tell, message_id, early=early)
        return self.removals.start(flag_id, lambda removal: remove(removal=removal))

    async def _settle(self, flag_id: int) -> None:
        async with self.sessionmaker() as db:
            flag = await db.get_one(Flag, flag_id)
        if flag.settled:
            return
        cls = await self.classes.get(flag.classroom_id)
        chat = self.chats[cls.platform]
        where = ChannelRef(cls.platform, flag.channel_id, flag.thread_id)
        student = UserRef(cls.platform, flag.user_id, flag.user_name)
        key = f"flag:{flag.id}"
        exposed = self.exposed(cls.id)
        if exposed:
            # students can read the teacher room: nothing goes there until it is private
            # again (``resume`` finishes then and settles the flag); the class side goes on
            cls = dataclasses.replace(cls, teacher_channel=None)
        if flag.kind in self._kinds:
            await self._settle_kind(flag, cls, self._kinds[flag.kind], exposed)
            return
        hidden = True
        media = media_of(flag)
        removal = self.removals.get(flag.id) if flag.action == "hold" else None
        if media:  # copied for the teacher while the student's message still exists
            await self._review(chat, cls, flag, key, media)
        if removal is not None and removal.done is not None:
            # on its way (``hide_first``): the review is made ready meanwhile and goes out
            # once the platform has answered the removal
            await self._review(chat, cls, flag, key, media, removal.answered)
            hidden = await asyncio.shield(removal.done)
        else:
            if flag.action == "hold":
                # a message the bot cannot remove (no permission, a server error) must not
                # keep the review and a safeguarding alert from the teacher: say so, try
                # again later
                hidden = await self._hide_once(chat, flag, where, key, not exposed)
            if not media:
                await self._review(chat, cls, flag, key, media)
        if flag.action == "hold" and not flag.group_rev:  # a flood's later ones: one notice
            await self._once_tell(chat, key + ":held", student, where, texts.held(flag))
        if flag.state == FlagState.APPROVED and flag.action == "hold":
            first_time = await self.deliveries.sent(key + ":repost") is None
            if media and cls.teacher_channel is not None and flag.review_message_id:
                review_ref = MessageRef(cls.teacher_channel, flag.review_message_id)
                media = await chat.kept_media(review_ref, media)
            out = dataclasses.replace(texts.repost(flag, key + ":repost"), media=media)
            shown = await self.deliveries.once(
                key + ":repost", where, lambda: chat.repost_as(where, student, out)
            )
            if first_time:
                seen = shown.id if shown else f"flag-{flag.id}"
                await self._shared(MessageShared(cls.id, where, student, flag.text, seen, True))
        elif flag.state == FlagState.REJECTED:
            if flag.action == "flag":  # it was visible while waiting; now it goes
                hidden = await self._hide_once(chat, flag, where, key, not exposed)
            await self._tell_rejected(chat, flag, student, where)
        if (
            flag.state != FlagState.PENDING
            and flag.group_id is None
            and cls.teacher_channel is not None
        ):
            # a combined review shows its decisions itself (edited), not one post per flag
            await self.deliveries.once(
                key + ":decided",
                cls.teacher_channel,
                lambda: chat.send(cls.teacher_channel, texts.decided(flag, key + ":decided")),  # type: ignore[arg-type]
            )
        if not hidden or exposed:
            await self.unfinished()
            return  # not settled: ``resume`` tries again
        await self._mark_settled(flag)

    async def _review(
        self,
        chat: Chat,
        cls: ClassInfo,
        flag: Flag,
        key: str,
        media: tuple[Media, ...],
        after: Gate | None = None,
    ) -> None:
        """The teacher's review message (with any picture), and escalation when needed; a
        message of a flood is shown on its group's combined review instead. Nothing is
        posted before `after` returns."""
        teachers = cls.teacher_channel
        if teachers is None:
            return
        if not floods.groupable(flag):
            await self._single_review(chat, teachers, flag, key, media, after)
            return
        # one student's review at a time: a message joining a group while its first review
        # is being posted finds that post, never makes a second one
        async with self.combined.locks.hold((flag.classroom_id, flag.user_id)):
            group_id = flag.group_id or await self.combined.group_of(flag.id)
            if group_id is None:
                await self._single_review(chat, teachers, flag, key, media, after)
                return

            async def lead_review(lead: Flag) -> str | None:
                lead_key = f"flag:{lead.id}"
                review = await self._single_review(chat, teachers, lead, lead_key, (), after)
                return review.id if review else None

            await self.combined.show(chat, teachers, group_id, lead_review, after)

    async def _single_review(
        self,
        chat: Chat,
        teachers: ChannelRef,
        flag: Flag,
        key: str,
        media: tuple[Media, ...],
        after: Gate | None = None,
    ) -> MessageRef | None:
        """A flag's own review message (once), and escalation when needed."""
        out = dataclasses.replace(texts.review(flag, key + ":review"), media=media)
        ask = partial(chat.ask_decision, teachers, flag.id, out)
        review = await self.deliveries.once(key + ":review", teachers, ask, after)
        if review is not None and flag.review_message_id != review.id:
            async with self.sessionmaker.begin() as db:
                (await db.get_one(Flag, flag.id)).review_message_id = review.id
            flag.review_message_id = review.id
        if flag.escalate:
            await self._escalate(chat, teachers, flag, key + ":escalate")
        return review

    async def _tell_rejected(
        self, chat: Chat, flag: Flag, student: UserRef, where: ChannelRef
    ) -> None:
        """Tell the student once per rejection: messages rejected together, one notice."""
        if flag.group_id is None or flag.decision_batch is None:
            key = f"flag:{flag.id}:rejected"
            await self._once_tell(chat, key, student, where, texts.rejected(flag))
            return
        async with self.sessionmaker() as db:
            count = await floods.batch_size(db, flag)
        text = texts.rejected_together(flag, count)
        key = f"group:{flag.group_id}:rejected:{flag.decision_batch}"
        await self._once_tell(chat, key, student, where, text)

    async def _hide_once(
        self,
        chat: Chat,
        flag: Flag,
        where: ChannelRef,
        key: str,
        tell_teachers: bool = True,
        message_id: str | None = None,
        removal: Removal | None = None,
        early: EarlyRemoval | None = None,
    ) -> bool:
        """Remove the student's message (once); False, with the teachers told once, if the
        platform refused. `removal` is told when the platform is asked and has answered;
        `early`: it was asked already (its answer is this removal's)."""

        async def hide() -> None:
            message = MessageRef(where, message_id or await self._message_id(flag))
            if removal is not None:
                removal.asking()
            try:
                if early is not None and early.started:
                    await early.answered()
                else:
                    await chat.hide(message, HIDE_REASON)
            finally:
                if removal is not None:
                    removal.answer()

        try:
            await self.deliveries.once(key + ":hide", where, hide)
            return True
        except Exception as e:
            log.warning("could not remove the message of flag %s: %s", flag.id, e)
            cls = await self.classes.get(flag.classroom_id)
            if cls.teacher_channel is not None and tell_teachers:
                teachers = cls.teacher_channel
                out = texts.hide_failed(flag, str(e), key + ":hide-failed")
                await self.deliveries.once(
                    key + ":hide-failed", teachers, partial(chat.send, teachers, out)
                )
            return False

    async def _escalate(self, chat: Chat, teachers: ChannelRef, flag: Flag, key: str) -> None:
        """Self-harm and abuse signals: the safeguarding lead is named and pinged."""
        async with self.sessionmaker() as db:
            lead_id = (await db.get_one(Classroom, flag.classroom_id)).safeguarding_id
        lead = UserRef(teachers.platform, lead_id) if lead_id else None
        out = Outgoing(
            texts.escalation(flag, lead), key=key, notice=False, mentions=(lead,) if lead else ()
        )
        await self.deliveries.once(key, teachers, partial(chat.send, teachers, out))

    async def _settle_kind(
        self, flag: Flag, cls: ClassInfo, kind: ReviewKind, exposed: bool = False
    ) -> None:
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
            if flag.escalate:
                await self._escalate(chat, teachers, flag, key + ":escalate")
        if flag.state != FlagState.PENDING:
            await kind.decided(flag)
            if teachers is not None:
                done = partial(chat.send, teachers, texts.decided(flag, key + ":decided"))
                await self.deliveries.once(key + ":decided", teachers, done)
        if exposed:
            await self.unfinished()
            return
        await self._mark_settled(flag)

    async def _mark_settled(self, flag: Flag) -> None:
        """Done with `flag` as read at the start, unless a teacher decided since: checked and
        marked in one statement, so a decision saved between a read and a write (a teacher
        quick off the mark) is never marked done before its own settling carries it out."""
        async with self.sessionmaker.begin() as db:
            await db.execute(
                update(Flag)
                .where(Flag.id == flag.id, Flag.state == flag.state)
                .values(settled=True)
            )

    async def _message_id(self, flag: Flag) -> str:
        async with self.sessionmaker() as db:
            return (await db.get_one(Post, flag.post_id)).message_id

    async def _once_tell(
        self, chat: Chat, key: str, student: UserRef, where: ChannelRef, text: str
    ) -> None:
        async def tell() -> None:
            await chat.tell(student, where, texts.outgoing(text, key, student))

        await self.deliveries.once(key, where, tell)


async def _nothing() -> None:
    return None


def media_of(flag: Flag) -> tuple[Media, ...]:
    """The pictures or files a flag holds."""
    return tuple(Media(*item) for item in (flag.media or []) if len(item) == 3)
