"""The guest authors' rows (cogs/authors): class profiles, authors, invites, inbox items,
questions and answers. Re-exported by ``bot.db.tables``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, StateText, UTCDateTime
from bot.db.states import AnswerState, AuthorState, InboxState, InviteState, QuestionState


class ClassProfile(Base):
    """How a class appears outside itself (to a guest author), and its question quota."""

    __tablename__ = "class_profile"
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), primary_key=True
    )
    display_name: Mapped[str] = mapped_column(String(80))
    region: Mapped[str] = mapped_column(String(80), default="")
    daily_questions: Mapped[int] = mapped_column(Integer, default=5)
    # every guest author answer waits for one teacher tap before the class sees it
    review_answers: Mapped[bool] = mapped_column(default=True, server_default=true())


class GuestAuthor(Base):
    """A person who joined as a guest author with an invite code, on one platform."""

    __tablename__ = "guest_author"
    __table_args__ = (UniqueConstraint("platform", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    state: Mapped[AuthorState] = mapped_column(StateText(AuthorState), default=AuthorState.JOINED)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime)
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuthorInvite(Base):
    """A class's one-time invite code for an author; once used, it links class and author."""

    __tablename__ = "author_invite"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    book: Mapped[str] = mapped_column(String(255))
    state: Mapped[InviteState] = mapped_column(StateText(InviteState), default=InviteState.OPEN)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("guest_author.id", ondelete="SET NULL"), index=True
    )


class InboxItem(Base):
    """One question in an author's inbox: the same question from any number of classes."""

    __tablename__ = "inbox_item"
    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(
        ForeignKey("guest_author.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    normalized: Mapped[str] = mapped_column(Text)
    state: Mapped[InboxState] = mapped_column(
        StateText(InboxState), default=InboxState.OPEN, index=True
    )
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Question(Base):
    """A student's question for the guest author, from asking to answered (or not)."""

    __tablename__ = "question"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    invite_id: Mapped[int] = mapped_column(ForeignKey("author_invite.id", ondelete="CASCADE"))
    flag_id: Mapped[int | None] = mapped_column(
        ForeignKey("flag.id", ondelete="SET NULL"), unique=True
    )
    item_id: Mapped[int | None] = mapped_column(
        ForeignKey("inbox_item.id", ondelete="SET NULL"), index=True
    )
    # the answer held for this class's teacher (a link, say), if any
    answer_flag_id: Mapped[int | None] = mapped_column(
        ForeignKey("flag.id", ondelete="SET NULL"), unique=True
    )
    # who asked stays in the class: never sent to the author
    student_id: Mapped[str] = mapped_column(String(255))
    student_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    book: Mapped[str] = mapped_column(String(255), default="")
    chapter: Mapped[int | None] = mapped_column(Integer)
    state: Mapped[QuestionState] = mapped_column(
        StateText(QuestionState), default=QuestionState.ASKED, index=True
    )
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Answer(Base):
    """The author's answer to (or polite pass on) one inbox item."""

    __tablename__ = "answer"
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("inbox_item.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="answer")  # answer | pass
    text: Mapped[str] = mapped_column(Text, default="")
    # what screening found; non-empty means each class's teacher decides first
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[AnswerState] = mapped_column(
        StateText(AnswerState), default=AnswerState.DELIVERING, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
