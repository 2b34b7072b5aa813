"""The durable timers (``bot/timers.py``): one row per thing that waits. Re-exported by
``bot.db.tables``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime


class TimerRow(Base):
    """A timer: what kind (the feature's handler), which one (key), when, and its payload.

    ``revision`` grows each time the timer is set, so a run that started before a new
    ``set`` does not delete it; ``claimed_by``/``claim_boot``/``claimed_at`` say which
    process (its partition), which start of it and since when runs it now (see
    ``bot/timers.py``: an earlier start's claim is taken over at the next start, another
    process's once its lease ran out)."""

    __tablename__ = "timer"
    __table_args__ = (
        UniqueConstraint("kind", "key", name="uq_timer_kind_key"),
        # the soonest free timer, and the ones other processes hold (bot/timers.py)
        Index("ix_timer_claimed_by_due_at", "claimed_by", "due_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255), default="")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    claim_boot: Mapped[str | None] = mapped_column(String(16), nullable=True)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
