"""How long a class keeps what its students wrote or did (``Classroom.retention_days``):
the cut-off per class every feature's retention clean-up uses, and the class's own."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import AuditEvent, Classroom


async def cutoffs(db: AsyncSession, now: datetime) -> list[tuple[Select[Any], datetime]]:
    """(the classes that keep things for the same time, the oldest time they keep): one
    pair per retention period in use, so a clean-up is a few statements, not one per class."""
    periods = await db.scalars(select(Classroom.retention_days).distinct())
    return [
        (select(Classroom.id).where(Classroom.retention_days == days), now - timedelta(days=days))
        for days in periods
    ]


async def purge(db: AsyncSession, now: datetime) -> int:
    """The class's audit events older than its retention period."""
    removed = 0
    for classes, cutoff in await cutoffs(db, now):
        result = await db.execute(
            delete(AuditEvent).where(AuditEvent.classroom_id.in_(classes), AuditEvent.at < cutoff)
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
