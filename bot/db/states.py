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
