"""The rows of circles between installations (cogs/circles/remote*.py): the circle room
of a circle, the classes other installations bring to it, the durable outbox of what this
installation sends there, and what arrived (dedupe by post id). Re-exported by
``bot.db.tables``. Nothing here names a student."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, StateText, UTCDateTime
from bot.db.states import ArrivalState, AskState, OutboxState


class CircleLink(Base):
    """A circle that travels between installations: its id everywhere and its room."""

    __tablename__ = "circle_link"
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_uid: Mapped[str] = mapped_column(String(255), unique=True)
    # the local circle (for a circle made elsewhere, the copy this installation keeps)
    circle_id: Mapped[int | None] = mapped_column(
        ForeignKey("circle.id", ondelete="SET NULL"), index=True
    )
    room_id: Mapped[str] = mapped_column(String(255), unique=True)
    home: Mapped[str] = mapped_column(String(255))  # the installation that admits classes
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CirclePartner(Base):
    """A class of another installation in a circle, as that installation describes it."""

    __tablename__ = "circle_partner"
    __table_args__ = (UniqueConstraint("link_id", "class_uid"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("circle_link.id", ondelete="CASCADE"))
    class_uid: Mapped[str] = mapped_column(String(255))
    installation: Mapped[str] = mapped_column(String(255), index=True)  # its Matrix bot id
    label: Mapped[str] = mapped_column(String(200))  # display name (region)
    platform: Mapped[str] = mapped_column(String(20))
    chapter: Mapped[str] = mapped_column(String(80))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CircleOutbox(Base):
    """One post or retraction for one partner installation: sent with a keyed Matrix
    transaction (``key`` + ``attempt``), done once that installation acknowledged it."""

    __tablename__ = "circle_outbox"
    __table_args__ = (UniqueConstraint("post_uid", "kind", "installation"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("circle_link.id", ondelete="CASCADE"))
    post_uid: Mapped[str] = mapped_column(String(255), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # "post" | "retract"
    installation: Mapped[str] = mapped_column(String(255), index=True)
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    state: Mapped[OutboxState] = mapped_column(StateText(OutboxState), index=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)  # part of the txn key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CircleInbox(Base):
    """A post (or retraction) that arrived from another installation, by its post id: a
    replay of the same id is ignored."""

    __tablename__ = "circle_inbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    post_uid: Mapped[str] = mapped_column(String(255), unique=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("circle_link.id", ondelete="CASCADE"))
    sender: Mapped[str] = mapped_column(String(255))
    state: Mapped[ArrivalState] = mapped_column(StateText(ArrivalState))
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CircleAsk(Base):
    """This installation's class asked another installation's bot to join its circle."""

    __tablename__ = "circle_ask"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    asked: Mapped[str] = mapped_column(String(255))  # the other installation's bot
    room_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    state: Mapped[AskState] = mapped_column(StateText(AskState))
    actor_id: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
