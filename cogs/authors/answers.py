"""The author's side: the inbox, answering once (or passing), and direct messages.

An answer is screened like any message. It waits for a class's teacher when
that class looks at every answer (the default) or screening found something
(a link, say; grooming-shaped words wait in every class and are escalated);
otherwise it is posted in the class at once. See ``fanout.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import NotFound, UserError
from bot.core.events import DirectMessage
from bot.core.model import Outgoing, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.states import AnswerState, InboxState
from bot.db.tables import Answer, InboxItem, Question
from bot.deliveries import Deliveries
from cogs.authors import texts
from cogs.authors.fanout import Fanout
from cogs.authors.onboarding import AuthorDirectory
from cogs.classroom.service import ClassroomService
from cogs.moderation.policy import checked

MAX_ANSWER = 3000


@dataclass(frozen=True)
class InboxEntry:
    """One inbox item as the author sees it."""

    number: int
    classes: int
    text: str
    context: str


@dataclass(frozen=True)
class Closed:
    """An answered or passed item: how many classes it reaches, whether screening found
    something teachers check, and in how many classes it waits for a teacher."""

    classes: int
    held: bool
    waiting: int = 0


class AnswerDesk:
    """What a guest author does: look at the inbox, answer, pass."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        directory: AuthorDirectory,
        fanout: Fanout,
        deliveries: Deliveries,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.directory = directory
        self.fanout = fanout
        self.deliveries = deliveries
        self.clock = clock

    async def inbox(self, user: UserRef) -> list[InboxEntry]:
        """Open items, most-asked first (then oldest)."""
        author_id = await self._author(user)
        async with self.sessionmaker() as db:
            counts = (
                select(
                    Question.item_id.label("item_id"),
                    func.count(func.distinct(Question.classroom_id)).label("classes"),
                    func.min(Question.id).label("first"),
                )
                .group_by(Question.item_id)
                .subquery()
            )
            rows = await db.execute(
                select(
                    InboxItem.id, InboxItem.text, counts.c.classes, Question.book, Question.chapter
                )
                .join(counts, counts.c.item_id == InboxItem.id)
                .join(Question, Question.id == counts.c.first)
                .where(InboxItem.author_id == author_id, InboxItem.state == InboxState.OPEN)
                .order_by(counts.c.classes.desc(), InboxItem.id)
            )
            return [
                InboxEntry(i, n, text, texts.context(book, chapter))
                for i, text, n, book, chapter in rows
            ]

    async def answer(self, user: UserRef, number: int, text: str) -> Closed:
        """Answer an item once: every class that asked gets it."""
        text = text.strip()[:MAX_ANSWER]
        if not text:
            raise UserError("Your answer is empty. Try: answer 3 your answer")
        return await self._close(user, number, "answer", text)

    async def pass_(self, user: UserRef, number: int) -> Closed:
        """Politely tell every class that asked that the author can't answer this one."""
        return await self._close(user, number, "pass", "")

    async def _close(self, user: UserRef, number: int, kind: str, text: str) -> Closed:
        author_id = await self._author(user)
        verdict = checked(text) if kind == "answer" else None
        reasons = (
            list(verdict.reasons or sorted(verdict.categories))
            if verdict and not verdict.clean
            else []
        )
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            item = await db.get(InboxItem, number)
            if item is None or item.author_id != author_id:
                raise NotFound(f"There is no question #{number} in your inbox. Try: author inbox")
            if item.state != InboxState.OPEN:
                raise UserError(f"Question #{number} is already {item.state}.")
            item.state = InboxState.ANSWERED if kind == "answer" else InboxState.PASSED
            item.closed_at = now
            answer = Answer(item_id=item.id, kind=kind, text=text, reasons=reasons, created_at=now)
            db.add(answer)
            await db.flush()
            audit.record(db, now, None, user.id, f"author.{kind}", item=item.id, held=bool(reasons))
            answer_id = answer.id
        reached = await self.fanout.deliver(answer_id)
        return Closed(reached, bool(reasons), await self.fanout.waiting(answer_id))

    async def _author(self, user: UserRef) -> int:
        author_id = await self.directory.author_id(user)
        if author_id is None:
            raise UserError("Only a guest author who joined with an invite code can do that.")
        return author_id

    async def resume(self) -> int:
        """At start: finish every answer whose delivery a crash interrupted."""
        async with self.sessionmaker() as db:
            ids = list(
                await db.scalars(select(Answer.id).where(Answer.state == AnswerState.DELIVERING))
            )
        for answer_id in ids:
            await self.fanout.deliver(answer_id)
        return len(ids)

    async def on_direct(self, chat: Chat, ev: DirectMessage) -> None:
        """A reply to a question message answers it; anything else gets help."""
        if await self.classes.find(ev.channel) is not None:
            return  # a one-to-one teacher room is still a class room
        author_id = await self.directory.author_id(ev.actor.user)
        if author_id is None:
            reply = texts.stranger_help()
        else:
            reply = texts.author_help()
            number = await self._replied_item(author_id, ev.reply_to)
            if number is not None:
                try:
                    closed = await self.answer(ev.actor.user, number, ev.text)
                    reply = texts.sent(closed.classes, closed.held, closed.waiting)
                except UserError as e:
                    reply = e.message
        key = f"authors:direct:{ev.message.id}"
        out = Outgoing(reply, key=key)
        await self.deliveries.once(key, ev.channel, partial(chat.send, ev.channel, out))

    async def _replied_item(self, author_id: int, reply_to: str | None) -> int | None:
        if not reply_to:
            return None
        async with self.sessionmaker() as db:
            return await db.scalar(
                select(InboxItem.id).where(
                    InboxItem.author_id == author_id, InboxItem.message_id == reply_to
                )
            )
