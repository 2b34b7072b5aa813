"""A student's thread name is visible text, screened like a message.

A name that must wait is replaced on the platform at once by a neutral one (the thread
and its messages stay; deleting would lose the discussion, locking would leave the name
on show), the student is told kindly, and the teacher reviews it in the usual queue:
approving gives the thread its name back, rejecting keeps the neutral one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.events import ThreadNamed
from bot.core.model import ChannelRef, Outgoing, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.states import FlagState
from bot.db.tables import Classroom, Flag
from bot.deliveries import Deliveries
from bot.screening import Book
from cogs.classroom.service import ClassroomService
from cogs.moderation import texts
from cogs.moderation.policy import checked, decide
from cogs.moderation.rules import ClassRules
from cogs.review.items import NewItem, submit

log = logging.getLogger(__name__)
KIND = "thread"
HELD_NAME = "Thread name waiting for the teacher"


async def no_book(db: AsyncSession, class_id: int) -> Book | None:
    """No book known (until ``ModerationService.books_from`` says where to look)."""
    return None


class ThreadNames:
    """Screens thread names and carries out the teacher's decision on a held one."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        settle: Callable[[int], Awaitable[None]],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        self.settle = settle
        # the class's current book (``ModerationService.books_from``): names, not insults
        self.book: Callable[[AsyncSession, int], Awaitable[Book | None]] = no_book

    async def on_named(self, chat: Chat, ev: ThreadNamed) -> None:
        """Screen a student's new thread name; hold or flag it like a message."""
        cls = await self.classes.find(ev.thread)
        if cls is None or ev.thread.id != cls.channel.id or not ev.thread.thread:
            return
        if ev.actor.is_teacher or ev.name == HELD_NAME:  # HELD_NAME: our own rename
            return
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            earlier = await db.scalar(
                select(Flag).where(
                    Flag.classroom_id == cls.id,
                    Flag.kind == KIND,
                    Flag.thread_id == ev.thread.thread,
                    Flag.text == ev.name,
                    Flag.state.in_((FlagState.PENDING, FlagState.APPROVED)),
                )
            )
            if earlier is None:
                member = await self.classes.member(db, cls.id, ev.actor.user)
                rules = ClassRules.of(await db.get_one(Classroom, cls.id))
                verdict = checked(ev.name, rules.context(book=await self.book(db, cls.id)))
                decision = decide(verdict, member.trust, rules.policy)
                if decision.action == "allow":
                    return
                item = NewItem(
                    classroom_id=cls.id,
                    kind=KIND,
                    user_id=ev.actor.user.id,
                    user_name=ev.actor.user.label,
                    channel_id=ev.thread.id,
                    thread_id=ev.thread.thread,
                    text=ev.name,
                    reasons=decision.reasons,
                    escalate=decision.escalate,
                    action=decision.action,
                    student_note=verdict.student_note,
                    matches=[f"{sp.category}:{sp.detail}" for sp in verdict.spans],
                )
                flag = await submit(db, item, now)
                audit.record(db, now, cls.id, "readaloud", f"thread.{flag.action}", flag=flag.id)
                flag_id = flag.id
        if earlier is not None:
            if earlier.state == FlagState.PENDING and earlier.action == "hold":
                await chat.rename_thread(ev.thread, HELD_NAME)  # named back while it waits
            return
        if decision.action == "hold":
            await self._hold(flag)  # at once, even while no review can be posted
        await self.settle(flag_id)

    # ---- the review kind "thread" (see ReviewQueue.add_kind) ----

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The teacher's review; a held name is replaced first (once)."""
        hidden = await self._hold(flag) if flag.action == "hold" else True
        reasons = "; ".join(flag.reasons) or "needs a look"
        verb = "Held" if flag.action == "hold" else "Flagged (still visible)"
        lines = [
            f"{verb} thread name #{flag.id} from {flag.user_name} ({flag.user_id}):",
            f"“{flag.text}”",
            f"Why: {reasons}",
            "Approve gives the thread this name (back); reject keeps it hidden. "
            f"Or type: mod approve {flag.id} / mod reject {flag.id} reason",
        ]
        if not hidden:
            lines.insert(1, "⚠️ I could not rename the thread: the class can still see this name.")
        return Outgoing("\n".join(lines), key=key, notice=False)

    async def decided(self, flag: Flag) -> None:
        """Approved: the name comes back. Rejected: a neutral name stays, the student is told."""
        key = f"flag:{flag.id}"
        chat, thread = await self._where(flag)
        if flag.state == FlagState.APPROVED and flag.action == "hold":
            rename = partial(self._rename, chat, thread, flag.text)
            await self.deliveries.once(key + ":restore", thread, rename)
        elif flag.state == FlagState.REJECTED:
            if flag.action == "flag":  # it was visible while waiting; now it goes
                await self._hold(flag)
            text = texts.thread_name_rejected(flag)
            await self._tell(chat, thread, flag, key + ":rejected", text)

    async def _hold(self, flag: Flag) -> bool:
        """Replace the name and tell the student (each once); False if renaming failed."""
        key = f"flag:{flag.id}"
        chat, thread = await self._where(flag)
        try:
            rename = partial(self._rename, chat, thread, HELD_NAME)
            await self.deliveries.once(key + ":hide", thread, rename)
        except Exception as e:
            log.warning("could not rename the thread of flag %s: %s", flag.id, e)
            return False
        text = texts.thread_name_held(flag, HELD_NAME)
        await self._tell(chat, thread, flag, key + ":held", text)
        return True

    async def _tell(self, chat: Chat, thread: ChannelRef, flag: Flag, key: str, text: str) -> None:
        student = UserRef(chat.platform, flag.user_id, flag.user_name)
        out = Outgoing(text, key=key, mentions=(student,))
        await self.deliveries.once(key, thread, partial(chat.tell, student, thread, out))

    @staticmethod
    async def _rename(chat: Chat, thread: ChannelRef, name: str) -> None:
        await chat.rename_thread(thread, name)

    async def _where(self, flag: Flag) -> tuple[Chat, ChannelRef]:
        cls = await self.classes.get(flag.classroom_id)
        return self.chats[cls.platform], ChannelRef(cls.platform, flag.channel_id, flag.thread_id)
