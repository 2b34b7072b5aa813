"""A whole class on a real homeserver: the bot (a real App), a teacher and students."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest_asyncio
from nio import Event, RoomMemberEvent

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.clock import FakeClock
from bot.localserver import Account, LocalHomeserver
from bot.platforms.matrix import MatrixChat
from bot.platforms.matrix.replies import IN_TEACHER_ROOM
from tests.matrix.people import Person, PersonFactory, unique
from tests.migrated import sqlite_at_head

STUDENTS = ("aroha", "ben", "chen", "dev", "ema", "finn", "gus", "hana")


def body(ev: Event) -> str:
    return str(getattr(ev, "body", "") or ev.source.get("content", {}).get("body", ""))


def relates(ev: Event) -> dict[str, Any]:
    return dict(ev.source.get("content", {}).get("m.relates_to") or {})


@dataclass
class Classroom:
    """The people and rooms of one class, and the bot serving it."""

    hs: LocalHomeserver
    bot_account: Account
    db_url: str
    clock: FakeClock
    teacher: Person
    students: list[Person]
    app: App | None = None
    room: str = ""
    teacher_room: str = ""
    started: list[App] = field(default_factory=list)
    bot_password: str = ""  # given to the bot as well as its access token when set
    grace: float = 3.0  # seconds an undecryptable message may wait for its key
    encrypted: bool = False  # the class room (and the rooms the bot opens) are encrypted
    crypto_store: str = ""  # the bot's crypto store directory

    @property
    def bot(self) -> str:
        return self.bot_account.user_id

    def config(self) -> Config:
        settings = Settings(
            bot=BotSettings(database_url=self.db_url),
            matrix=MatrixSettings(
                homeserver=self.hs.base_url,
                user_id=self.bot_account.user_id,
                device_id=self.bot_account.device_id,
                crypto_store=self.crypto_store,
                encrypt_rooms=self.encrypted,
                undecryptable_grace_seconds=self.grace,
            ),
        )
        secrets = Secrets(
            matrix_access_token=self.bot_account.access_token, matrix_password=self.bot_password
        )
        return Config(settings=settings, secrets=secrets)

    async def start_bot(self) -> App:
        """Start (or restart) the bot on the same database and device."""
        self.app = App(self.config(), clock=self.clock)
        await self.app.start()
        self.started.append(self.app)
        return self.app

    async def stop_bot(self) -> None:
        assert self.app is not None
        await self.app.stop()
        self.started.remove(self.app)
        self.app = None

    @property
    def chat(self) -> MatrixChat:
        assert self.app is not None
        chat = self.app.chats["matrix"]
        assert isinstance(chat, MatrixChat)
        return chat

    async def idle(self) -> None:
        """Wait until the bot has handled everything sent so far."""
        await self.chat.wait_idle()

    def says(self, fragment: str, in_room: str | None = None):  # type: ignore[no-untyped-def]
        """Predicate: the bot posted something containing `fragment`."""

        def match(room_id: str, ev: Event) -> bool:
            found = (
                ev.sender == self.bot
                and fragment in body(ev)
                and (in_room is None or room_id == in_room)
            )
            if found and self.encrypted and room_id in (self.room, self.teacher_room):
                assert getattr(ev, "decrypted", False), f"{body(ev)!r} was sent unencrypted"
            return found

        return match

    def privately(self, fragment: str):  # type: ignore[no-untyped-def]
        """Predicate: the bot told someone `fragment` in a direct room, never in the class."""

        def match(room_id: str, ev: Event) -> bool:
            said = ev.sender == self.bot and fragment in body(ev)
            assert not (said and room_id == self.room), f"{fragment!r} was said in class"
            return said and room_id != self.teacher_room

        return match

    async def teacher_types(self, text: str, room: str | None = None, expect: str = "") -> Event:
        """The teacher sends a command and waits for the bot's answer: where it was typed,
        or in the teacher room for an answer only teachers may read."""
        room = room or self.room
        await self.teacher.send(room, text)

        def answer(room_id: str, ev: Event) -> bool:
            where = room_id in (room, self.teacher_room)
            return where and self.says(expect)(room_id, ev) and IN_TEACHER_ROOM not in body(ev)

        return await self.teacher.wait_for(answer)

    async def count(self, query: Any) -> int:
        assert self.app is not None
        async with self.app.sessionmaker() as db:
            return int(await db.scalar(query) or 0)

    async def wait_count(self, query: Any, want: int, timeout: float = 30) -> int:
        for _ in range(int(timeout * 10)):
            got = await self.count(query)
            if got >= want:
                return got
            await asyncio.sleep(0.1)
        return await self.count(query)

    async def plan_book(self) -> datetime:
        """A 4-chapter book planned daily, first session two hours from (fake) now.

        Returns the session's local start (Pacific/Auckland, whole minutes).
        """
        first = (self.clock.now() + timedelta(hours=2)).astimezone(ZoneInfo("Pacific/Auckland"))
        await self.teacher_types('!readaloud book "The Lighthouse Mice" chapters=4', expect="Added")
        await self.teacher_types(
            f"!ra plan start={first:%Y-%m-%d} days=mon,tue,wed,thu,fri,sat,sun "
            f"time={first:%H:%M} per=2",
            expect="Read-aloud calendar",
        )
        return first.replace(second=0, microsecond=0)

    async def set_up(self, timezone: str = "Pacific/Auckland") -> None:
        """The teacher makes the room a class; everyone joins; the teacher room exists."""
        invite = [self.bot, *(s.user_id for s in self.students)]
        self.room = await self.teacher.create_room(
            invite=invite, name=unique("Room 12"), encrypted=self.encrypted
        )
        for s in self.students:
            await s.join(self.room)
        await self.teacher.set_power(self.room, self.bot, 50)
        await self.teacher.wait_for(
            lambda rid, ev: (
                isinstance(ev, RoomMemberEvent)
                and ev.state_key == self.bot
                and ev.membership == "join"
            ),
            room_id=self.room,
        )
        await self.teacher_types(f"!class setup timezone={timezone}", expect="is now the class")
        assert self.app is not None
        from bot.core.model import ChannelRef, Platform

        info = await self.app.services.classes.find(ChannelRef(Platform.MATRIX, self.room))
        assert info is not None and info.teacher_channel is not None
        self.teacher_room = info.teacher_channel.id
        await self.teacher.join(self.teacher_room)


async def make_classroom(
    synapse: LocalHomeserver,
    people: PersonFactory,
    tmp_path: Path,
    students: int = 2,
    db_url: str = "",
    encrypted: bool = False,
    names: Sequence[str] = STUDENTS,
    kind: type[Classroom] = Classroom,
) -> Classroom:
    """A set-up class; `encrypted`: its rooms are, and `people` should make E2E clients.
    `names`: the students' usernames ("aroha.ngata" shows as "Aroha Ngata"); `kind`: the
    class's bot (a Classroom that also serves Discord, say)."""
    bot = await synapse.register(unique("readaloud"), "password")
    cls = kind(
        encrypted=encrypted,
        crypto_store=str(tmp_path / "bot-crypto"),
        hs=synapse,
        bot_account=bot,
        db_url=db_url or sqlite_at_head(tmp_path / "bot.db"),
        clock=FakeClock(datetime.now(UTC)),
        teacher=await people("teacher", "Ms Rivera"),
        students=[await people(n, n.replace(".", " ").title()) for n in names[:students]],
    )
    await cls.start_bot()
    await cls.set_up()
    return cls


def class_fixture(students: int = 2) -> Any:
    """A test module's `room12` fixture: a set-up class with `students` students, its bots
    stopped afterwards."""

    @pytest_asyncio.fixture(loop_scope="session")
    async def room12(
        synapse: LocalHomeserver, people: PersonFactory, tmp_path: Path
    ) -> AsyncIterator[Classroom]:
        cls = await make_classroom(synapse, people, tmp_path, students=students)
        yield cls
        for app in list(cls.started):
            await app.stop()

    return room12
