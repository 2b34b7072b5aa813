"""One answer to every class that asked: in each class's current thread, quoting its words.

Each class gets its own keyed posts (the answer in the class, a copy in the
teacher channel), so a crash or restart finishes the fan-out without
repeating a post. Posts go out with bounded concurrency, which keeps the
platform's rate limit, not this loop, the bottleneck. An answer waits in a
class's review queue as a flag of kind "answer" instead, posted when that
class's teacher approves it, when the class reviews every answer (its
default, `author review on|off`) or screening found something (a link, say);
one that reads like grooming waits in every class, whatever its setting, and
each class's safeguarding lead is told.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.model import Outgoing
from bot.db.states import AnswerState, FlagState, QuestionState
from bot.db.tables import Answer, ClassProfile, Classroom, Flag, GuestAuthor, InboxItem, Question
from bot.deliveries import Deliveries
from cogs.authors import texts
from cogs.authors.context import Place, places
from cogs.classroom.service import ClassInfo
from cogs.moderation.policy import ESCALATING, checked
from cogs.review.items import NewItem, submit
from cogs.review.service import ReviewQueue

log = logging.getLogger(__name__)
KIND = "answer"  # its review items
CONCURRENCY = 16
WAITING = (QuestionState.RELAYED,)


@dataclass(frozen=True)
class AnswerShown:
    """A guest author's answer is now posted in a class that asked (told to the circles
    feature, which shares it with the class's circle)."""

    answer_id: int
    item_id: int  # the inbox item (one question, merged across the classes that asked)
    classroom_id: int
    author: str
    question: str  # the class's own wording
    text: str
    chapter: int | None


@dataclass(frozen=True)
class Target:
    """One class that asked: its question, the class, and its current thread."""

    question_id: int
    wording: str
    student: str
    cls: ClassInfo
    thread: str | None  # the open session's thread; None: the class room
    review: bool = True  # the class's teacher looks at every answer first
    chapter: int | None = None  # where the class was when it asked


def open_thread(place: Place | None) -> str | None:
    """Where a class is talking now: its running session's thread; a closed thread holds
    what students post, so then the class room (None)."""
    return place.thread_id if place and place.open else None


