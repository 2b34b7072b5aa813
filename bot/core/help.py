"""Help, grouped by what a person does, with examples the bot accepts as typed.

The declarations say who may run a command and what it does; this table says
where a teacher looks for it (set up, plan, during a session, review, guest
author, other classes) and gives one example that works when copied. `help mod` or
`help plan` narrows help to one part. A command missing here is listed under
"More", with its usage.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.commands import Command, Registry
from bot.core.model import Role


@dataclass(frozen=True)
class Topic:
    """One part of the help: its heading and the words that ask for it (`help mod`)."""

    title: str
    words: tuple[str, ...]


SETUP = Topic("Set up the class", ("setup", "class", "start", "rules"))
PLAN = Topic("Plan the reading", ("plan", "readaloud", "ra", "book", "calendar", "schedule"))
SESSION = Topic("During a session", ("session", "now", "today"))
REVIEW = Topic("Review messages", ("review", "moderation", "queue", "held"))
AUTHOR = Topic("Guest author", ("author", "authors", "guest", "questions", "ask"))
CIRCLE = Topic("Read with other classes", ("circle", "circles", "classes", "partners"))
STUDENT = Topic("In our read-aloud", ())
AUTHORING = Topic("As a guest author", ("author", "answer", "inbox"))
MORE = Topic("More", ())
TOPICS = (SETUP, PLAN, SESSION, REVIEW, AUTHOR, CIRCLE, STUDENT, AUTHORING, MORE)

# where each command is listed, and an example that works as typed; `{p}` is the prefix
PLACES: dict[tuple[str, ...], tuple[Topic, str]] = {
    ("class", "setup"): (SETUP, '{p}class setup timezone=Pacific/Auckland name="Room 12"'),
    ("readaloud", "book"): (SETUP, '{p}readaloud book "The Lighthouse Mice" chapters=12'),
    ("class", "safeguarding"): (SETUP, "{p}class safeguarding @ms.lee"),
    ("mod", "rules"): (SETUP, "{p}mod rules link flag"),
    ("mod", "allow"): (SETUP, "{p}mod allow domain bbc.co.uk"),
    ("readaloud", "plan"): (
        PLAN,
        "{p}readaloud plan start=2027-02-01 days=mon,wed,fri time=09:30 per=2 window=45",
    ),
    ("readaloud", "prompt"): (
        PLAN,
        "{p}readaloud prompt 1 What would you pack for a night in a lighthouse?",
    ),
    ("readaloud", "schedule"): (PLAN, "{p}readaloud schedule"),
    ("readaloud", "skip"): (PLAN, "{p}readaloud skip from=2027-04-12 to=2027-04-23"),
    ("readaloud", "move"): (PLAN, "{p}readaloud move 3 date=2027-02-10 time=10:00"),
    ("readaloud", "import"): (PLAN, "{p}readaloud import (upload the .toml file with it)"),
    ("readaloud", "export"): (PLAN, "{p}readaloud export"),
    ("readaloud", "now"): (SESSION, "{p}readaloud now"),
    ("mod", "trust"): (SESSION, "{p}mod trust @aroha"),
    ("mod", "queue"): (REVIEW, "{p}mod queue"),
    ("mod", "show"): (REVIEW, "{p}mod show 3"),
    ("mod", "approve"): (REVIEW, "{p}mod approve 3"),
    ("mod", "approve-all"): (REVIEW, "{p}mod approve-all 3"),
    ("mod", "reject-all"): (REVIEW, "{p}mod reject-all 3 Please use kind words."),
    ("mod", "reject"): (REVIEW, "{p}mod reject 3 Please use kind words."),
    ("mod", "edit"): (REVIEW, "{p}mod edit 3 I liked the part with the storm."),
    ("mod", "fine"): (REVIEW, "{p}mod fine 3"),
    ("mod", "history"): (REVIEW, "{p}mod history @aroha"),
    ("author", "invite"): (
        AUTHOR,
        '{p}author invite name="Jo Lee" book="The Lighthouse Mice" days=7',
    ),
    ("author", "profile"): (AUTHOR, '{p}author profile name="Room 12" region="Wellington, NZ"'),
    ("author", "quota"): (AUTHOR, "{p}author quota 5"),
    ("author", "review"): (AUTHOR, "{p}author review on"),
    ("questions",): (AUTHOR, "{p}questions"),
    ("ask",): (AUTHOR, "{p}ask Why did the keeper live alone?"),
    ("circle", "create"): (CIRCLE, '{p}circle create "Lighthouse readers"'),
    ("circle", "code"): (CIRCLE, "{p}circle code"),
    ("circle", "join"): (CIRCLE, "{p}circle join RC-7KQ2-M9XD"),
    ("circle", "list"): (CIRCLE, "{p}circle list"),
    ("circle", "leave"): (CIRCLE, "{p}circle leave"),
    ("circle", "remove"): (CIRCLE, '{p}circle remove "Room 14"'),
    ("circle", "share"): (CIRCLE, "{p}circle share approved"),
    ("circle", "trust"): (CIRCLE, '{p}circle trust "Room 14"'),
    ("circle", "posts"): (CIRCLE, "{p}circle posts"),
    ("circle", "hide"): (CIRCLE, "{p}circle hide 12"),
    ("circle", "spoiler"): (CIRCLE, "{p}circle spoiler 12 chapter=5"),
    ("author", "inbox"): (AUTHORING, "{p}author inbox"),
    ("answer",): (AUTHORING, "{p}answer 3 I lived by the sea as a child."),
    ("author", "pass"): (AUTHORING, "{p}author pass 3"),
    ("author", "leave"): (AUTHORING, "{p}author leave"),
}
# who sees a command in their class-room help: authors join in a direct message (the
# invite tells them how), so nobody's help in class lists it
HIDDEN = {("author", "join"), ("help",)}


def example(command: Command, prefix: str = "!") -> str:
    """The command as a person could type it (its usage when the table has none)."""
    place = PLACES.get(command.path)
    return place[1].format(p=prefix) if place else command.usage(prefix)


def _shown(registry: Registry, role: Role) -> list[Command]:
    """What this person may do here; teachers are not shown the guest author's own
    commands, nor anyone the way in for authors."""
    shown = []
    for c in registry.for_role(role):
        if c.path in HIDDEN:
            continue
        if role is Role.TEACHER and c.role is Role.AUTHOR:
            continue
        shown.append(c)
    return shown


def _topic(command: Command, role: Role) -> Topic:
    if role is Role.STUDENT:
        return STUDENT
    place = PLACES.get(command.path)
    if place is None:
        return MORE
    if role is Role.AUTHOR and command.role is not Role.AUTHOR:
        return STUDENT if place[0] is not AUTHORING else AUTHORING
    return place[0]


def _narrowing(prefix: str) -> str:
    """The ways a teacher can ask for one part of help."""
    return ", ".join(f"{prefix}help {w}" for w in ("setup", "plan", "session", "mod", "author"))


def render_help(registry: Registry, role: Role, prefix: str = "!", topic: str = "") -> str:
    """The help text a person with `role` sees: only what they may do, grouped by task;
    `topic` (a word like mod or plan) narrows it to one part."""
    commands = _shown(registry, role)
    wanted = topic.strip().lower().removeprefix(prefix)
    wanted = registry.aliases.get(wanted, wanted)
    parts = [t for t in TOPICS if wanted and wanted in t.words]
    # a command's first word (mod, readaloud, author) narrows to those commands
    family = [c for c in commands if c.path[0] == wanted]
    if wanted and role is Role.TEACHER and not parts and not family:
        return f'There is no help part called "{topic[:30]}". Try {_narrowing(prefix)}.'
    grouped: dict[Topic, list[Command]] = {}
    for c in commands:
        t = _topic(c, role)
        if family and c not in family:
            continue
        if parts and not family and t not in parts:
            continue
        grouped.setdefault(t, []).append(c)
    if role is Role.TEACHER:
        first = "Here is what you can do, by task"
        if not wanted:
            first += f" (for one part: {_narrowing(prefix)})"
        lines = [first + ":"]
    else:
        lines = ["Here is what you can do here:"]
    for t in TOPICS:
        if t not in grouped:
            continue
        if role is Role.TEACHER or len(grouped) > 1:
            lines.append(f"{t.title}:")
        order = list(PLACES)
        for c in sorted(grouped[t], key=lambda c: order.index(c.path) if c.path in order else 99):
            lines.append(f"• {example(c, prefix)} — {c.help}")
    return "\n".join(lines)
