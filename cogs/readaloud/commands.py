"""Read-aloud commands: book, plan, prompt, schedule."""

from __future__ import annotations

from bot.core.commands import (
    NAME_CHARS,
    PROMPT_CHARS,
    TITLE_CHARS,
    Command,
    Kind,
    Param,
    Reply,
)
from bot.core.errors import UserError
from bot.core.model import Attachment, ChannelRef, Role
from bot.db.states import SessionState
from cogs.classroom.calls import ClassCall, in_class
from cogs.classroom.service import ClassroomService
from cogs.readaloud.changes import CalendarChanges
from cogs.readaloud.season import parse_season, render_season
from cogs.readaloud.season_store import ImportResult, SeasonStore
from cogs.readaloud.service import PROMPT_KINDS, ReadAloudService, SessionView


def _calendar(sessions: list[SessionView], timezone: str) -> str:
    if not sessions:
        return "No sessions planned yet. A teacher can plan with: readaloud plan"
    lines = [f"Read-aloud calendar ({timezone}):"]
    for s in sessions:
        done = "" if s.state == SessionState.PLANNED else f" [{s.state}]"
        lines.append(f"{s.number}. {s.local_start} ({s.relative}) — {s.book}, {s.chapters}{done}")
    return "\n".join(lines)


def _import_reply(result: ImportResult) -> str:
    first = result.first_session.strftime("%a %d %b %Y %H:%M UTC") if result.first_session else "—"
    kept = f", {result.kept_sessions} already posted kept" if result.kept_sessions else ""
    return (
        f'Imported "{result.book}": {result.sessions} sessions planned{kept}, '
        f"{result.prompts} prompts. First session: {first}."
    )


def _short(message: str, limit: int = 1500) -> str:
    """Long validation reports are cut so they fit in one chat message."""
    return message if len(message) <= limit else message[:limit].rsplit("\n", 1)[0] + "\n…"


