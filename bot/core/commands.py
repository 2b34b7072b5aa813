"""Commands are declared once; each platform builds its own surface from them.

A declaration gives the command path, who may run it, typed parameters and
the handler. The Matrix `!` parser, the Discord slash commands and the help
text are all generated from the same declarations.
"""

from __future__ import annotations

import enum
import re
import zoneinfo
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date, time
from typing import Any

from bot.core.errors import UserError
from bot.core.model import Actor, Attachment, ChannelRef, Platform, Role, UserRef

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Kind(enum.StrEnum):
    """Parameter types every platform knows how to ask for."""

    WORD = "word"
    TEXT = "text"
    INT = "int"
    DATE = "date"
    TIME = "time"
    TIMEZONE = "timezone"
    WEEKDAYS = "weekdays"
    USER = "user"
    CHOICE = "choice"
    CHANNEL = "channel"  # a room/channel on the same platform
    FILE = "file"  # an uploaded text file; adapters read it into an Attachment


EXAMPLES: dict[Kind, str] = {
    Kind.WORD: "word",
    Kind.TEXT: "some text",
    Kind.INT: "3",
    Kind.DATE: "2027-02-01",
    Kind.TIME: "09:30",
    Kind.TIMEZONE: "Pacific/Auckland",
    Kind.WEEKDAYS: "mon,wed,fri",
    Kind.USER: "@name",
    Kind.CHOICE: "",
    Kind.FILE: "plan.toml",
    Kind.CHANNEL: "#teachers",
}


# the longest text a command takes, by what it is (a message that says the limit, never
# a 3,000-character title echoed back)
TITLE_CHARS, NAME_CHARS, PROMPT_CHARS, REASON_CHARS = 200, 80, 1000, 400
QUESTION_CHARS, ANSWER_CHARS, MESSAGE_CHARS = 500, 3000, 2000


