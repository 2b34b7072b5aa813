"""A child writing to the bot in their direct room (often answering its private notice).

They get a child's answer, never the guest author's instructions. Their words are
screened like any message: nothing is shared with the class either way, and what
screening finds (personal details, a worry about their safety) reaches their
teacher as a review item of kind "direct", with the safeguarding lead told when
it is about self-harm or abuse.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.events import DirectMessage
from bot.core.model import Outgoing, UserRef
from bot.core.ports import Chat
from bot.db import audit
from bot.db.tables import Classroom, Flag, Member, Post
from bot.deliveries import Deliveries
from bot.screening import Verdict
from bot.screening.verdict import SELF_HARM
from cogs.moderation import texts
from cogs.moderation.policy import checked
from cogs.review.items import NewItem, submit
from cogs.review.service import ReviewQueue

KIND = "direct"


class ChildReplies:
    """Answers a class member's direct message kindly and screens it for their teacher."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        deliveries: Deliveries,
        clock: Clock,
        review: ReviewQueue,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.deliveries = deliveries
        self.clock = clock
        self.reviews = review
        # people another feature answers in direct rooms (guest authors)
        self.answered_elsewhere: Callable[[UserRef], Awaitable[bool]] | None = None

    async def class_of(self, user: UserRef) -> int | None:
        """The class this person is a student of (the latest, if several), or None."""
        async with self.sessionmaker() as db:
            return await db.scalar(
                select(Member.classroom_id)
                .join(Classroom, Classroom.id == Member.classroom_id)
                .where(Member.user_id == user.id, Classroom.platform == user.platform.value)
                .order_by(Member.id.desc())
                .limit(1)
            )

    async def is_student(self, user: UserRef) -> bool:
        """Whether a direct message from `user` is a child's (answered here)."""
        if self.answered_elsewhere is not None and await self.answered_elsewhere(user):
            return False
        return await self.class_of(user) is not None

    async def on_direct(self, chat: Chat, ev: DirectMessage) -> None:
        """Screen the child's words (the teacher sees what needs a look) and answer them."""
        if not await self.is_student(ev.actor.user):
            return
        class_id = await self.class_of(ev.actor.user)
        assert class_id is not None
        verdict = checked(ev.text)
        flag_id = None if verdict.clean else await self._flag(class_id, ev, verdict)
        if flag_id is not None:
            await self.reviews.settle(flag_id)
        reply = texts.child_direct_reply(ev.actor.user.label, verdict.student_note, flag_id)
        key = f"children:direct:{ev.message.id}"
        out = Outgoing(reply, key=key)
        await self.deliveries.once(key, ev.channel, partial(chat.send, ev.channel, out))

    async def _flag(self, class_id: int, ev: DirectMessage, verdict: Verdict) -> int:
        """The review item for the teacher, once per message (a redelivered event finds it)."""
        now = self.clock.now()
        user = ev.actor.user
        async with self.sessionmaker.begin() as db:
            post = await db.scalar(
                select(Post).where(
                    Post.platform == user.platform.value, Post.message_id == ev.message.id
                )
            )
            if post is not None:
                found = await db.scalar(select(Flag.id).where(Flag.post_id == post.id))
                assert found is not None
                return int(found)
            post = Post(
                classroom_id=class_id,
                platform=user.platform.value,
                message_id=ev.message.id,
                thread_id=None,
                user_id=user.id,
                outcome="flag",
                at=now,
            )
            db.add(post)
            await db.flush()
            item = NewItem(
                classroom_id=class_id,
                post_id=post.id,
                kind=KIND,
                user_id=user.id,
                user_name=user.label,
                channel_id=ev.channel.id,
                thread_id=None,
                text=ev.text,
                reasons=list(verdict.reasons) or sorted(verdict.categories),
                escalate=SELF_HARM in verdict.categories,
                action="flag",
                student_note=verdict.student_note,
            )
            flag = await submit(db, item, now)
            audit.record(db, now, class_id, "readaloud", "flag.direct", flag=flag.id)
            return int(flag.id)

    # ---- the review kind "direct" (see ReviewQueue.add_kind) ----

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The teacher's review: what the child wrote to the bot privately, and why."""
        return Outgoing(texts.direct_review(flag), key=key, notice=False)

    async def decided(self, flag: Flag) -> None:
        """Nothing to post either way: the message was never in the class."""
        return None
