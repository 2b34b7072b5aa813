"""Recording what happened: one AuditEvent per decision or automatic action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import AuditEvent


def record(
    db: AsyncSession,
    at: datetime,
    classroom_id: int | None,
    actor_id: str,
    action: str,
    **detail: Any,
) -> None:
    """Add an audit event to the current unit of work."""
    db.add(
        AuditEvent(
            classroom_id=classroom_id, at=at, actor_id=actor_id, action=action, detail=detail
        )
    )
