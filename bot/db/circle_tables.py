"""The circles' rows (cogs/circles): classes reading one book together, their members and
one-time join codes. Re-exported by ``bot.db.tables``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, UTCDateTime


class Circle(Base):
    """Classes reading one book together; the class that made it may remove members."""

    __tablename__ = "circle"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    book_title: Mapped[str] = mapped_column(String(255))
    creator_classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CircleMember(Base):
    """A class in a circle (the creator's class is one too)."""

    __tablename__ = "circle_member"
    __table_args__ = (UniqueConstraint("circle_id", "classroom_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CircleCode(Base):
    """A one-time code for another class to join; only its sha256 hash is kept."""

    __tablename__ = "circle_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # used, or cancelled
