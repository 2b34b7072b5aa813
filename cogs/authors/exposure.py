"""An invite code shown in a class room is cancelled: anyone who saw it could use it from a
direct message. On every platform, a class message (or a typed command, or what it forwards)
carrying an open code cancels the code, is removed, and the person who posted it and the
teachers of the code's class are told to make a new invite privately.
"""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.model import Actor, MessageRef, Outgoing
from bot.core.ports import Chat
from bot.db import audit
from bot.db.states import InviteState
from bot.db.tables import AuthorInvite
from bot.deliveries import Deliveries
from bot.secret_codes import hashes_in, pattern
from cogs.authors import texts
from cogs.classroom.service import ClassroomService

log = logging.getLogger(__name__)
# RA-7KQ2-M9XD however typed: dashes or spaces, any case, with or without "RA"
CODE = pattern("ra")


def codes_in(text: str) -> set[str]:
    """The stored forms (hashes) of every code-shaped word in `text`."""
    return hashes_in(text, "RA", CODE)


class ExposedCodes:
    """Cancels invite codes that were posted where students can read them."""

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

    async def on_posted(self, chat: Chat, message: MessageRef, actor: Actor, text: str) -> None:
        """A message in a class room: if it shows an open invite code, cancel it."""
        hashes = codes_in(text)
        if not hashes or not await self._any_open(hashes):
            return  # an ordinary word that looks like a code costs one look-up
        cls = await self.classes.find(message.channel)
        if cls is None or message.channel.id != cls.channel.id:
            return  # the teacher room and direct messages are where codes belong
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            invites = list(
                await db.scalars(
                    select(AuthorInvite).where(
                        AuthorInvite.code_hash.in_(hashes), AuthorInvite.state == InviteState.OPEN
                    )
                )
            )
            for invite in invites:
                invite.state = InviteState.REVOKED
                audit.record(
                    db, now, invite.classroom_id, actor.user.id, "author.code_exposed",
                    invite=invite.id, where=cls.id,
                )  # fmt: skip
            cancelled = [(i.id, i.classroom_id, i.name, i.book) for i in invites]
        if not cancelled:
            return
        removed = await self._remove(chat, message)
        key = f"authors:exposed:{cancelled[0][0]}"
        out = Outgoing(texts.code_exposed_for_typist(), key=key + ":typist", mentions=(actor.user,))
        await self.deliveries.once(
            out.key or key, message.channel, partial(self._tell, chat, actor, message, out)
        )
        for invite_id, class_id, name, book in cancelled:
            text = texts.code_exposed_for_teachers(name, book, actor.user.label, removed)
            await self._tell_teachers(chat, class_id, f"authors:exposed:{invite_id}", text)

    async def _any_open(self, hashes: set[str]) -> bool:
        async with self.sessionmaker() as db:
            found = await db.scalar(
                select(AuthorInvite.id)
                .where(AuthorInvite.code_hash.in_(hashes), AuthorInvite.state == InviteState.OPEN)
                .limit(1)
            )
        return found is not None

    @staticmethod
    async def _remove(chat: Chat, message: MessageRef) -> bool:
        try:
            await chat.hide(message, "a secret invite code")
            return True
        except Exception as e:  # the code is cancelled anyway; the teachers are told
            log.warning("could not remove a message showing an invite code: %s", e)
            return False

    @staticmethod
    async def _tell(chat: Chat, actor: Actor, message: MessageRef, out: Outgoing) -> None:
        await chat.tell(actor.user, message.channel, out)

    async def _tell_teachers(self, chat: Chat, class_id: int, key: str, text: str) -> None:
        cls = await self.classes.get(class_id)
        teachers = cls.teacher_channel
        if teachers is None:
            return
        chat = self.chats[cls.platform]
        out = Outgoing(text, key=key, notice=False)
        await self.deliveries.once(key, teachers, partial(chat.send, teachers, out))
