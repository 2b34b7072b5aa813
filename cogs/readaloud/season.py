"""Season plan files: a whole read-aloud season as TOML a teacher can share with other classes.

Pure: text in, `Season` out (or one `UserError` listing every problem with its line),
and back to canonical TOML text. The schema is documented in docs/season-files.md.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from bot.core.errors import UserError
from cogs.readaloud.season_lines import KeyLines, show, toml_value
from cogs.readaloud.season_values import (
    BOOK,
    CHOICE_KINDS,
    EXAMPLES,
    MAX_OPTIONS,
    PLAN,
    PROMPT,
    PROMPT_KINDS,
    BadValue,
    choose,
)

__all__ = ["BookSpec", "PlanSpec", "PromptSpec", "Season", "SeasonFileError"]
__all__ += ["PROMPT_KINDS", "parse_season", "render_season"]
_MISSING = object()


@dataclass(frozen=True)
class BookSpec:
    """The book: title, author, how many chapters, (optionally) their titles and the
    characters' names (screening reads them as names, not as insults)."""

    title: str
    chapters: int
    author: str = ""
    chapter_titles: tuple[str, ...] = ()
    characters: tuple[str, ...] = ()


@dataclass(frozen=True)
class PlanSpec:
    """When the class reads: weekdays from a start date, or a list of dates; all at `at`."""

    at: time
    start: date | None = None
    weekdays: tuple[str, ...] = ()
    dates: tuple[date, ...] = ()
    chapters_per_session: int = 1
    window_minutes: int = 60
    reminder_minutes: int = 0
    timezone: str | None = None


@dataclass(frozen=True)
class PromptSpec:
    """A prompt posted in the session that reads `chapter`, `offset_minutes` after it starts."""

    chapter: int
    text: str
    kind: str = "question"
    offset_minutes: int = 0
    options: tuple[str, ...] = ()
    char_limit: int = 140


@dataclass(frozen=True)
class Season:
    """A whole season: the book, the plan, and the prompts (by chapter, then offset)."""

    book: BookSpec
    plan: PlanSpec
    prompts: tuple[PromptSpec, ...] = field(default=())


class SeasonFileError(UserError):
    """A season file with problems; `problems` holds one line of text per problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        n = len(problems)
        head = f"{source} has {n} problem{'s' if n != 1 else ''}:"
        super().__init__("\n".join([head, *(f"- {p}" for p in problems)]))
        self.problems = problems


class _Check:
    """Collects every problem of one file, each with its line and key."""

    def __init__(self, text: str, source: str) -> None:
        self.lines, self.source = KeyLines(text), source
        self.problems: list[tuple[int, int, str]] = []

    def bad(self, path: tuple[str | int, ...], why: str, value: Any = _MISSING) -> None:
        line = self.lines.line(path)
        name = KeyLines.name(path)
        what = name if value is _MISSING else f"{name} = {show(value)}"
        self.problems.append(
            (line, len(self.problems), f"{self.source} line {line}: {what}: {why}")
        )

    def table(
        self, raw: Any, path: tuple[str | int, ...], schema: dict[str, Any], example: str
    ) -> dict[str, Any]:
        """The table's checked values; problems for unknown, missing and wrong keys."""
        if not isinstance(raw, dict):
            self.bad(path, f"must be a table; start it with a line {example}")
            return {"_wrong": set(schema)}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in schema:
                self.bad((*path, key), f"unknown key; {choose(key, schema)}", value)
                continue
            try:
                out[key] = schema[key][1](value)
            except BadValue as e:
                self.bad((*path, key), str(e), value)
        for key, (required, _) in schema.items():
            if required and key not in raw:
                self.bad((*path, key), f"missing; add a line like {key} = {EXAMPLES[key]}")
        # keys given but wrong: checks across keys skip them, their own problem is listed
        return {**out, "_wrong": set(raw) - set(out)}

    def raise_if_any(self) -> None:
        if self.problems:
            raise SeasonFileError(self.source, [p for _, _, p in sorted(self.problems)])


