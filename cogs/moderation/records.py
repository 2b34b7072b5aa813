"""The teacher's records: a student's history, "not a problem", and deleting old evidence."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.model import Actor, ChannelRef, UserRef
from bot.db.tables import (
    AuditEvent,
    Classroom,
    Entry,
    Flag,
    Post,
    Question,
    Session,
    Vote,
)
from bot.screening.verdict import LINK, TOXIC
from cogs.classroom.service import ClassroomService
from cogs.moderation import texts
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService
from cogs.review import retention
from cogs.review.texts import age

log = logging.getLogger(__name__)
FINISHED_QUESTIONS = ("answered", "passed", "rejected", "dropped")
HISTORY_LINES = 20


class Records:
    """History, allow-listing from a flag, and the retention clean-up."""

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

    async def purge(self) -> int:
        """Delete what students wrote or did once it is older than the class's retention
        period: flags, audit events, seen-message records, prompt answers, poll votes
        and finished questions for the guest author."""
        now = self.clock.now()
        removed = 0
        async with self.sessionmaker.begin() as db:
            classes = list(await db.execute(select(Classroom.id, Classroom.retention_days)))
            for class_id, days in classes:
                cutoff: datetime = now - timedelta(days=days)
                removed += await retention.forget(db, class_id, cutoff)
                sessions = select(Session.id).where(Session.classroom_id == class_id)
                for statement in (
                    delete(AuditEvent).where(
                        AuditEvent.classroom_id == class_id, AuditEvent.at < cutoff
                    ),
                    delete(Post).where(Post.classroom_id == class_id, Post.at < cutoff),
                    delete(Entry).where(Entry.session_id.in_(sessions), Entry.at < cutoff),
                    delete(Vote).where(Vote.session_id.in_(sessions), Vote.at < cutoff),
                    delete(Question).where(
                        Question.classroom_id == class_id,
                        Question.state.in_(FINISHED_QUESTIONS),
                        Question.updated_at < cutoff,
                    ),
                ):
                    result = await db.execute(statement)
                    removed += result.rowcount or 0  # type: ignore[attr-defined]
        if removed:
            log.info("retention: deleted %d old records", removed)
        return removed
