"""What came just before a message: the student's last few messages (in memory), whether
a flood was already flagged, whether the discussion thread has closed, whether an earlier
version of the message was already removed."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.states import SessionState
from bot.db.tables import Delivery, Flag, Post, Session
from bot.screening.verdict import SPAM

WINDOW = timedelta(minutes=2)
SPAM_NOTICE_EVERY = timedelta(minutes=10)
KEEP = 20
MAX_STUDENTS = 10_000


class RecentMessages:
    """A short memory of who said what in the last couple of minutes."""

    def __init__(self) -> None:
        self._by_user: dict[str, deque[tuple[datetime, str]]] = {}

    def seen(self, user_id: str, text: str, now: datetime) -> tuple[str, ...]:
        """Record `text` and return the student's earlier messages within the window."""
        if user_id not in self._by_user and len(self._by_user) >= MAX_STUDENTS:
            self._by_user.pop(next(iter(self._by_user)))
        history = self._by_user.setdefault(user_id, deque(maxlen=KEEP))
        while history and now - history[0][0] > WINDOW:
            history.popleft()
        earlier = tuple(t for _, t in history)
        history.append((now, text))
        return earlier


async def spam_already_flagged(
    db: AsyncSession, class_id: int, user_id: str, now: datetime
) -> bool:
    """Whether this student's flood was flagged in the last few minutes (one notice per flood)."""
    matches = await db.scalars(
        select(Flag.matches).where(
            Flag.classroom_id == class_id,
            Flag.user_id == user_id,
            Flag.created_at >= now - SPAM_NOTICE_EVERY,
        )
    )
    return any(m.startswith(f"{SPAM}:") for found in matches for m in (found or []))


async def thread_closed(db: AsyncSession, class_id: int, thread: str) -> bool:
    """Whether `thread` is a session discussion that has closed."""
    state = await db.scalar(
        select(Session.state).where(Session.classroom_id == class_id, Session.thread_id == thread)
    )
    return state == SessionState.DONE


async def handled_before(
    db: AsyncSession, platform: str, message_id: str, revision: str
) -> tuple[bool, int | None]:
    """Whether the message needs no screening, and the flag it got if so: this version was
    screened before (a repeat), or an earlier version was held and removed from the class
    (a later update of it changes nothing the class can see; one not removed is screened).
    A message never seen before costs one query."""
    rows = (
        await db.execute(
            select(Post.revision, Flag.id, Flag.action)
            .outerjoin(Flag, Flag.post_id == Post.id)
            .where(Post.platform == platform, Post.message_id == message_id)
        )
    ).all()
    for post_revision, flag_id, _ in rows:
        if post_revision == revision:
            return True, flag_id
    # the hide's delivery (review/effects.py) of an earlier version that was held
    keys = [f"flag:{flag_id}:hide" for _, flag_id, action in rows if action == "hold"]
    if not keys:
        return False, None
    done = select(Delivery.id).where(Delivery.key.in_(keys))  # a delivery row means sent
    return await db.scalar(done.limit(1)) is not None, None
