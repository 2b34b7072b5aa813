"""A message the bot could not read (encrypted without a key that ever came): nobody checked
what the class may see, so it is removed, the teacher told, and the student asked kindly to
send it again. Each step is keyed by the message, so a repeat posts nothing twice."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import ChatError
from bot.core.events import MessageUnreadable
from bot.core.model import Outgoing
from bot.core.names import clean
from bot.core.ports import Chat
from bot.db import audit
from cogs.classroom.service import ClassroomService

log = logging.getLogger(__name__)
HIDE_REASON = "could not be read, so it could not be checked"
STUDENT_NOTE = (
    "Sorry, I couldn't open your last message (it stayed locked on its way to me), so I "
    "took it down before anyone could see it unchecked. Nothing is wrong with what you "
    "wrote — could you please send it again?"
)


def teacher_note(student: str) -> str:
    return (
        f"🔒 A message from {student} reached me encrypted without the key to read it, so it "
        "could not be checked. I removed it and asked them to send it again. (If this keeps "
        "happening, their app may need to be signed in again.)"
    )


class UnreadableMessages:
    """Removes what could not be checked and tells the teacher and the student."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        clock: Clock,
    ) -> None:
        self.sessionmaker, self.classes, self.clock = sessionmaker, classes, clock

    async def on_unreadable(self, chat: Chat, ev: MessageUnreadable) -> None:
        cls = await self.classes.find(ev.channel)
        if cls is None or ev.channel.id != cls.channel.id:
            log.info("an unreadable message outside a class room (%s): left", ev.channel.id)
            return
        key = f"unreadable:{ev.message.id}"
        await chat.hide(ev.message, HIDE_REASON)
        async with self.sessionmaker.begin() as db:
            audit.record(
                db, self.clock.now(), cls.id, ev.actor.user.id, "message.unreadable",
                message=ev.message.id,
            )  # fmt: skip
        if cls.teacher_channel is not None:
            who = clean(ev.actor.user.label, fallback="a student")
            await chat.send(cls.teacher_channel, Outgoing(teacher_note(who), key=f"{key}:teacher"))
        try:
            await chat.tell(ev.actor.user, ev.channel, Outgoing(STUDENT_NOTE, key=f"{key}:student"))
        except ChatError as e:
            log.warning("could not tell %s about their unreadable message: %s", ev.actor.user, e)
