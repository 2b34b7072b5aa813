"""Students' questions for the guest author: asked → approved → with the author.

Every question waits in the class's review queue as a flag of kind "question"
(same `mod approve N`, buttons and reactions as held messages). On approval
it joins the author's inbox de-identified: merged into an open item that
asks the same thing, or a new item sent to the author by direct message. A
question the author has already answered gets that answer at once, without
asking the author again.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.errors import UserError
from bot.core.model import Actor, ChannelRef, Outgoing, Platform, UserRef
from bot.core.wording import plural
from bot.db import audit
from bot.db.states import AnswerState, AuthorState, FlagState, InboxState, QuestionState
from bot.db.tables import Answer, AuthorInvite, Flag, GuestAuthor, InboxItem, Question
from bot.deliveries import Deliveries
from bot.screening.verdict import SELF_HARM
from cogs.authors import texts
from cogs.authors.context import class_people, places
from cogs.authors.deidentify import Person, deidentify
from cogs.authors.onboarding import profile_of
from cogs.authors.similarity import best_match, normalize
from cogs.classroom.calls import ClassCall
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.moderation.policy import checked
from cogs.review.items import NewItem, submit
from cogs.review.service import ReviewQueue

log = logging.getLogger(__name__)
KIND = "question"  # its review items
MAX_QUESTION = 500


@dataclass(frozen=True)
class Asked:
    """A question now waiting for the teacher."""

    question_id: int
    flag_id: int
    author: str


@dataclass(frozen=True)
class Relayed:
    """Where an approved question went: an inbox item, or an answer it already has."""

    item_id: int
    author: GuestAuthor
    answer_id: int | None = None


@dataclass(frozen=True)
class QuestionView:
    """One of a class's questions and where it has got to."""

    id: int
    text: str
    status: str
    student: str


