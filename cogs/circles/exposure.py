"""A circle join code shown in a class room is cancelled, as an author invite code is
(cogs/authors/exposure.py): students could read it and join their class's name to a circle
elsewhere. The message is removed, and the person who posted it and the teachers of the
circle's creator class are told. A teacher's own `circle join CODE` typed in the class
room is left to the command, which uses the code (or cancels it when it refuses there);
the same command typed by a student is an exposed code like any other.
"""

from __future__ import annotations

import logging
from functools import partial

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import CommandTyped, MessagePosted
from bot.core.model import Outgoing
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Circle, CircleCode
from bot.deliveries import Deliveries
from bot.secret_codes import hashes_in, pattern
from cogs.circles import texts
from cogs.circles.service import PREFIX, Circles
from cogs.classroom.service import ClassroomService

log = logging.getLogger(__name__)
CODE = pattern(PREFIX)


def is_join(text: str) -> bool:
    """`!circle join …` (any prefix, any case): the code is being used, not shown."""
    words = text.lstrip("!/").split()
    return [w.casefold() for w in words[:2]] == ["circle", "join"]


class ExposedCircleCodes:
    """Cancels circle codes that were posted where students can read them."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        circles: Circles,
        deliveries: Deliveries,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.circles = circles
        self.deliveries = deliveries
        self.clock = clock

    async def on_posted(self, chat: Chat, ev: MessagePosted | CommandTyped) -> None:
        hashes = hashes_in(ev.text, PREFIX, CODE)
        if not hashes:
            return
        # in a class room the actor's role is the platform's, as for the command itself
        if isinstance(ev, CommandTyped) and ev.actor.is_teacher and is_join(ev.text):
            return  # the command uses or cancels it; see the docstring
        async with self.sessionmaker() as db:
            if not await count_open_codes(db, hashes):
                return  # an ordinary word that looks like a code costs one look-up
        cls = await self.classes.find(ev.message.channel)
        if cls is None or ev.message.channel.id != cls.channel.id:
            return  # the teacher room and direct messages are where codes belong
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            codes = list(
                await db.scalars(
                    select(CircleCode).where(
                        CircleCode.code_hash.in_(hashes), CircleCode.used_at.is_(None)
                    )
                )
            )
            cancelled: list[tuple[int, int, str]] = []
            for code in codes:
                code.used_at = now
                circle = await db.get_one(Circle, code.circle_id)
                audit.record(
                    db, now, circle.creator_classroom_id, ev.actor.user.id, "circle.code_exposed",
                    code=code.id, where=cls.id,
                )  # fmt: skip
                cancelled.append((code.id, circle.creator_classroom_id, circle.name))
        if not cancelled:
            return
        removed = await self._remove(chat, ev)
        key = f"circles:exposed:{cancelled[0][0]}:typist"
        out = Outgoing(texts.code_exposed_for_typist(), key=key, mentions=(ev.actor.user,))
        channel = ev.message.channel
        await self.deliveries.once(key, channel, partial(chat.tell, ev.actor.user, channel, out))
        for code_id, class_id, name in cancelled:
            text = texts.code_exposed_for_teachers(name, removed, "!")
            await self.circles.tell(class_id, f"circles:exposed:{code_id}", text)

    @staticmethod
    async def _remove(chat: Chat, ev: MessagePosted | CommandTyped) -> bool:
        try:
            await chat.hide(ev.message, "a secret circle code")
            return True
        except Exception as e:  # the code is cancelled anyway; the teachers are told
            log.warning("could not remove a message showing a circle code: %s", e)
            return False


async def count_open_codes(db: AsyncSession, hashes: set[str]) -> int:
    """How many of these hashes are open circle codes (the exposure guard's one look-up)."""
    found = await db.scalar(
        select(func.count(CircleCode.id)).where(
            CircleCode.code_hash.in_(hashes), CircleCode.used_at.is_(None)
        )
    )
    return int(found or 0)
