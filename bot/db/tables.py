"""The database is the truth: every class, schedule, flag and delivery is a row."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.db.base import Base, StateText, UTCDateTime
from bot.db.states import FlagState, SessionState


class Classroom(Base):
    """A class: one channel/room on one platform, with its private teacher channel."""

    __tablename__ = "classroom"
    __table_args__ = (UniqueConstraint("platform", "channel_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    teacher_channel_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    # why students could read the teacher channel at the last check (None: only teachers)
    teacher_channel_exposed: Mapped[str | None] = mapped_column(Text)
    # screening policy: category -> allow | flag | hold, overriding the safe defaults
    policy: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    allowed_words: Mapped[list[str]] = mapped_column(JSON, default=list)
    allowed_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the second adult told about self-harm and abuse signals (safeguarding lead)
    safeguarding_id: Mapped[str | None] = mapped_column(String(255))
    retention_days: Mapped[int] = mapped_column(Integer, default=365)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # set while the bot is removed from the class room: nothing is posted there until it is back
    away_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class PlaceRole(enum.StrEnum):
    """What a class's room is for: where the class meets, or where its teachers talk."""

    CLASS_ROOM = "class"
    TEACHER_ROOM = "teachers"


class ClassPlace(Base):
    """A room of a class on one platform. Classes are found through their places: today
    one class room and one teacher room each (also kept on ``Classroom``); a connected class
    will have several, on more than one platform."""

    __tablename__ = "class_place"
    __table_args__ = (UniqueConstraint("platform", "channel_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(255))
    role: Mapped[PlaceRole] = mapped_column(StateText(PlaceRole))


class Member(Base):
    """A person in a class, with their trust level (new / member / trusted)."""

    __tablename__ = "member"
    __table_args__ = (UniqueConstraint("classroom_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(255), default="")
    trust: Mapped[str] = mapped_column(String(16), default="new")


class Book(Base):
    """A book a class reads aloud."""

    __tablename__ = "book"
    __table_args__ = (UniqueConstraint("classroom_id", "title"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(255))
    author: Mapped[str] = mapped_column(String(255), default="")
    chapters: Mapped[int] = mapped_column(Integer)
    chapter_titles: Mapped[list[str]] = mapped_column(JSON, default=list)
    # the characters' names the teacher listed: screening reads them as names in this class
    characters: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")


class Plan(Base):
    """How a book is spread over sessions: start date, weekdays, time, chapters per session."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id", ondelete="CASCADE"))
    start_date: Mapped[date] = mapped_column(Date)
    weekdays: Mapped[str] = mapped_column(String(64))
    time_of_day: Mapped[str] = mapped_column(String(5))
    chapters_per_session: Mapped[int] = mapped_column(Integer, default=1)
    # explicit session dates (ISO strings) instead of weekdays, when the teacher gave them
    dates: Mapped[list[str]] = mapped_column(JSON, default=list)
    window_minutes: Mapped[int] = mapped_column(Integer, default=60)
    reminder_minutes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Session(Base):
    """One read-aloud session: which chapters, when (UTC), and how far it got."""

    __tablename__ = "session"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id", ondelete="CASCADE"))
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    first_chapter: Mapped[int] = mapped_column(Integer)
    last_chapter: Mapped[int] = mapped_column(Integer)
    state: Mapped[SessionState] = mapped_column(
        StateText(SessionState), default=SessionState.PLANNED, index=True
    )
    thread_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # when the session next needs the bot (reminder, start, a prompt, the close); None when done
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class Prompt(Base):
    """A teacher's prompt for a chapter (question, summary challenge, prediction, poll)."""

    __tablename__ = "prompt"
    id: Mapped[int] = mapped_column(primary_key=True)
    book_id: Mapped[int] = mapped_column(ForeignKey("book.id", ondelete="CASCADE"))
    chapter: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="question")
    text: Mapped[str] = mapped_column(Text)
    offset_minutes: Mapped[int] = mapped_column(Integer, default=0)
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    char_limit: Mapped[int] = mapped_column(Integer, default=140)


class Entry(Base):
    """A student's answer to a summary or prediction prompt, kept for the digest."""

    __tablename__ = "entry"
    __table_args__ = (UniqueConstraint("session_id", "prompt_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    user_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Vote(Base):
    """One student's choice in a poll (the latest choice counts)."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("session_id", "prompt_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    user_id: Mapped[str] = mapped_column(String(255))
    option: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class PromptPost(Base):
    """Which message a prompt was posted as in a session: votes and answers find their
    prompt here. Written with the post's Delivery row, in the same transaction."""

    __tablename__ = "prompt_post"
    __table_args__ = (UniqueConstraint("session_id", "prompt_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("session.id", ondelete="CASCADE"))
    prompt_id: Mapped[int] = mapped_column(ForeignKey("prompt.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Delivery(Base):
    """One outgoing post, keyed so that it is never posted twice: the row exists once the
    post has reached the platform."""

    __tablename__ = "delivery"
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(255), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    channel_id: Mapped[str] = mapped_column(String(255))
    message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class HandledEvent(Base):
    """An incoming event the bot has acted on (a command, a reaction, a message): whatever
    history a sync, a rejoin or a catch-up brings back, it is acted on at most once."""

    __tablename__ = "handled_event"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class LockedEvent(Base):
    """An encrypted message that came without its key and is not settled yet (read once the
    key comes, else removed): kept so that a bot killed during the wait settles it after a
    restart, though the sync has moved past it."""

    __tablename__ = "locked_event"
    platform: Mapped[str] = mapped_column(String(16), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(255), primary_key=True)
    room_id: Mapped[str] = mapped_column(String(255))
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Post(Base):
    """A student message the bot has seen; makes message handling idempotent."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("platform", "message_id", "revision", name="uq_post_message_revision"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(16))
    message_id: Mapped[str] = mapped_column(String(255))
    # "" for the message as first posted; an edit's version where edits keep the id (Discord)
    revision: Mapped[str] = mapped_column(String(64), default="", server_default="")
    thread_id: Mapped[str | None] = mapped_column(String(255))
    user_id: Mapped[str] = mapped_column(String(255))
    outcome: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Flag(Base):
    """A student message held or flagged for the teacher, and the decision on it."""

    __tablename__ = "flag"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    # a class message has its post; a question or an author's answer has none
    post_id: Mapped[int | None] = mapped_column(
        ForeignKey("post.id", ondelete="CASCADE"), unique=True
    )
    # message (a student's post) | question (for the guest author) | answer (from the author)
    # | thread (a thread's name) | direct (a child's private message); see cogs/review
    kind: Mapped[str] = mapped_column(String(16), default="message", server_default="message")
    # where the item goes once approved, for the teacher (a question: the author and book)
    context: Mapped[str | None] = mapped_column(Text)
    # a self-harm or abuse signal: the safeguarding lead is named and pinged on its review
    escalate: Mapped[bool] = mapped_column(default=False, server_default=false())
    user_id: Mapped[str] = mapped_column(String(255))
    user_name: Mapped[str] = mapped_column(String(255))
    channel_id: Mapped[str] = mapped_column(String(255))
    thread_id: Mapped[str | None] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    reasons: Mapped[list[str]] = mapped_column(JSON)
    action: Mapped[str] = mapped_column(String(16), default="hold")
    student_note: Mapped[str] = mapped_column(Text, default="")
    # what screening matched ("category:word"), for "not a problem" allow-listing
    matches: Mapped[list[str]] = mapped_column(JSON, default=list)
    # pictures or files in the message: [kind, name, platform handle] each
    media: Mapped[list[list[str]]] = mapped_column(JSON, default=list, server_default="[]")
    state: Mapped[FlagState] = mapped_column(
        StateText(FlagState), default=FlagState.PENDING, index=True
    )
    review_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    # True once every effect of the hold or decision has been delivered
    settled: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # a flood: held messages of one student close together share one review (ReviewGroup)
    group_id: Mapped[int | None] = mapped_column(
        ForeignKey("review_group.id", ondelete="SET NULL"), index=True
    )
    # the group's revision when this flag joined it: decided together only once shown
    group_rev: Mapped[int | None] = mapped_column(Integer)
    # flags decided together carry the id of the first of them (one notice per batch)
    decision_batch: Mapped[int | None] = mapped_column(Integer)


class ReviewGroup(Base):
    """One review in the teacher room for many held messages of one student sent close
    together (a flood); each message stays its own Flag, decidable alone or all at once."""

    __tablename__ = "review_group"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classroom.id", ondelete="CASCADE"))
    # the first flag: its review message becomes the combined review
    lead_flag_id: Mapped[int] = mapped_column(Integer, unique=True)
    # the message the teacher decides on (the lead's review, or a new post if an edit failed)
    review_message_id: Mapped[str | None] = mapped_column(String(255), index=True)
    # bumped whenever a flag joins or is decided; `shown` is the revision on screen
    revision: Mapped[int] = mapped_column(Integer, default=0)
    shown: Mapped[int] = mapped_column(Integer, default=-1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEvent(Base):
    """A record of every decision and automatic action, with who and when."""

    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int | None] = mapped_column(
        ForeignKey("classroom.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor_id: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class SyncToken(Base):
    """Where a Matrix account's sync stopped, so a restart resumes there."""

    __tablename__ = "sync_token"
    account: Mapped[str] = mapped_column(String(255), primary_key=True)
    token: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


# the guest authors' tables live in their own module; imported here so that every table is
# on Base.metadata whenever this module is (migrations, create_all) and imports stay one
from bot.db.author_tables import (  # noqa: E402
    Answer,
    AuthorInvite,
    ClassProfile,
    GuestAuthor,
    InboxItem,
    Question,
)
from bot.db.circle_remote_tables import (  # noqa: E402
    CircleAsk,
    CircleInbox,
    CircleLink,
    CircleOutbox,
    CirclePartner,
)
from bot.db.circle_tables import (  # noqa: E402
    Circle,
    CircleCode,
    CircleCopy,
    CircleMember,
    CirclePost,
    CircleTrust,
    Installation,
)
from bot.db.timer_table import TimerRow  # noqa: E402

__all__ = [
    "Answer",
    "AuthorInvite",
    "Base",
    "Circle",
    "CircleAsk",
    "CircleCode",
    "CircleCopy",
    "CircleInbox",
    "CircleLink",
    "CircleMember",
    "CircleOutbox",
    "CirclePartner",
    "CirclePost",
    "CircleTrust",
    "ClassProfile",
    "GuestAuthor",
    "InboxItem",
    "Installation",
    "Question",
    "TimerRow",
    "UTCDateTime",
]
