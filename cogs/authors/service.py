"""The guest author relay, assembled: onboarding, questions, the author's desk, the fan-out.

Built once by the composition root, which hands it the shared services; it
registers its two review kinds ("question", "answer") with the review queue.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.events import CommandTyped, DirectMessage, MessagePosted
from bot.core.model import Actor, ChannelRef, UserRef
from bot.core.ports import Chat
from bot.deliveries import Deliveries
from cogs.authors.answers import AnswerDesk
from cogs.authors.exposure import ExposedCodes
from cogs.authors.fanout import CONCURRENCY, Fanout
from cogs.authors.fanout import KIND as ANSWER
from cogs.authors.onboarding import AuthorDirectory
from cogs.authors.questions import KIND as QUESTION
from cogs.authors.questions import QuestionDesk
from cogs.classroom.service import ClassroomService
from cogs.moderation.service import ModerationService


class GuestAuthors:
    """Everything about guest authors, with one entry point per use."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        moderation: ModerationService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        concurrency: int = CONCURRENCY,
    ) -> None:
        self.directory = AuthorDirectory(sessionmaker, classes, chats, deliveries, clock)
        self.exposed = ExposedCodes(sessionmaker, classes, chats, deliveries, clock)
        review = moderation.review
        self.fanout = Fanout(sessionmaker, review, chats, deliveries, clock, concurrency)
        self.questions = QuestionDesk(
            sessionmaker, classes, review, chats, deliveries, clock, self.fanout.deliver
        )
        self.desk = AnswerDesk(
            sessionmaker, classes, self.directory, self.fanout, deliveries, clock
        )
        review.add_kind(QUESTION, self.questions)
        review.add_kind(ANSWER, self.fanout)
        # a joined guest author's direct messages are theirs to answer, not a child's
        moderation.children.answered_elsewhere = self._is_author
        self._children = moderation.children

    async def _is_author(self, user: UserRef) -> bool:
        return await self.directory.author_id(user) is not None

    async def resolve_role(self, actor: Actor, where: ChannelRef) -> Actor:
        """The dispatcher's role hook: joined guest authors get the AUTHOR role."""
        return await self.directory.resolve_role(actor, where)

    async def on_posted(self, chat: Chat, event: MessagePosted | CommandTyped) -> None:
        """Anything posted in a class room: an invite code in it is cancelled."""
        await self.exposed.on_posted(chat, event.message, event.actor, event.text)

    async def on_direct(self, chat: Chat, event: DirectMessage) -> None:
        """A non-command direct message to the bot."""
        if await self._children.is_student(event.actor.user):
            return  # a child: moderation answered them (``direct_replies.py``)
        await self.desk.on_direct(chat, event)

    async def resume(self) -> int:
        """Finish interrupted answer deliveries (questions resume with their flags)."""
        return await self.desk.resume()
