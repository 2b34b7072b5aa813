"""The teacher's records: a student's history, "not a problem", and deleting old evidence
(the feature's retention clean-up)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.model import Actor, UserRef
from bot.db.tables import Flag, Post
from bot.screening.verdict import LINK, TOXIC
from cogs.classroom import retention
from cogs.classroom.service import ClassroomService
from cogs.moderation import texts
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService
from cogs.review import retention as review_retention
from cogs.review.texts import age

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
        moderation.review.allow_when_fine(self.allow_matched)

    async def history(self, class_id: int, student: UserRef) -> list[str]:
        """The student's latest flags in the class and what was decided, newest first."""
        now = self.clock.now()
        async with self.sessionmaker() as db:
            flags = await db.scalars(
                select(Flag)
                .where(Flag.classroom_id == class_id, Flag.user_id == student.id)
                .order_by(Flag.created_at.desc())
                .limit(HISTORY_LINES)
            )
            return [texts.history_line(f, age(now - f.created_at)) for f in flags]

    async def allow_matched(self, class_id: int, matches: list[str], actor: Actor) -> list[str]:
        """`mod fine`: allow the words or links screening matched so they are not held
        again in this class (``ReviewQueue.fine``); what is allowed now."""
        allowed: list[str] = []
        for match in matches:
            category, _, detail = match.partition(":")
            if not detail:
                continue
            try:
                if category in TOXIC and " " not in detail.strip():
                    allowed.append(await self.rules.allow(class_id, "word", detail, actor))
                elif category == LINK:
                    domain = detail.split()[-1]  # details read like "link: www.bbc.co.uk"
                    allowed.append(await self.rules.allow(class_id, "domain", domain, actor))
            except UserError:
                log.info("class %s: %r is not something to allow", class_id, detail)
        return allowed


async def purge(db: AsyncSession, now: datetime) -> int:
    """Delete what students wrote once it is older than the class's retention period: review
    items, combined reviews, their delivery records and seen-message records (the other
    features purge their own rows)."""
    removed = 0
    for classes, cutoff in await retention.cutoffs(db, now):
        removed += await review_retention.forget(db, classes, cutoff)
        result = await db.execute(
            delete(Post).where(Post.classroom_id.in_(classes), Post.at < cutoff)
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
