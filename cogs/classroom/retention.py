"""How long a class keeps what its students wrote or did (``Classroom.retention_days``):
the cut-off per class every feature's retention clean-up uses, and the class's own."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import AuditEvent, Classroom


async def cutoffs(db: AsyncSession, now: datetime) -> list[tuple[int, datetime]]:
    """(class id, the oldest time still kept) for every class."""
    rows = await db.execute(select(Classroom.id, Classroom.retention_days))
    return [(class_id, now - timedelta(days=days)) for class_id, days in rows]


async def purge(db: AsyncSession, now: datetime) -> int:
    """The class's audit events older than its retention period."""
    removed = 0
    for class_id, cutoff in await cutoffs(db, now):
        result = await db.execute(
            delete(AuditEvent).where(AuditEvent.classroom_id == class_id, AuditEvent.at < cutoff)
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
