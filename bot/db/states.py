"""The states a row moves through, as enums stored as their text (no data migration: the
values are the strings the rows always held)."""

from __future__ import annotations

import enum


class SessionState(enum.StrEnum):
    """A read-aloud session: planned → running → done, or missed while the bot was away."""

    PLANNED = "planned"
    RUNNING = "running"
    DONE = "done"
    MISSED = "missed"


class FlagState(enum.StrEnum):
    """A held or flagged message waiting for the teacher, and what the teacher decided."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class AuthorState(enum.StrEnum):
    """A guest author: joined with an invite code, or left (their inbox closed)."""

    JOINED = "joined"
    LEFT = "left"


class InviteState(enum.StrEnum):
    """A class's invite code for an author: open until used, or revoked (seen by students)."""

    OPEN = "open"
    USED = "used"
    REVOKED = "revoked"


class InboxState(enum.StrEnum):
    """A question in an author's inbox: open until answered or passed, or closed on leaving."""

    OPEN = "open"
    ANSWERED = "answered"
    PASSED = "passed"
    CLOSED = "closed"


class QuestionState(enum.StrEnum):
    """A student's question for the guest author, from asking to answered (or not)."""

    ASKED = "asked"
    APPROVED = "approved"
    RELAYED = "relayed"
    ANSWER_HELD = "answer_held"
    ANSWERED = "answered"
    PASSED = "passed"
    REJECTED = "rejected"
    WITHHELD = "withheld"
    DROPPED = "dropped"


class AnswerState(enum.StrEnum):
    """An author's answer: delivering to every class that asked, then done."""

    DELIVERING = "delivering"
    DONE = "done"


class CopyState(enum.StrEnum):
    """A partner class's copy of a circle post (see cogs/circles/copies.py)."""

    WAITING = "waiting"  # screened; waits for the class's session of its chapter
    HELD = "held"  # for the class's teacher
    DELIVERED = "delivered"
    HIDDEN = "hidden"  # by the class's teacher
    REJECTED = "rejected"  # by the class's teacher
    RETRACTED = "retracted"  # taken back where it came from
    DROPPED = "dropped"  # the class left the circle


class OutboxState(enum.StrEnum):
    """A circle post or retraction for another installation: waiting for its
    acknowledgement, done, or dropped (the installation left, was away too long, or too
    much waited for it)."""

    WAITING = "waiting"
    DONE = "done"
    DROPPED = "dropped"


class ArrivalState(enum.StrEnum):
    """A post from another installation: arrived (being shown), shown, or retracted."""

    ARRIVED = "arrived"
    SHOWN = "shown"
    RETRACTED = "retracted"


class AskState(enum.StrEnum):
    """A class's request to join another installation's circle."""

    ASKING = "asking"
    JOINED = "joined"
    REFUSED = "refused"