def parse_season(text: str, source: str = "plan.toml") -> Season:
    """Read a season file; raises `SeasonFileError` (a `UserError`) listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"\(at line (\d+)", str(e))
        where = f" line {m.group(1)}" if m else ""
        why = re.sub(r"\s*\(at line.*\)$", "", str(e))
        raise SeasonFileError(
            source, [f"{source}{where}: this is not valid TOML ({why}); check quotes and brackets"]
        ) from None
    check = _Check(text, source)
    for key, value in data.items():
        if key in ("book", "plan", "prompt"):
            continue
        if isinstance(value, dict):
            check.bad((key,), "unknown table; a season file has [book], [plan] and [[prompt]]")
        else:
            check.bad(
                (key,), "this key is outside any table; move it under [book] or [plan]", value
            )
    book, plan = _table(check, data, "book", BOOK), _table(check, data, "plan", PLAN)
    raw_prompts = data.get("prompt", [])
    if not isinstance(raw_prompts, list):
        check.bad(("prompt",), "write [[prompt]] with two brackets before each prompt")
        raw_prompts = []
    prompts = [
        check.table(p, ("prompt", i), PROMPT, "[[prompt]]") for i, p in enumerate(raw_prompts)
    ]
    _check_plan(check, plan, book.get("chapters"))
    _check_book(check, book)
    window = None if "window_minutes" in plan["_wrong"] else plan.get("window_minutes", 60)
    for i, p in enumerate(prompts):
        _check_prompt(check, i, p, book.get("chapters"), window)
    check.raise_if_any()
    return _build(book, plan, prompts)


def _table(
    check: _Check, data: dict[str, Any], name: str, schema: dict[str, Any]
) -> dict[str, Any]:
    """A checked top-level table, or a problem saying it is missing."""
    if name not in data:
        check.bad((name,), f"the [{name}] table is missing; add it (see docs/season-files.md)")
        return {"_wrong": set(schema)}
    return check.table(data[name], (name,), schema, f"[{name}]")


def _check_book(check: _Check, book: dict[str, Any]) -> None:
    titles, chapters = book.get("chapter_titles", ()), book.get("chapters")
    if chapters is not None and len(titles) > chapters:
        check.bad(
            ("book", "chapter_titles"),
            f"has {len(titles)} titles but the book has {chapters} chapters; "
            "remove the extra titles or raise chapters",
        )


def _check_plan(check: _Check, plan: dict[str, Any], chapters: int | None) -> None:
    if plan["_wrong"] & {"start", "weekdays", "dates", "chapters_per_session"}:
        return  # that key's own problem says it already
    has = {k for k in ("start", "weekdays", "dates") if k in plan}
    if not has & {"weekdays", "dates"}:
        check.bad(
            ("plan",),
            'say when the class reads: weekdays = ["mon", "wed"] with start = 2027-02-01, '
            "or dates = [2027-02-01, 2027-02-03]",
        )
        return
    if {"weekdays", "dates"} <= has:
        check.bad(("plan", "dates"), "give either weekdays or dates, not both; remove one")
        return
    if "weekdays" in has and "start" not in has:
        check.bad(("plan", "start"), "missing; add the first day, like start = 2027-02-01")
    if "dates" in has and "start" in has:
        check.bad(("plan", "start"), "leave start out when you list dates (the first date is it)")
    per = plan.get("chapters_per_session", 1)
    if "dates" in plan and chapters is not None:
        need = -(-chapters // per)
        if len(plan["dates"]) != need:
            check.bad(
                ("plan", "dates"),
                f"{chapters} chapters at {per} per session need {need} dates, not "
                f"{len(plan['dates'])}; list {need} dates or change chapters_per_session",
            )


def _check_prompt(
    check: _Check, i: int, p: dict[str, Any], chapters: int | None, window: int | None
) -> None:
    kind = p.get("kind", "question")
    if {"kind", "options"} & p["_wrong"]:
        kind = ""  # the wrong key's own problem is enough
    if chapters is not None and p.get("chapter", 1) > chapters:
        check.bad(
            ("prompt", i, "chapter"),
            f"the book has chapters 1 to {chapters}; use one of those",
            p["chapter"],
        )
    if window is not None and p.get("offset_minutes", 0) >= window:
        check.bad(
            ("prompt", i, "offset_minutes"),
            f"the session lasts {window} minutes; use 0 to {window - 1}",
            p["offset_minutes"],
        )
    if kind in CHOICE_KINDS:
        options = p.get("options", ())
        if not 2 <= len(options) <= MAX_OPTIONS or len(set(options)) != len(options):
            check.bad(
                ("prompt", i, "options"),
                f"{_a(kind)} needs 2 to {MAX_OPTIONS} different options, "
                'like options = ["Yes", "No"]',
                p.get("options", _MISSING),
            )
    elif "options" in p and kind:
        why = f"only polls and opinions have options, not {_a(kind)}; remove it"
        check.bad(("prompt", i, "options"), why, p["options"])
    if "char_limit" in p and kind not in ("summary", ""):
        why = f"only summaries have a char_limit, not {_a(kind)}; remove it"
        check.bad(("prompt", i, "char_limit"), why, p["char_limit"])


def _a(kind: str) -> str:
    return f"{'an' if kind[:1] in ('a', 'e', 'i', 'o', 'u') else 'a'} {kind}"


def _build(book: dict[str, Any], plan: dict[str, Any], prompts: list[dict[str, Any]]) -> Season:
    specs = [
        PromptSpec(
            chapter=p["chapter"],
            text=p["text"],
            kind=p.get("kind", "question"),
            offset_minutes=p.get("offset_minutes", 0),
            options=p.get("options", ()),
            char_limit=p.get("char_limit", 140),
        )
        for p in prompts
    ]
    return Season(
        book=BookSpec(
            title=book["title"],
            chapters=book["chapters"],
            author=book.get("author", ""),
            chapter_titles=book.get("chapter_titles", ()),
            characters=book.get("characters", ()),
        ),
        plan=PlanSpec(
            at=plan["time"],
            start=plan.get("start"),
            weekdays=plan.get("weekdays", ()),
            dates=plan.get("dates", ()),
            chapters_per_session=plan.get("chapters_per_session", 1),
            window_minutes=plan.get("window_minutes", 60),
            reminder_minutes=plan.get("reminder_minutes", 0),
            timezone=plan.get("timezone"),
        ),
        prompts=tuple(sorted(specs, key=lambda s: (s.chapter, s.offset_minutes))),
    )


def render_season(season: Season) -> str:
    """Canonical TOML text for a season; parsing it gives the same `Season` back."""
    b, p = season.book, season.plan
    out = [
        "# A read-aloud season for readaloud. Every key is explained in docs/season-files.md.",
        "",
    ]
    out += ["[book]", f"title = {toml_value(b.title)}"]
    if b.author:
        out.append(f"author = {toml_value(b.author)}")
    out.append(f"chapters = {b.chapters}")
    if b.chapter_titles:
        out += ["chapter_titles = [", *(f"    {toml_value(t)}," for t in b.chapter_titles), "]"]
    if b.characters:
        out += ["characters = [", *(f"    {toml_value(c)}," for c in b.characters), "]"]
    out += ["", "[plan]"]
    if p.dates:
        out.append(f"dates = {toml_value(list(p.dates))}")
    else:
        out += [f"start = {toml_value(p.start)}", f"weekdays = {toml_value(list(p.weekdays))}"]
    out += [
        f'time = "{p.at.strftime("%H:%M")}"',
        f"chapters_per_session = {p.chapters_per_session}",
        f"window_minutes = {p.window_minutes}",
        f"reminder_minutes = {p.reminder_minutes}",
    ]
    if p.timezone:
        out.append(f"timezone = {toml_value(p.timezone)}")
    for q in season.prompts:
        out += ["", "[[prompt]]", f"chapter = {q.chapter}", f"kind = {toml_value(q.kind)}"]
        out += [f"offset_minutes = {q.offset_minutes}", f"text = {toml_value(q.text)}"]
        if q.kind in CHOICE_KINDS:
            out.append(f"options = {toml_value(list(q.options))}")
        if q.kind == "summary":
            out.append(f"char_limit = {q.char_limit}")
    return "\n".join(out) + "\n"
