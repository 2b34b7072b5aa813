"""A class served by the real App on a recording chat, with a clock the test moves."""

from __future__ import annotations

import itertools
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Protocol

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.clock import FakeClock
from bot.core.commands import Invocation, Reply
from bot.core.errors import UserError
from bot.core.events import MessagePosted
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from bot.core.textcommand import parse
from bot.platforms.reactions import translated
from tests.recording_chat import RecordingChat

ROOM = ChannelRef(Platform.MATRIX, "!room12")
TEACHER = Actor(UserRef(Platform.MATRIX, "@rivera:school", "Ms Rivera"), Role.TEACHER)


def student(name: str) -> Actor:
    return Actor(UserRef(Platform.MATRIX, f"@{name.lower()}:school", name), Role.STUDENT)


CLASS_DAY = datetime(2027, 2, 1, tzinfo=UTC)


class OpenBench(Protocol):
    """`await open_bench(now, timezone)`: a started Bench whose class is set up."""

    def __call__(
        self,
        now: datetime = CLASS_DAY,
        timezone: str | None = "Pacific/Auckland",
        db_url: str = "",
        teachers: list[UserRef] | None = None,
    ) -> Awaitable[Bench]: ...


class Bench:
    """The bot, its platform recording, and a teacher who types commands."""

    def __init__(self, db_url: str, now: datetime, teachers: list[UserRef] | None = None) -> None:
        self.db_url = db_url
        self.clock = FakeClock(now)
        # the people the platform makes teachers in the class rooms
        self.chat = RecordingChat([TEACHER.user, *(teachers or [])])
        self.app: App | None = None
        self._ids = itertools.count(1)

    async def start(self) -> App:
        settings = Settings(
            bot=BotSettings(database_url=self.db_url), matrix=MatrixSettings(enabled=False)
        )
        self.app = App(Config(settings=settings, secrets=Secrets()), clock=self.clock)
        self.app.chats.add(self.chat)  # type: ignore[arg-type]
        await self.app.start()
        return self.app

    async def restart(self) -> None:
        """Stop and start again on the same database (timers rebuilt from rows)."""
        assert self.app is not None
        await self.app.stop()
        await self.start()

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()

    async def type(self, text: str, actor: Actor = TEACHER, where: ChannelRef = ROOM) -> Reply:
        assert self.app is not None
        try:
            command, args = parse(
                self.app.registry, text, "!", lambda raw: UserRef(Platform.MATRIX, raw, raw)
            )
        except UserError as e:  # what an adapter replies when the command does not parse
            return Reply(e.message, private=True)
        return await self.app.dispatcher.command(Invocation(command, actor, where, args))

    async def say(self, actor: Actor, text: str, where: ChannelRef = ROOM) -> str:
        assert self.app is not None
        message_id = f"$s{next(self._ids)}"
        event = MessagePosted(MessageRef(where, message_id), actor, text)
        await self.app.dispatcher.event(self.chat, event)  # type: ignore[arg-type]
        return message_id

    async def react(self, actor: Actor, where: ChannelRef, message_id: str, key: str) -> None:
        assert self.app is not None
        # as an adapter does: a numbered reaction is a vote, a ✅ / ❌ a decision
        event = translated(MessageRef(where, message_id), actor, key)
        await self.app.dispatcher.event(self.chat, event)  # type: ignore[arg-type]

    async def at(self, when: datetime) -> int:
        """Move the clock and let the bot do what is due."""
        assert self.app is not None
        self.clock.set(when)
        return await self.app.scheduler.run_due()
