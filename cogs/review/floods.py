"""Floods stay readable: held messages of one student sent close together share one review.

Each message stays its own Flag (in `mod queue`, decidable with `mod approve N`). The
first one's review message becomes the combined review and is edited in place as more
join or get decided; the student is told once. Every step is a keyed delivery under the
group's revision, so a restart shows the latest state once and posts nothing twice.
Self-harm, pictures and messages that stay visible always get a review of their own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timedelta
from functools import partial

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm.util import identity_key

from bot.core.errors import Unavailable
from bot.core.model import ChannelRef, MessageRef
from bot.core.ports import Chat
from bot.db.states import FlagState
from bot.db.tables import Flag, ReviewGroup
from bot.deliveries import Deliveries
from cogs.review import texts

log = logging.getLogger(__name__)
WINDOW = timedelta(minutes=2)  # a held message joins the student's review pending this long
LOOK_BACK = 20  # recent held messages to look through for one that can be joined


def groupable(flag: Flag) -> bool:
    """Only hidden, plain class messages are combined: an escalation, a picture (its copy
    belongs with its own review) or a message still visible always has its own review."""
    return flag.kind == "message" and flag.action == "hold" and not flag.media and not flag.escalate


class KeyedLocks:
    """One asyncio lock per key, dropped again once nobody holds or waits for it (counted:
    a released lock still has a waiter that has not run yet, and must be the one a
    newcomer waits for too)."""

    def __init__(self) -> None:
        self._locks: dict[object, asyncio.Lock] = {}
        self._users: dict[object, int] = {}

    @asynccontextmanager
    async def hold(self, key: object) -> AsyncIterator[None]:
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key], self._locks[key]

    async def caught_up(self) -> None:
        """Return once everyone holding or waiting for a lock right now is done."""
        for lock in list(self._locks.values()):
            async with lock:
                pass


async def join(db: AsyncSession, flag: Flag, now: datetime) -> None:
    """Put a new held message into the review of the student's latest held message that is
    still waiting and at most `WINDOW` old (making that review a combined one)."""
    if not groupable(flag):
        return
    candidates = await db.scalars(
        select(Flag)
        .where(
            Flag.classroom_id == flag.classroom_id,
            Flag.user_id == flag.user_id,
            Flag.state == FlagState.PENDING,
            Flag.id != flag.id,
            Flag.created_at >= now - WINDOW,
        )
        .order_by(Flag.id.desc())
        .limit(LOOK_BACK)
    )
    earlier = next((f for f in candidates if groupable(f)), None)
    if earlier is None:
        return
    if earlier.group_id is None:
        group = ReviewGroup(
            classroom_id=flag.classroom_id,
            lead_flag_id=earlier.id,
            revision=0,
            shown=-1,
            created_at=now,
            last_at=now,
        )
        db.add(group)
        await db.flush()
        earlier.group_id, earlier.group_rev = group.id, 0
    flag.group_id = earlier.group_id
    flag.group_rev = await _next_revision(db, earlier.group_id, now)


async def changed(db: AsyncSession, group_id: int | None) -> None:
    """A flag of the group was decided: its review shows that at the next revision."""
    if group_id is not None:
        await _next_revision(db, group_id)


async def _next_revision(db: AsyncSession, group_id: int, joined: datetime | None = None) -> int:
    """Bump the group's revision in one statement (a read and a write apart would lose a
    bump made in between, and that change would never be shown); the new revision."""
    values: dict[str, object] = {"revision": ReviewGroup.revision + 1}
    if joined is not None:
        values["last_at"] = joined
    revision = await db.scalar(
        update(ReviewGroup)
        .where(ReviewGroup.id == group_id)
        .values(**values)
        .returning(ReviewGroup.revision)
        .execution_options(synchronize_session=False)
    )
    assert revision is not None, f"review group {group_id} is gone"
    held = db.sync_session.identity_map.get(identity_key(ReviewGroup, group_id))
    if held is not None:  # the group as this session holds it shows what was written
        await db.refresh(held, list(values))
    return int(revision)


async def shown_waiting(db: AsyncSession, group_id: int) -> list[Flag]:
    """The group's waiting flags the teacher has seen on its review, oldest first (a flag
    that joined after the last edit is not decided unseen)."""
    group = await db.get_one(ReviewGroup, group_id)
    rows = await db.scalars(
        select(Flag)
        .where(
            Flag.group_id == group_id,
            Flag.state == FlagState.PENDING,
            Flag.group_rev <= group.shown,
        )
        .order_by(Flag.id)
    )
    return list(rows)


async def batch_size(db: AsyncSession, flag: Flag) -> int:
    """How many flags of the group were decided together with `flag`."""
    rows = await db.scalars(
        select(Flag.id).where(
            Flag.group_id == flag.group_id,
            Flag.decision_batch == flag.decision_batch,
            Flag.state == flag.state,
        )
    )
    return max(1, len(list(rows)))


class CombinedReviews:
    """Shows a group's current state on its one review message (edited in place)."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], deliveries: Deliveries
    ) -> None:
        self.sessionmaker = sessionmaker
        self.deliveries = deliveries
        self.locks = KeyedLocks()  # per student: one review decision at a time

    async def group_of(self, flag_id: int) -> int | None:
        async with self.sessionmaker() as db:
            return await db.scalar(select(Flag.group_id).where(Flag.id == flag_id))

    async def show(
        self,
        chat: Chat,
        teachers: ChannelRef,
        group_id: int,
        lead_review: Callable[[Flag], Awaitable[str | None]],
        after: Callable[[], Awaitable[object]] | None = None,
    ) -> None:
        """Make the group's review show its latest revision: the lead's own review first
        (its keyed post, found again after a crash), then one keyed edit per revision; if
        the edit fails, the combined review is posted anew (a review is never lost).
        Nothing is posted before `after` returns."""
        async with self.sessionmaker() as db:
            group = await db.get_one(ReviewGroup, group_id)
            revision, shown, message_id = group.revision, group.shown, group.review_message_id
            flags = list(
                await db.scalars(
                    select(Flag)
                    .where(Flag.group_id == group_id, Flag.group_rev <= revision)
                    .order_by(Flag.id)
                )
            )
        if not flags:
            return
        lead = next((f for f in flags if f.id == group.lead_flag_id), flags[0])
        if message_id is None:
            message_id = await lead_review(lead)
            if message_id is None:
                return
            shown = max(shown, 0)
            await self._record(group_id, message_id, shown)
        if shown >= revision:
            return
        key = f"group:{group_id}:edit:{revision}"
        out = texts.combined_review(flags, key)
        review = MessageRef(teachers, message_id)
        try:
            await self.deliveries.once(key, teachers, lambda: chat.edit(review, out), after)
        except (OSError, Unavailable):
            raise  # unreachable or cut off: the same edit is tried again (the flag waits)
        except Exception as e:  # refused or gone: a new review, so nothing is lost
            log.warning("could not edit the review of group %s (%s); posting it anew", group_id, e)
            key = f"group:{group_id}:review:{revision}"
            again = dataclasses.replace(out, key=key)
            ask = partial(chat.ask_decision, teachers, lead.id, again)
            posted = await self.deliveries.once(key, teachers, ask, after)
            if posted is None:
                return
            message_id = posted.id
        await self._record(group_id, message_id, revision)

    async def _record(self, group_id: int, message_id: str, shown: int) -> None:
        """Which message shows the group, up to which revision (its flags point to it)."""
        async with self.sessionmaker.begin() as db:
            group = await db.get_one(ReviewGroup, group_id)
            group.review_message_id = message_id
            group.shown = max(group.shown, shown)
            await db.execute(
                update(Flag)
                .where(
                    Flag.group_id == group_id,
                    or_(Flag.review_message_id.is_(None), Flag.review_message_id != message_id),
                )
                .values(review_message_id=message_id)
            )