class Fanout:
    """Delivers an answer (or a pass) to every class whose question it closes."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        review: ReviewQueue,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.reviews = review
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        self.concurrency = concurrency
        self.shown: list[Callable[[AnswerShown], Awaitable[None]]] = []  # told of each

    async def _tell_shown(self, shown: AnswerShown) -> None:
        for listener in self.shown:
            try:
                await listener(shown)
            except Exception:
                log.exception("a listener failed on answer %s", shown.answer_id)

    async def deliver(self, answer_id: int) -> int:
        """Do whatever of the answer's delivery is not done yet; returns the classes reached."""
        async with self.sessionmaker() as db:
            answer = await db.get_one(Answer, answer_id)
            item = await db.get_one(InboxItem, answer.item_id)
            author = await db.get_one(GuestAuthor, item.author_id)
            targets, asked_by = await self._targets(db, item.id)
        gate = asyncio.Semaphore(self.concurrency)
        # grooming or self-harm signals: held everywhere and the safeguarding lead told
        found = checked(answer.text).categories if answer.kind == "answer" else frozenset()
        alarm = sorted(found & ESCALATING)

        async def one(t: Target) -> str:
            async with gate:
                return await self._to_class(answer, author.name, t, asked_by, alarm)

        results = await asyncio.gather(*(one(t) for t in targets), return_exceptions=True)
        done: dict[str, list[int]] = {}
        failed = 0
        for t, result in zip(targets, results, strict=True):
            if isinstance(result, BaseException):
                failed += 1
                log.error("answer %s to class %s failed: %r", answer_id, t.cls.id, result)
            elif result:
                done.setdefault(result, []).append(t.question_id)
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            for state, ids in done.items():
                await db.execute(
                    update(Question)
                    .where(Question.id.in_(ids), Question.state.in_(WAITING))
                    .values(state=state, updated_at=now)
                )
            if not failed:
                row = await db.get_one(Answer, answer_id)
                row.state, row.done_at = AnswerState.DONE, now
        return len(targets) - failed

    async def _targets(self, db: AsyncSession, item_id: int) -> tuple[list[Target], int]:
        rows = (
            await db.execute(
                select(Question, Classroom)
                .join(Classroom, Classroom.id == Question.classroom_id)
                .where(Question.item_id == item_id)
                .order_by(Question.id)
            )
        ).all()
        where = await places(db, [q.classroom_id for q, _ in rows], self.clock.now())
        asked_by = len({q.classroom_id for q, _ in rows})
        settings = await db.execute(
            select(ClassProfile.classroom_id, ClassProfile.review_answers).where(
                ClassProfile.classroom_id.in_({q.classroom_id for q, _ in rows})
            )
        )
        review = {class_id: on for class_id, on in settings}  # no profile row: the default
        targets = []
        for q, classroom in rows:
            if q.state not in WAITING:
                continue
            targets.append(
                Target(
                    q.id,
                    q.text,
                    q.student_name,
                    ClassInfo.of(classroom),
                    open_thread(where.get(q.classroom_id)),
                    review.get(q.classroom_id, True),
                    q.chapter,
                )
            )
        return targets, asked_by

    async def _to_class(
        self, answer: Answer, author: str, t: Target, asked_by: int, alarm: list[str]
    ) -> str:
        """Post to one class; returns the question's new state ('' if unchanged)."""
        key = f"authors:answer{answer.id}:q{t.question_id}"
        if answer.kind == "pass":
            await self.post_in_class(t, key, texts.pass_in_class(author, t.wording, t.chapter))
            await self._teachers(t, key, texts.pass_for_teachers(author, t.wording, t.student))
            return QuestionState.PASSED
        if answer.reasons or t.review or alarm:
            await self._hold(answer, author, t, alarm)
            return ""
        await self.post_in_class(
            t, key, texts.answer_in_class(author, t.wording, answer.text, asked_by, t.chapter)
        )
        text = texts.answer_for_teachers(author, t.wording, t.student, answer.text)
        await self._teachers(t, key, text)
        shown = AnswerShown(
            answer.id, answer.item_id, t.cls.id, author, t.wording, answer.text, t.chapter
        )
        await self._tell_shown(shown)
        return QuestionState.ANSWERED

    async def post_in_class(self, t: Target, key: str, text: str) -> None:
        """In the class's current thread; if that thread is gone, in the class room."""
        chat = self.chats[t.cls.platform]
        room_key = key + ":room"
        if t.thread and await self.deliveries.sent(room_key) is None:
            thread = t.cls.channel.in_thread(t.thread)
            out = Outgoing(text, key=key, notice=False)
            try:
                await self.deliveries.once(key, thread, partial(chat.send, thread, out))
                return
            except Exception as e:
                log.warning(
                    "class %s: thread %s unusable (%s); posting in the room", t.cls.id, t.thread, e
                )
        room = t.cls.channel
        out = Outgoing(text, key=room_key, notice=False)
        await self.deliveries.once(room_key, room, partial(chat.send, room, out))

    async def _teachers(self, t: Target, key: str, text: str) -> None:
        where = t.cls.teacher_channel
        if where is None:
            return
        chat = self.chats[t.cls.platform]
        out = Outgoing(text, key=key + ":teacher")
        await self.deliveries.once(key + ":teacher", where, partial(chat.send, where, out))

    async def _hold(self, answer: Answer, author: str, t: Target, alarm: list[str]) -> None:
        """The answer waits in this class's review queue; created once per class."""
        async with self.sessionmaker.begin() as db:
            q = await db.get_one(Question, t.question_id)
            if q.answer_flag_id is None:
                item = NewItem(
                    classroom_id=t.cls.id,
                    kind=KIND,
                    user_id=f"author:{answer.id}",
                    user_name=author,
                    channel_id=t.cls.channel.id,
                    thread_id=t.thread,
                    text=answer.text,
                    reasons=list(answer.reasons) or [texts.REVIEWS_EVERY_ANSWER],
                    matches=[f"{c}:author answer" for c in alarm],
                    escalate=bool(alarm),
                )
                flag = await submit(db, item, self.clock.now())
                q.answer_flag_id, q.state = flag.id, QuestionState.ANSWER_HELD
            flag_id = q.answer_flag_id
        await self.reviews.settle(flag_id)

    async def waiting(self, answer_id: int) -> int:
        """In how many classes the answer waits for a teacher."""
        async with self.sessionmaker() as db:
            item_id = (await db.get_one(Answer, answer_id)).item_id
            return int(
                await db.scalar(
                    select(func.count(Question.id)).where(
                        Question.item_id == item_id, Question.state == QuestionState.ANSWER_HELD
                    )
                )
                or 0
            )

    # ---- the teacher's decision on a held answer (review kind "answer") ----

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The teacher's review message for a held answer, quoting the class's question."""
        async with self.sessionmaker() as db:
            wording = await db.scalar(
                select(Question.text).where(Question.answer_flag_id == flag.id)
            )
        text = texts.answer_review(flag.user_name, wording or "", flag.text, flag.reasons, flag.id)
        return Outgoing(text, key=key, notice=False)

    async def decided(self, flag: Flag) -> None:
        """Approved: post it in this class. Rejected: the class never sees it."""
        async with self.sessionmaker() as db:
            found = (
                await db.execute(
                    select(Question, Classroom)
                    .join(Classroom, Classroom.id == Question.classroom_id)
                    .where(Question.answer_flag_id == flag.id)
                )
            ).first()
            if found is None:
                return
            q, classroom = found
            asked_by = int(
                await db.scalar(
                    select(func.count(func.distinct(Question.classroom_id))).where(
                        Question.item_id == q.item_id
                    )
                )
                or 1
            )
            # posted where the class talks at the teacher's decision, not where it was held
            place = (await places(db, [classroom.id], self.clock.now())).get(classroom.id)
        thread = open_thread(place)
        t = Target(q.id, q.text, q.student_name, ClassInfo.of(classroom), thread, chapter=q.chapter)
        state = QuestionState.WITHHELD
        if flag.state == FlagState.APPROVED:
            key = f"authors:answerflag{flag.id}"
            text = texts.answer_in_class(flag.user_name, q.text, flag.text, asked_by, q.chapter)
            await self.post_in_class(t, key, text)
            state = QuestionState.ANSWERED
            answer_id = None if q.item_id is None else await self._answer_of(q.item_id)
            if answer_id is not None and q.item_id is not None:
                shown = AnswerShown(
                    answer_id, q.item_id, classroom.id, flag.user_name, q.text, flag.text,
                    q.chapter,
                )  # fmt: skip
                await self._tell_shown(shown)
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Question, q.id)
            if row.state == QuestionState.ANSWER_HELD:
                row.state, row.updated_at = state, self.clock.now()

    async def _answer_of(self, item_id: int) -> int | None:
        async with self.sessionmaker() as db:
            return await db.scalar(
                select(Answer.id).where(Answer.item_id == item_id).order_by(Answer.id.desc())
            )
