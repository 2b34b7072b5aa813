"""Forgetting review items once they are older than their class's retention period."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.tables import Delivery, Flag, ReviewGroup

_KEYS_AT_ONCE = 200  # keys per statement (SQLite binds at most 32,766 parameters)


async def forget(db: AsyncSession, classes: Select[Any], cutoff: datetime) -> int:
    """Delete the items and combined reviews of `classes` (a selection of class ids) older
    than `cutoff`, with their delivery records first: SQLite may give a new item the id of
    the newest deleted one, and its hide and review must not be taken for the old item's,
    already sent. Returns the rows deleted."""
    removed = await _forget_sent(db, classes, cutoff)
    for statement in (
        delete(Flag).where(Flag.classroom_id.in_(classes), Flag.created_at < cutoff),
        delete(ReviewGroup).where(
            ReviewGroup.classroom_id.in_(classes), ReviewGroup.last_at < cutoff
        ),
    ):
        result = await db.execute(statement)
        removed += result.rowcount or 0  # type: ignore[attr-defined]
    return removed


async def _forget_sent(db: AsyncSession, classes: Select[Any], cutoff: datetime) -> int:
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