class QuestionDesk:
    """Takes questions, hands them to the review queue, relays approved ones to the author."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        review: ReviewQueue,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        deliver: Callable[[int], Awaitable[int]],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.reviews = review
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        self.deliver = deliver  # the fan-out of one answer (``Fanout.deliver``)
        # approvals are relayed one at a time, so two alike questions approved at
        # once still share one inbox item
        self._relaying = asyncio.Lock()

    async def ask(self, call: ClassCall, text: str) -> Asked:
        """Hold the call's student's question for the teacher (it reaches the teacher
        channel); asked in the class room, or one of its threads."""
        cls, student = call.cls, call.actor.user
        if not call.in_class_room:
            raise UserError("Questions for the guest author are asked in the class room.")
        text = " ".join(text.split())[:MAX_QUESTION]
        verdict = checked(text)  # personal details or rude words: the teacher is shown
        found = list(verdict.reasons)
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            invite, author = await self._visit(db, cls.id)
            prof = await profile_of(db, cls.id)
            if await self._asked_today(db, cls, now) >= prof.daily_questions:
                raise UserError(
                    f"Your class has asked {plural(prof.daily_questions, 'question')} today, "
                    "the most your teacher allows. Save your question for tomorrow!"
                )
            place = (await places(db, [cls.id], now)).get(cls.id)
            chapter = place.chapter if place else None
            item = NewItem(
                classroom_id=cls.id,
                kind=KIND,
                user_id=student.id,
                user_name=student.label,
                channel_id=cls.channel.id,
                thread_id=call.where.thread,
                text=text,
                reasons=found,  # what screening saw, for the teacher
                context=f"for {author.name}, {texts.context(invite.book, chapter)}",
                escalate=SELF_HARM in verdict.categories,
            )
            flag = await submit(db, item, now)
            question = Question(
                classroom_id=cls.id,
                invite_id=invite.id,
                flag_id=flag.id,
                student_id=student.id,
                student_name=student.label,
                text=text,
                book=invite.book,
                chapter=chapter,
                state=QuestionState.ASKED,
                asked_at=now,
                updated_at=now,
            )
            db.add(question)
            await db.flush()
            audit.record(db, now, cls.id, student.id, "question.asked", question=question.id)
            asked = Asked(question.id, flag.id, author.name)
        await self.reviews.settle(asked.flag_id)
        return asked

    @staticmethod
    async def _visit(db: AsyncSession, class_id: int) -> tuple[AuthorInvite, GuestAuthor]:
        """The class's guest author: the latest used invite whose author is still here."""
        found = (
            await db.execute(
                select(AuthorInvite, GuestAuthor)
                .join(GuestAuthor, GuestAuthor.id == AuthorInvite.author_id)
                .where(
                    AuthorInvite.classroom_id == class_id, GuestAuthor.state == AuthorState.JOINED
                )
                .order_by(AuthorInvite.used_at.desc())
                .limit(1)
            )
        ).first()
        if found is None:
            raise UserError(
                "Your class has no guest author right now. Your teacher can invite one "
                "with: author invite"
            )
        return found[0], found[1]

    @staticmethod
    async def _asked_today(db: AsyncSession, cls: ClassInfo, now: datetime) -> int:
        tz = ZoneInfo(cls.timezone)
        midnight = datetime.combine(now.astimezone(tz).date(), time(), tz)
        return int(
            await db.scalar(
                select(func.count(Question.id)).where(
                    Question.classroom_id == cls.id,
                    Question.asked_at >= midnight,
                    Question.state != QuestionState.REJECTED,
                )
            )
            or 0
        )

    # ---- the teacher's decision (review kind "question") ----

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The teacher's review message for a question."""
        author_ctx = flag.context or "for the guest author"
        found = flag.reasons
        cls = await self.classes.get(flag.classroom_id)
        people = await self._on_platform(cls)
        async with self.sessionmaker() as db:
            people += await class_people(db, cls.id)
        # what approving sends, so the teacher knows
        shown = deidentify(flag.text, people, self.chats.accounts) or texts.ONLY_NAMES
        text = texts.question_review(flag.user_name, flag.text, author_ctx, flag.id, found, shown)
        return Outgoing(text, key=key, notice=False)

    async def decided(self, flag: Flag) -> None:
        """Approved: relay to the author's inbox. Rejected: the student hears kindly."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            q = await db.scalar(select(Question).where(Question.flag_id == flag.id))
            if q is None:
                return
            if q.state == QuestionState.ASKED:
                q.state = (
                    QuestionState.APPROVED
                    if flag.state == FlagState.APPROVED
                    else QuestionState.REJECTED
                )
                q.text, q.updated_at = flag.text, now  # the teacher may have edited it
            question_id, state = q.id, q.state
        cls = await self.classes.get(flag.classroom_id)
        student = UserRef(cls.platform, flag.user_id, flag.user_name)
        if state == QuestionState.REJECTED:
            text = texts.not_sent(student.label, flag.decision_reason)
            await self._tell(cls, student, f"authors:q{question_id}:rejected", text)
            return
        people = await self._on_platform(cls)
        async with self._relaying:
            relayed = await self._relay(question_id, people)
        if relayed is None:
            return
        name = relayed.author.name
        if relayed.answer_id is not None:
            text = texts.already_answered(student.label, name, flag.text)
            await self._tell(cls, student, f"authors:q{question_id}:answered", text)
            await self.deliver(relayed.answer_id)
            return
        text = texts.with_author(student.label, name, flag.text)
        await self._tell(cls, student, f"authors:q{question_id}:relayed", text)
        await self._notify_author(relayed.item_id, relayed.author)

    async def _on_platform(self, cls: ClassInfo) -> list[Person]:
        """Everyone the platform lists in the class now (teachers marked), for keeping
        names in class; the class's own rows cover the rest if the platform fails."""
        chat = self.chats[cls.platform]
        try:
            teachers = await chat.teachers(cls.channel)
            members = await chat.members(cls.channel)
        except Exception:
            log.exception("class %s: could not list its members; using its rows", cls.id)
            return []
        ids = {t.id for t in teachers}
        return [Person(u.id, u.name, u.id in ids) for u in (*members, *teachers)]

    async def _relay(self, question_id: int, people: list[Person]) -> Relayed | None:
        """Put an approved question in the author's inbox (merged when alike), or with the
        answer the author already gave to the same question; one transaction."""
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            q = await db.get_one(Question, question_id)
            invite = await db.get_one(AuthorInvite, q.invite_id)
            author = await db.get(GuestAuthor, invite.author_id) if invite.author_id else None
            if q.state == QuestionState.APPROVED and (
                author is None or author.state != AuthorState.JOINED
            ):
                q.state, q.updated_at = QuestionState.DROPPED, now
                return None
            if q.state != QuestionState.APPROVED:
                if q.item_id is None or author is None:
                    return None
                return Relayed(q.item_id, author, await _answer_of(db, q.item_id))
            assert author is not None
            items = (
                await db.execute(
                    select(InboxItem.id, InboxItem.text, InboxItem.state).where(
                        InboxItem.author_id == author.id,
                        InboxItem.state.in_((InboxState.OPEN, InboxState.ANSWERED)),
                    )
                )
            ).all()
            item_id = best_match(q.text, [(i, t) for i, t, st in items if st == InboxState.OPEN])
            answered = best_match(
                q.text, [(i, t) for i, t, st in items if st == InboxState.ANSWERED]
            )
            answer_id = await _answer_of(db, answered) if item_id is None and answered else None
            if answer_id is not None and answered is not None:
                # delivering again: a restart finishes this class's post (``resume``)
                (await db.get_one(Answer, answer_id)).state = AnswerState.DELIVERING
                item_id = answered
            if item_id is None:
                known = await class_people(db, q.classroom_id)
                shown = (
                    deidentify(q.text, [*known, *people], self.chats.accounts) or texts.ONLY_NAMES
                )
                item = InboxItem(
                    author_id=author.id,
                    text=shown,
                    normalized=normalize(shown),
                    state=InboxState.OPEN,
                    created_at=now,
                )
                db.add(item)
                await db.flush()
                item_id = item.id
            q.item_id, q.state, q.updated_at = item_id, QuestionState.RELAYED, now
            audit.record(db, now, q.classroom_id, "readaloud", "question.relayed", item=item_id)
            return Relayed(item_id, author, answer_id)

    async def _notify_author(self, item_id: int, author: GuestAuthor) -> None:
        """Send a new inbox item to the author once; merged questions only raise its count."""
        async with self.sessionmaker() as db:
            item = await db.get_one(InboxItem, item_id)
            if item.message_id is not None:
                return
            first = await db.scalar(
                select(Question).where(Question.item_id == item_id).order_by(Question.id).limit(1)
            )
            assert first is not None
            prof = await profile_of(db, first.classroom_id)
        text = texts.new_question(
            item_id, prof.where, texts.context(first.book, first.chapter), item.text
        )
        platform = Platform(author.platform)
        chat = self.chats[platform]
        person = UserRef(platform, author.user_id, author.name)
        key = f"authors:item{item_id}:dm"
        inbox = ChannelRef(platform, f"dm:{author.user_id}")
        try:
            sent = await self.deliveries.once(
                key, inbox, partial(chat.dm, person, Outgoing(text, key=key))
            )
        except Exception:
            log.exception("could not send inbox item %s to author %s", item_id, author.id)
            return  # it stays in their `author inbox`
        if sent is not None:
            async with self.sessionmaker.begin() as db:
                (await db.get_one(InboxItem, item_id)).message_id = sent.id

    async def _tell(self, cls: ClassInfo, student: UserRef, key: str, text: str) -> None:
        chat = self.chats[cls.platform]

        async def tell() -> None:
            await chat.tell(student, cls.channel, Outgoing(text, key=key, mentions=(student,)))

        await self.deliveries.once(key, cls.channel, tell)

    # ---- statuses ----

    async def statuses(self, class_id: int, actor: Actor, limit: int = 10) -> list[QuestionView]:
        """The class's latest questions; only teachers see who asked."""
        async with self.sessionmaker() as db:
            rows = await db.scalars(
                select(Question)
                .where(Question.classroom_id == class_id)
                .order_by(Question.id.desc())
                .limit(limit)
            )
            return [
                QuestionView(
                    q.id,
                    q.text,
                    texts.STATUS.get(q.state, q.state),
                    q.student_name if actor.is_teacher else "",
                )
                for q in rows
            ]


async def _answer_of(db: AsyncSession, item_id: int) -> int | None:
    """The author's answer (not a pass) to an inbox item, if there is one."""
    return await db.scalar(
        select(Answer.id).where(Answer.item_id == item_id, Answer.kind == "answer")
    )
