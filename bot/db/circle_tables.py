"""The circles' rows (cogs/circles): classes reading one book together, their members and
one-time join codes. Re-exported by ``bot.db.tables``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, StateText, UTCDateTime
from bot.db.states import CopyState


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
    # the circle's id everywhere when another installation made it (None: made here, and
    # its uid is "<this installation>:<id>")
    uid: Mapped[str | None] = mapped_column(String(120), unique=True)


class CircleMember(Base):
    """A class in a circle (the creator's class is one too)."""

    __tablename__ = "circle_member"
    __table_args__ = (UniqueConstraint("circle_id", "classroom_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"))
    # one circle per class: two joins racing cannot put a class in two circles
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), unique=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # what the class offers its circle: all | approved (and what the teacher picks) | none
    share: Mapped[str] = mapped_column(String(16), default="approved", server_default="approved")


class CircleCode(Base):
    """A one-time code for another class to join; only its sha256 hash is kept."""

    __tablename__ = "circle_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    circle_id: Mapped[int] = mapped_column(ForeignKey("circle.id", ondelete="CASCADE"), index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # used, or cancelled


class Installation(Base):
    """This installation's one stable id (made once, at the first share): the prefix of
    every uid it gives a circle, a class or a shared post."""

    __tablename__ = "installation"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(40), unique=True)


class CirclePost(Base):
    """A post shared with a circle, sent from a class here or received from elsewhere: the
    travelling values of ``bot.core.circles.SharedPost`` (a first name and a class label,
    never an account). `source`: the class's own message it came from (here only)."""

    __tablename__ = "circle_post"
    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    circle_uid: Mapped[str] = mapped_column(String(120), index=True)
    from_class: Mapped[str] = mapped_column(String(120))
    from_classroom_id: Mapped[int | None] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    source: Mapped[str | None] = mapped_column(String(255), unique=True)
    class_label: Mapped[str] = mapped_column(String(255))
    first_name: Mapped[str] = mapped_column(String(80))
    chapter: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # offered everywhere: to the other installations, and a copy made for each class here
    offered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CircleCopy(Base):
    """One class's copy of a circle post: screened again with that class's rules, held
    for its teacher when needed, waiting for its session of the chapter, delivered once.

    state: see ``CopyState``."""

    __tablename__ = "circle_copy"
    __table_args__ = (UniqueConstraint("post_id", "classroom_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("circle_post.id", ondelete="CASCADE"))
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    state: Mapped[CopyState] = mapped_column(StateText(CopyState), index=True)
    flag_id: Mapped[int | None] = mapped_column(ForeignKey("flag.id", ondelete="SET NULL"))
    channel_id: Mapped[str | None] = mapped_column(String(255))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255))


class CircleTrust(Base):
    """A partner class whose posts this class's teacher no longer needs to see first."""

    __tablename__ = "circle_trust"
    __table_args__ = (UniqueConstraint("classroom_id", "from_class"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    from_class: Mapped[str] = mapped_column(String(120))
    trusted_at: Mapped[datetime] = mapped_column(UTCDateTime)
