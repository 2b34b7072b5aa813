"""The values a season file may hold: each check returns the clean value or says what to type.

The tables' schemas live here too: table → key → (required, check).
"""

from __future__ import annotations

import re
from datetime import date, time
from difflib import get_close_matches
from typing import Any

from bot.core.commands import WEEKDAYS, parse_timezone
from bot.core.errors import UserError
from cogs.readaloud.season_lines import show

PROMPT_KINDS = ("question", "summary", "prediction", "poll", "opinion")
CHOICE_KINDS = ("poll", "opinion")
DAY_NAMES = dict(zip(WEEKDAYS, ("monday", "tuesday", "wednesday", "thursday", "friday",
                                "saturday", "sunday"), strict=True))  # fmt: skip
MAX_OPTIONS, MAX_OPTION_CHARS, MAX_TEXT_CHARS, MAX_CHAR_LIMIT = 10, 80, 1000, 2000
_TIME = re.compile(r"^(\d{2}):(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadValue(Exception):
    """One value is wrong; the message says what to type instead."""


# ---- value checks: each returns the clean value or raises BadValue ----


def _text(v: Any, example: str, limit: int = 255, empty: bool = False) -> str:
    if not isinstance(v, str):
        raise BadValue(f'must be text in quotes, like "{example}"')
    if not v.strip() and not empty:
        raise BadValue(f'cannot be empty; write something like "{example}"')
    if len(v) > limit:
        raise BadValue(f"is {len(v)} characters long; keep it to {limit}")
    return v


def _whole(v: Any, low: int, example: int, high: int | None = None) -> int:
    span = f"from {low} to {high}" if high is not None else f"of at least {low}"
    if isinstance(v, bool) or not isinstance(v, int) or v < low or (high and v > high):
        raise BadValue(f"must be a whole number {span}, like {example}")
    return v


def _date(v: Any) -> date:
    if isinstance(v, date) and not hasattr(v, "hour"):
        return v
    if isinstance(v, str) and _DATE.match(v):
        try:
            return date.fromisoformat(v)
        except ValueError:
            raise BadValue("is not a day of the calendar; check the month and day") from None
    raise BadValue("must be a date like 2027-02-01 (year-month-day)")


def _time(v: Any) -> time:
    if isinstance(v, time) and v.second == 0 and v.microsecond == 0:
        return v
    m = _TIME.match(v) if isinstance(v, str) else None
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise BadValue('must look like "09:30" (24-hour clock, 00:00 to 23:59)')
    return time(int(m.group(1)), int(m.group(2)))


def _weekdays(v: Any) -> tuple[str, ...]:
    raw = [d.strip() for d in v.split(",") if d.strip()] if isinstance(v, str) else v
    if not isinstance(raw, list) or not all(isinstance(d, str) for d in raw):
        raise BadValue('must be a list of days, like ["mon", "wed", "fri"]')
    by_name = {**{d: d for d in WEEKDAYS}, **{n: d for d, n in DAY_NAMES.items()}}
    if not raw:
        raise BadValue('needs at least one day, like ["mon", "wed", "fri"]')
    unknown = [d for d in raw if d.lower() not in by_name]
    if unknown:
        raise BadValue(f"{', '.join(map(show, unknown))}: use days from {', '.join(WEEKDAYS)}")
    return tuple(sorted({by_name[d.lower()] for d in raw}, key=WEEKDAYS.index))


def _texts(v: Any, example: str, limit: int) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise BadValue(f'must be a list in square brackets, like ["{example}", ...]')
    out = []
    for i, item in enumerate(v, 1):
        try:
            out.append(_text(item, example, limit))
        except BadValue as e:
            raise BadValue(f"item {i} {show(item)} {e}") from None
    return tuple(out)


def _dates(v: Any) -> tuple[date, ...]:
    if not isinstance(v, list) or not v:
        raise BadValue("must be a list of dates, like [2027-02-01, 2027-02-03]")
    out = []
    for i, item in enumerate(v, 1):
        try:
            out.append(_date(item))
        except BadValue as e:
            raise BadValue(f"item {i} {show(item)} {e}") from None
    twice = sorted({d.isoformat() for d in out if out.count(d) > 1})
    if twice:
        raise BadValue(f"{', '.join(twice)} is listed twice; list each day once")
    return tuple(sorted(out))


def _timezone(v: Any) -> str:
    try:
        return parse_timezone(_text(v, "Pacific/Auckland"))
    except UserError:
        raise BadValue('is not a timezone I know; use a name like "Pacific/Auckland"') from None


# ---- the schema: table → key → (required, check) ----

BOOK = {
    "title": (True, lambda v: _text(v, "The Lighthouse Mice")),
    "author": (False, lambda v: _text(v, "Ada Quill", empty=True)),
    "chapters": (True, lambda v: _whole(v, 1, 12, 500)),
    "chapter_titles": (False, lambda v: _texts(v, "The Storm", 200)),
    "characters": (False, lambda v: _characters(v)),
}
PLAN = {
    "start": (False, _date),
    "weekdays": (False, _weekdays),
    "dates": (False, _dates),
    "time": (True, _time),
    "chapters_per_session": (False, lambda v: _whole(v, 1, 2)),
    "window_minutes": (False, lambda v: _whole(v, 1, 45, 24 * 60)),
    "reminder_minutes": (False, lambda v: _whole(v, 0, 10, 7 * 24 * 60)),
    "timezone": (False, _timezone),
}
PROMPT = {
    "chapter": (True, lambda v: _whole(v, 1, 3)),
    "kind": (False, lambda v: _kind(v)),
    "text": (True, lambda v: _text(v, "What do you think happens next?", MAX_TEXT_CHARS)),
    "offset_minutes": (False, lambda v: _whole(v, 0, 10)),
    "options": (False, lambda v: _texts(v, "Yes", MAX_OPTION_CHARS)),
    "char_limit": (False, lambda v: _whole(v, 1, 140, MAX_CHAR_LIMIT)),
}


MAX_CHARACTERS = 200


def _characters(v: Any) -> tuple[str, ...]:
    names = _texts(v, "Pip", 100)
    if len(names) > MAX_CHARACTERS:
        raise BadValue(f"lists {len(names)} names; keep it to {MAX_CHARACTERS}")
    return names


def _kind(v: Any) -> str:
    if not isinstance(v, str) or v.lower() not in PROMPT_KINDS:
        raise BadValue(f"must be one of {', '.join(PROMPT_KINDS)}")
    return v.lower()


EXAMPLES = {
    "title": '"The Lighthouse Mice"',
    "chapters": "12",
    "time": '"09:30"',
    "chapter": "3",
    "text": '"What do you think happens next?"',
}


def choose(key: str, schema: dict[str, Any]) -> str:
    near = get_close_matches(key, list(schema), n=1)
    hint = f'did you mean "{near[0]}"? ' if near else ""
    return f"{hint}the keys here are {', '.join(schema)}"
