"""Each student's last few messages, for spotting repeats and floods (kept in memory only)."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=2)
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
