"""Pure calendar arithmetic for read-aloud plans: local dates and times in, UTC out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.core.commands import WEEKDAYS

MAX_SESSIONS = 500


@dataclass(frozen=True)
class PlannedSession:
    """One session of a plan: its number, start (UTC) and chapters."""

    number: int
    starts_at: datetime
    first_chapter: int
    last_chapter: int


def local_to_utc(day: date, at: time, timezone: str) -> datetime:
    """The UTC instant of a wall-clock time in a timezone (daylight saving included)."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def sessions_for(
    start: date,
    weekdays: tuple[str, ...],
    at: time,
    timezone: str,
    chapters: int,
    per_session: int,
) -> list[PlannedSession]:
    """Spread `chapters` over the given weekdays from `start`, `per_session` at a time."""
    wanted = {WEEKDAYS.index(d) for d in weekdays}
    out: list[PlannedSession] = []
    day, chapter = start, 1
    while chapter <= chapters and len(out) < MAX_SESSIONS:
        if day.weekday() in wanted:
            last = min(chapters, chapter + per_session - 1)
            out.append(PlannedSession(len(out) + 1, local_to_utc(day, at, timezone), chapter, last))
            chapter = last + 1
        day += timedelta(days=1)
    return out


def relative(when: datetime, now: datetime) -> str:
    """'in 2 days', 'in 3 hours', '5 minutes ago' — rough and friendly."""
    delta = when - now
    future = delta.total_seconds() >= 0
    secs = abs(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if secs >= size:
            n = int(secs // size)
            text = f"{n} {unit}{'s' if n != 1 else ''}"
            return f"in {text}" if future else f"{text} ago"
    return "now"


def chapters_label(first: int, last: int) -> str:
    return f"chapter {first}" if first == last else f"chapters {first}–{last}"