def declare(
    classes: ClassroomService,
    readaloud: ReadAloudService,
    changes: CalendarChanges,
    seasons: SeasonStore,
) -> list[Command]:
    """The `readaloud` command group (alias `ra`)."""
    in_class_ = in_class(classes)

    @in_class_
    async def book(call: ClassCall) -> Reply:
        cls = call.cls
        a = call.args
        title = await readaloud.add_book(
            cls, a["title"], a["chapters"], a["author"] or "", call.actor
        )
        return Reply(
            f'Added "{title}" ({a["chapters"]} chapters). Next: {call.prefix}readaloud plan '
            "start=2027-02-01 days=mon,wed,fri time=09:30 per=1"
        )

    @in_class_
    async def plan(call: ClassCall) -> Reply:
        cls = call.cls
        a = call.args
        sessions = await readaloud.plan(
            cls,
            a["book"],
            a["start"],
            a["days"],
            a["time"],
            a["per"],
            call.actor,
            window_minutes=a["window"],
            reminder_minutes=a["reminder"],
        )
        return Reply(_calendar(sessions, cls.timezone))

    @in_class_
    async def prompt(call: ClassCall) -> Reply:
        cls = call.cls
        a = call.args
        pid = await readaloud.add_prompt(
            cls,
            a["book"],
            a["chapter"],
            a["text"],
            a["kind"],
            a["offset"],
            call.actor,
            char_limit=a["limit"],
        )
        return Reply(f"Prompt {pid} ({a['kind']}) added to chapter {a['chapter']}.")

    @in_class_
    async def now(call: ClassCall) -> Reply:
        cls = call.cls
        number = await readaloud.post_now(cls, call.args["session"], call.actor)
        return Reply(f"Posting session {number} now.")

    @in_class_
    async def skip(call: ClassCall) -> Reply:
        cls = call.cls
        moved = await changes.skip(cls, call.args["from"], call.args["to"], call.actor)
        calendar = _calendar(await readaloud.schedule(cls), cls.timezone)
        return Reply(f"Break noted; {moved} sessions moved.\n{calendar}")

    @in_class_
    async def move(call: ClassCall) -> Reply:
        cls = call.cls
        a = call.args
        when = await changes.move(cls, a["session"], a["date"], a["time"], call.actor)
        return Reply(f"Session {a['session']} is now on {when} ({cls.timezone}).")

    @in_class_
    async def import_(call: ClassCall) -> Reply:
        cls = call.cls
        file: Attachment = call.args["file"]
        try:
            season = parse_season(file.text, source=file.filename)
            result = await seasons.import_season(cls.id, season, call.actor.user.id, cls.timezone)
        except UserError as e:  # all or nothing: nothing changed
            raise UserError(_short(e.message) + "\nNothing was changed.") from None
        return Reply(_import_reply(result))

    @in_class_
    async def export(call: ClassCall) -> Reply:
        cls = call.cls
        season = await seasons.export_season(cls.id, call.args["book"])
        name = "".join(c if c.isalnum() else "-" for c in season.book.title.lower()).strip("-")
        file = Attachment(f"{name or 'season'}.toml", render_season(season))
        return Reply(f'Here is the season plan for "{season.book.title}".', attachment=file)

    @in_class_
    async def schedule(call: ClassCall) -> Reply:
        cls = call.cls
        return Reply(_calendar(await readaloud.schedule(cls), cls.timezone))

    async def titles(channel: ChannelRef) -> list[str]:
        cls = await classes.find(channel)
        return await readaloud.titles(cls.id) if cls else []

    book_param = Param(
        "book",
        Kind.WORD,
        "the book's title (the latest book if left out)",
        required=False,
        suggest=titles,
        max_length=TITLE_CHARS,
    )
    return [
        Command(
            ("readaloud", "book"),
            "add a book the class will read",
            Role.TEACHER,
            book,
            (
                Param(
                    "title",
                    Kind.WORD,
                    "the title; use quotes for several words",
                    max_length=TITLE_CHARS,
                ),
                Param("chapters", Kind.INT, "how many chapters", minimum=1),
                Param("author", Kind.TEXT, "who wrote it", required=False, max_length=NAME_CHARS),
            ),
        ),
        Command(
            ("readaloud", "plan"),
            "plan the sessions: first day, weekdays, time, chapters per session",
            Role.TEACHER,
            plan,
            (
                Param("start", Kind.DATE, "the first day"),
                Param("days", Kind.WEEKDAYS, "which weekdays"),
                Param("time", Kind.TIME, "the time of day, class timezone"),
                Param(
                    "per", Kind.INT, "chapters per session", required=False, default=1, minimum=1
                ),
                Param(
                    "window",
                    Kind.INT,
                    "minutes the discussion stays open",
                    required=False,
                    default=60,
                    minimum=5,
                ),
                Param(
                    "reminder",
                    Kind.INT,
                    "minutes before to remind the class (0 = none)",
                    required=False,
                    default=0,
                    minimum=0,
                ),
                book_param,
            ),
        ),
        Command(
            ("readaloud", "prompt"),
            "add a discussion prompt to a chapter",
            Role.TEACHER,
            prompt,
            (
                Param("chapter", Kind.INT, "the chapter number", minimum=1),
                Param("text", Kind.TEXT, "the prompt", max_length=PROMPT_CHARS),
                Param(
                    "kind",
                    Kind.CHOICE,
                    "what kind of prompt",
                    required=False,
                    default="question",
                    choices=PROMPT_KINDS,
                ),
                Param(
                    "offset",
                    Kind.INT,
                    "minutes after the session starts",
                    required=False,
                    default=0,
                    minimum=0,
                ),
                Param(
                    "limit",
                    Kind.INT,
                    "character limit of a summary challenge",
                    required=False,
                    default=140,
                    minimum=10,
                ),
                book_param,
            ),
        ),
        Command(
            ("readaloud", "now"),
            "post a session at once (the next one if no number is given)",
            Role.TEACHER,
            now,
            (Param("session", Kind.INT, "the session number", required=False, minimum=1),),
        ),
        Command(
            ("readaloud", "skip"),
            "no sessions during a break; later sessions shift along",
            Role.TEACHER,
            skip,
            (
                Param("from", Kind.DATE, "the first day of the break"),
                Param("to", Kind.DATE, "the last day of the break", required=False),
            ),
        ),
        Command(
            ("readaloud", "move"),
            "move one session to another day and time",
            Role.TEACHER,
            move,
            (
                Param("session", Kind.INT, "the session number", minimum=1),
                Param("date", Kind.DATE, "the new day"),
                Param("time", Kind.TIME, "the new time (same time if left out)", required=False),
            ),
        ),
        Command(
            ("readaloud", "import"),
            "plan a whole season from a shared .toml plan file (upload it)",
            Role.TEACHER,
            import_,
            (Param("file", Kind.FILE, "the season plan file"),),
        ),
        Command(
            ("readaloud", "export"),
            "the season plan as a .toml file other classes can import",
            Role.TEACHER,
            export,
            (
                Param(
                    "book",
                    Kind.WORD,
                    "the book (the latest if left out)",
                    required=False,
                    suggest=titles,
                    max_length=TITLE_CHARS,
                ),
            ),
        ),
        Command(("readaloud", "schedule"), "the read-aloud calendar", Role.STUDENT, schedule),
    ]