@dataclass(frozen=True, slots=True)
class Param:
    """One typed parameter of a command."""

    name: str
    kind: Kind
    help: str
    required: bool = True
    default: Any = None
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    max_length: int | None = None  # for words and text
    # values to offer while typing (Discord autocomplete), e.g. the class's book titles
    suggest: Callable[[ChannelRef], Awaitable[list[str]]] | None = None

    @property
    def example(self) -> str:
        if self.kind is Kind.CHOICE:
            return "|".join(self.choices)
        return EXAMPLES[self.kind]


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command answers. `private` replies are shown only to the caller.

    A platform that cannot show a reply to one person only (Matrix) posts a private
    reply for a teacher in `teacher_channel` (the class's teacher channel, set by the
    dispatcher while only teachers can read it) and tells anyone else directly.
    """

    text: str
    private: bool = False
    attachment: Attachment | None = None
    teacher_channel: ChannelRef | None = None


@dataclass(frozen=True, slots=True)
class Invocation:
    """A parsed command call, ready for its handler."""

    command: Command
    actor: Actor
    channel: ChannelRef
    args: dict[str, Any]
    prefix: str = "!"


Handler = Callable[[Invocation], Awaitable[Reply]]


@dataclass(frozen=True)
class Command:
    """A command declaration: path, help, role, typed parameters, handler."""

    path: tuple[str, ...]
    help: str
    role: Role
    handler: Handler
    params: tuple[Param, ...] = ()
    # may also be used in a direct message with the bot (guest authors), not only in a class
    direct: bool = False

    @property
    def name(self) -> str:
        return " ".join(self.path)

    def usage(self, prefix: str = "!") -> str:
        parts = [prefix + self.name]
        for p in self.params:
            if p.kind is Kind.FILE:
                parts.append(f"(upload {p.example})")
                continue
            shown = f"{p.name}={p.example}" if p.kind is not Kind.TEXT else p.name
            parts.append(shown if p.required else f"[{shown}]")
        return " ".join(parts)


class Registry:
    """All declared commands, looked up by path (with aliases for the first word)."""

    def __init__(self, commands: Iterable[Command], aliases: dict[str, str] | None = None):
        self.commands: dict[tuple[str, ...], Command] = {}
        for c in commands:
            if c.path in self.commands:
                raise ValueError(f"command declared twice: {c.name}")
            self.commands[c.path] = c
        self.aliases = aliases or {}

    def __iter__(self) -> Any:
        return iter(self.commands.values())

    def groups(self) -> set[str]:
        return {p[0] for p in self.commands if len(p) > 1}

    def find(self, words: list[str]) -> tuple[Command | None, int]:
        """The command named by the first words, and how many words it used."""
        if words:
            words = [self.aliases.get(words[0].lower(), words[0].lower()), *words[1:]]
        for n in (2, 1):
            key = tuple(w.lower() for w in words[:n])
            if len(key) == n and key in self.commands:
                return self.commands[key], n
        return None, 0

    def for_role(self, role: Role) -> list[Command]:
        return [c for c in self.commands.values() if c.role <= role]


# ---- value conversion (shared by every platform, so errors read the same) ----

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


# the platform's channel for what was typed, or a UserError saying what to type there
PlatformChannel = Callable[["Param", str], ChannelRef]


def convert(
    param: Param,
    raw: str,
    platform_user: Callable[[str], UserRef],
    platform: Platform | None = None,
    platform_channel: PlatformChannel | None = None,
) -> Any:
    """Turn the text a user typed into the parameter's value, or say what to type.
    A channel is the adapter's to read (`platform_channel`); without one, it is taken as
    the platform's own id."""
    raw = raw.strip()
    want = f"{param.name} must look like {param.example}"
    if param.kind in (Kind.WORD, Kind.TEXT):
        if not raw:
            raise UserError(f"{param.name} cannot be empty.")
        if param.max_length is not None and len(raw) > param.max_length:
            raise UserError(
                f"That {param.name} is {len(raw):,} characters long; the most I take is "
                f"{param.max_length:,}. Please make it shorter and send it again."
            )
        return raw
    if param.kind is Kind.INT:
        try:
            value = int(raw)
        except ValueError:
            raise UserError(f"{param.name} must be a whole number, like {param.example}") from None
        if param.minimum is not None and value < param.minimum:
            raise UserError(f"{param.name} must be at least {param.minimum}")
        return value
    if param.kind is Kind.DATE:
        try:
            if not _DATE.match(raw):
                raise ValueError
            return date.fromisoformat(raw)
        except ValueError:
            raise UserError(want) from None
    if param.kind is Kind.TIME:
        m = _TIME.match(raw)
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise UserError(f"{want} (24-hour clock, 00:00 to 23:59)")
        return time(int(m.group(1)), int(m.group(2)))
    if param.kind is Kind.TIMEZONE:
        return parse_timezone(raw, param.name)
    if param.kind is Kind.WEEKDAYS:
        days = [d.strip().lower()[:3] for d in re.split(r"[,\s]+", raw) if d.strip()]
        bad = [d for d in days if d not in WEEKDAYS]
        if not days or bad:
            raise UserError(f"{want} (days: {','.join(WEEKDAYS)})")
        return tuple(sorted(set(days), key=WEEKDAYS.index))
    if param.kind is Kind.CHOICE:
        if raw.lower() not in param.choices:
            raise UserError(f"{param.name} must be one of: {', '.join(param.choices)}")
        return raw.lower()
    if param.kind is Kind.USER:
        return platform_user(raw)
    if param.kind is Kind.CHANNEL:
        if platform_channel is not None and raw:
            return platform_channel(param, raw)
        return parse_channel(param, raw, platform)
    if param.kind is Kind.FILE:
        raise UserError(f"{param.name}: attach the file to the command (upload {param.example}).")
    raise AssertionError(param.kind)


def parse_timezone(raw: str, name: str = "timezone") -> str:
    """A valid IANA timezone name, or a UserError with an example."""
    if raw in ("UTC", "utc"):
        return "UTC"
    try:
        zoneinfo.ZoneInfo(raw)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UserError(
            f'"{raw}" is not a timezone I know. {name} must look like Pacific/Auckland '
            "or America/New_York"
        ) from None
    return raw


def parse_channel(param: Param, raw: str, platform: Platform | None) -> ChannelRef:
    """A channel named by the platform's own id (a Discord channel option)."""
    raw = raw.strip()
    if platform is None or not raw:
        raise UserError(f"{param.name}: name the channel, like {param.example}")
    return ChannelRef(platform, raw)
