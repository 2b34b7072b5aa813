"""A plan's sessions stay at the same wall-clock time across daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from cogs.readaloud.calendar import relative, sessions_for


def test_auckland_sessions_keep_local_time_when_daylight_saving_ends() -> None:
    # NZ daylight saving ends on Sunday 4 April 2027 (UTC+13 -> UTC+12)
    sessions = sessions_for(
        date(2027, 3, 29),
        ("mon", "wed", "fri"),
        time(9, 30),
        "Pacific/Auckland",
        chapters=10,
        per_session=2,
    )
    assert [(s.first_chapter, s.last_chapter) for s in sessions] == [
        (1, 2),
        (3, 4),
        (5, 6),
        (7, 8),
        (9, 10),
    ]
    local = [s.starts_at.astimezone(ZoneInfo("Pacific/Auckland")) for s in sessions]
    assert all((t.hour, t.minute) == (9, 30) for t in local)
    assert sessions[2].starts_at == datetime(2027, 4, 1, 20, 30, tzinfo=UTC)  # Fri 2 Apr, +13
    assert sessions[3].starts_at == datetime(2027, 4, 4, 21, 30, tzinfo=UTC)  # Mon 5 Apr, +12


def test_new_york_spring_forward() -> None:
    sessions = sessions_for(
        date(2027, 3, 12), ("fri", "mon"), time(8, 0), "America/New_York", chapters=2, per_session=1
    )
    assert [s.starts_at for s in sessions] == [
        datetime(2027, 3, 12, 13, 0, tzinfo=UTC),
        datetime(2027, 3, 15, 12, 0, tzinfo=UTC),
    ]


def test_relative_times_read_naturally() -> None:
    now = datetime(2027, 2, 1, tzinfo=UTC)
    assert relative(datetime(2027, 2, 3, 1, tzinfo=UTC), now) == "in 2 days"
    assert relative(datetime(2027, 1, 31, 23, 55, tzinfo=UTC), now) == "5 minutes ago"
