"""A season plan uploaded as a file: a teacher's .toml is imported as `readaloud import` is."""

from __future__ import annotations

from bot.core.commands import Command, Invocation, Kind, Reply
from bot.core.events import FileUploaded, Request
from bot.core.ports import Chat

IMPORT_PATH = ("readaloud", "import")
SEASON_SUFFIX = ".toml"


class SeasonUploads:
    """Answers a teacher's uploaded season plan with the import's answer; any other file (or
    anyone else's) is not its own, and stays a message like any other."""

    def __init__(self, commands: list[Command]) -> None:
        self.command = next(c for c in commands if c.path == IMPORT_PATH)

    async def uploaded(self, chat: Chat, ev: Request) -> Reply | None:
        if not isinstance(ev, FileUploaded) or not ev.actor.is_teacher:
            return None
        if not ev.name.lower().endswith(SEASON_SUFFIX):
            return None
        attachment = await ev.read()
        args = {
            p.name: attachment if p.kind is Kind.FILE else p.default for p in self.command.params
        }
        inv = Invocation(self.command, ev.actor, ev.channel, args, ev.prefix)
        return await self.command.handler(inv)
