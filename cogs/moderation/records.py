"""The teacher's records: a student's history, "not a problem", and deleting old evidence
(the feature's retention clean-up)."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import NotFound, UserError
from bot.core.model import Actor, ChannelRef, UserRef
from bot.db.tables import Delivery, Flag, Post, ReviewGroup
from bot.screening.verdict import LINK, TOXIC
from cogs.classroom import retention
from cogs.classroom.service import ClassroomService
from cogs.moderation import texts
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService

log = logging.getLogger(__name__)
HISTORY_LINES = 20


class Records:
    """History and allow-listing from a flag."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        moderation: ModerationService,
        rules: ClassRules,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.moderation = moderation
        self.rules = rules
        self.clock = clock

    async def history(self, where: ChannelRef, student: UserRef) -> list[str]:
        """The student's latest flags and what was decided, newest first."""
        cls = await self.classes.require(where)
        now = self.clock.now()
        async with self.sessionmaker() as db:
            flags = await db.scalars(
                select(Flag)
                .where(Flag.classroom_id == cls.id, Flag.user_id == student.id)
                .order_by(Flag.created_at.desc())
                .limit(HISTORY_LINES)
            )
            return [texts.history_line(f, texts.age(now - f.created_at)) for f in flags]

    async def show(self, flag_id: int, where: ChannelRef) -> str:
        """Every line of a flagged message (a review shows only its first lines)."""
        cls = await self.classes.require(where)
        async with self.sessionmaker() as db:
            flag = await db.get(Flag, flag_id)
            if flag is None or flag.classroom_id != cls.id:
                raise NotFound(f"There is no flag #{flag_id} in this class. Try mod queue.")
            return texts.shown_in_full(flag)

    async def not_a_problem(self, flag_id: int, actor: Actor, where: ChannelRef) -> str:
        """Approve, and allow what screening matched so it is not held again in this class."""
        cls = await self.classes.require(where)
        async with self.sessionmaker() as db:
            flag = await db.get(Flag, flag_id)
            if flag is None or flag.classroom_id != cls.id:
                raise NotFound(f"There is no flag #{flag_id} in this class. Try mod queue.")
            matches = list(flag.matches or [])
        answer = await self.moderation.decide(flag_id, True, actor, "not a problem", where)
        allowed: list[str] = []
        for match in matches:
            category, _, detail = match.partition(":")
            if not detail:
                continue
            try:
                if category in TOXIC and " " not in detail.strip():
                    allowed.append(await self.rules.allow(cls.id, "word", detail, actor))
                elif category == LINK:
                    domain = detail.split()[-1]  # details read like "link: www.bbc.co.uk"
                    allowed.append(await self.rules.allow(cls.id, "domain", domain, actor))
            except UserError:
                log.info("flag %s: %r is not something to allow", flag_id, detail)
        if allowed:
            answer += f" From now on this class allows: {', '.join(sorted(set(allowed)))}."
        return answer.strip()


async def purge(db: AsyncSession, now: datetime) -> int:
    """Delete what students wrote once it is older than the class's retention period: flags,
    review groups, their delivery records and seen-message records (the other features
    purge their own rows)."""
    removed = 0
    for classes, cutoff in await retention.cutoffs(db, now):
        removed += await _forget_sent(db, classes, cutoff)
        for statement in (
            delete(Flag).where(Flag.classroom_id.in_(classes), Flag.created_at < cutoff),
            delete(ReviewGroup).where(
                ReviewGroup.classroom_id.in_(classes), ReviewGroup.last_at < cutoff
            ),
            delete(Post).where(Post.classroom_id.in_(classes), Post.at < cutoff),
        ):
            result = await db.execute(statement)
            removed += int(getattr(result, "rowcount", 0) or 0)
    return removed


async def _forget_sent(db: AsyncSession, classes: Select[Any], cutoff: datetime) -> int:
    """Delete the delivery records of the flags and review groups about to be purged.
    SQLite may give a new flag the id of the newest deleted one; its hide and review
    must not be taken for the old flag's, already sent."""
    flags = await db.scalars(
        select(Flag.id).where(Flag.classroom_id.in_(classes), Flag.created_at < cutoff)
    )
    groups = await db.scalars(
        select(ReviewGroup.id).where(
            ReviewGroup.classroom_id.in_(classes), ReviewGroup.last_at < cutoff
        )
    )
    prefixes = [f"flag:{i}" for i in flags] + [f"group:{i}" for i in groups]
    removed = 0
    for start in range(0, len(prefixes), _KEYS_AT_ONCE):
        chunk = prefixes[start : start + _KEYS_AT_ONCE]
        keys = or_(*(or_(Delivery.key == p, Delivery.key.like(p + ":%")) for p in chunk))
        result = await db.execute(delete(Delivery).where(keys))
        removed += result.rowcount or 0  # type: ignore[attr-defined]
    return removed


_KEYS_AT_ONCE = 200  # keys per statement (SQLite binds at most 32,766 parameters)
