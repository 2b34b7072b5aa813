"""Schools for circle tests and benchmarks: a federated homeserver, a class and its bot
(a real App, its own database) per installation, and a sink that records what the
circles feature was handed to show."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nio import AsyncClient, Event, RoomMessagesResponse
from sqlalchemy import select

from bot.core.circles import Retraction, SharedPost
from bot.db.tables import CircleLink, Flag, Session
from bot.db.tables import Classroom as ClassRow
from cogs.circles.remote_feature import Remote
from tests.matrix.classroom import STUDENTS, Classroom, body, make_classroom
from tests.matrix.federation import FederatedHomeserver
from tests.matrix.people import Person, PersonFactory, unique


@dataclass
class Sink:
    """What one installation was handed to show its classes."""

    posts: list[tuple[int, SharedPost]] = field(default_factory=list)
    retractions: list[tuple[int, Retraction]] = field(default_factory=list)

    at: dict[str, float] = field(default_factory=dict)  # post id -> when (monotonic)

    async def post(self, circle_id: int, post: SharedPost) -> None:
        self.posts.append((circle_id, post))
        self.at.setdefault(post.uid, time.monotonic())

    async def retract(self, circle_id: int, r: Retraction) -> None:
        self.retractions.append((circle_id, r))

    def uids(self) -> list[str]:
        return [p.uid for _, p in self.posts]


@dataclass
class School:
    hs: FederatedHomeserver
    cls: Classroom
    sink: Sink
    people: list[Person]
    shows: bool = False  # what arrives goes to sharing (the classes see it), not the sink

    def remote(self) -> Remote:
        assert self.cls.app is not None
        found: Remote = self.cls.app.services.circles_remote
        return found

    async def close(self) -> None:
        """Stop the installation's bot and its people's clients (the homeserver stays)."""
        for app in list(self.cls.started):
            await app.stop()
        for person in self.people:
            await person.close()

    async def restart(self) -> None:
        await self.cls.stop_bot()
        await self.start()

    async def start(self) -> None:
        await self.cls.start_bot()
        self.wire_sink()

    def wire_sink(self) -> None:
        if self.shows:
            return
        self.remote().remote.on_post = self.sink.post
        self.remote().remote.on_retract = self.sink.retract


async def until(check: Callable[[], Any], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            raise TimeoutError("the condition did not come true in time")
        await asyncio.sleep(0.1)


async def school(
    hs: FederatedHomeserver,
    tmp: Path,
    *,
    shows: bool = False,
    names: Sequence[str] = STUDENTS,
    kind: type[Classroom] = Classroom,
) -> School:
    """An installation on `hs` with one set-up class (see ``make_classroom``)."""
    made: list[Person] = []

    async def people(name: str, display_name: str | None = None) -> Person:
        person = await Person.register(hs, unique(name), display_name or name.title())
        made.append(person)
        return person

    factory: PersonFactory = people
    cls = await make_classroom(hs, factory, tmp, names=names, kind=kind)
    found = School(hs, cls, Sink(), made, shows)
    found.wire_sink()
    return found


class QuickRetry(FederatedHomeserver):
    """Retries a homeserver that was down within a second (Synapse waits 10 min at first)."""

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        cfg["federation"] = {
            **cfg.get("federation", {}),
            "destination_min_retry_interval": 200,
            "destination_max_retry_interval": 1000,
        }
        return cfg


async def circle_code(a: School) -> str:
    await a.cls.plan_book()
    await a.cls.teacher_types(
        '!author profile name="Room 12" region="Wellington, NZ"', expect="see this class"
    )
    made = await a.cls.teacher_types("!circle create Lighthouse", a.cls.teacher_room, "RC-")
    code = re.search(r"RC-\w{4}-\w{4}", body(made))
    assert code, body(made)
    return code.group(0)


async def new_code(a: School) -> str:
    made = await a.cls.teacher_types("!circle code", a.cls.teacher_room, "RC-")
    found = re.search(r"RC-\w{4}-\w{4}", body(made))
    assert found
    return found.group(0)


async def circle_room(s: School) -> str:
    assert s.cls.app is not None
    async with s.cls.app.sessionmaker() as db:
        room = await db.scalar(select(CircleLink.room_id))
    assert room
    return room


async def circle_uid(s: School) -> str:
    assert s.cls.app is not None
    async with s.cls.app.sessionmaker() as db:
        uid = await db.scalar(select(CircleLink.circle_uid))
    assert uid
    return uid


async def thread_of(s: School, chapter: int) -> str:
    """The thread of the school's Matrix class's session of `chapter`."""
    assert s.cls.app is not None
    async with s.cls.app.sessionmaker() as db:
        found = await db.scalar(
            select(Session.thread_id)
            .join(ClassRow, ClassRow.id == Session.classroom_id)
            .where(
                ClassRow.platform == "matrix",
                Session.last_chapter >= chapter,
                Session.first_chapter <= chapter,
                Session.thread_id.is_not(None),
            )
        )
    assert found, f"no session thread for chapter {chapter}"
    return str(found)


async def approved_at_a(a: School, student: int, text: str, thread: str) -> None:
    """A student of A says `text` in the thread; held (a new student), then approved."""
    await a.cls.students[student].send(a.cls.room, text, thread=thread)
    await a.cls.teacher.wait_for(a.cls.says("Held #", a.cls.teacher_room), 30)
    assert a.cls.app is not None
    async with a.cls.app.sessionmaker() as db:
        flag = await db.scalar(
            select(Flag.id)
            .join(ClassRow, ClassRow.id == Flag.classroom_id)
            .where(ClassRow.platform == "matrix")
            .order_by(Flag.id.desc())
        )
    await a.cls.teacher_types(f"!mod approve {flag}", a.cls.teacher_room)


def line_in(b: School, line: str):  # type: ignore[no-untyped-def]
    """Predicate: `line` shown in the school's class room."""

    def match(room_id: str, ev: Event) -> bool:
        return room_id == b.cls.room and body(ev) == line

    return match


# ---- what names a student: nothing another class receives may carry it ----


def names_of(person: Person) -> list[str]:
    """What names a student beyond a first name: the account, the username, and the
    display name with its last name (a display name that is a first name only is fine)."""
    localpart = person.user_id.removeprefix("@").split(":", 1)[0]
    words = [person.user_id, localpart]
    if len(person.display_name.split()) > 1:
        words += [person.display_name, *person.display_name.split()[1:]]
    return words


async def history(client: AsyncClient, room_id: str) -> str:
    """Every event of a room's timeline as the server keeps it (state included), as JSON."""
    found: list[str] = []
    start: str | None = None
    while True:
        resp = await client.room_messages(room_id, start=start, limit=500)
        assert isinstance(resp, RoomMessagesResponse), resp
        found += [json.dumps(ev.source, ensure_ascii=False) for ev in resp.chunk]
        if not resp.chunk or not resp.end:
            return "\n".join(found)
        start = resp.end


def assert_names_nobody(seen: str, words: Iterable[str], where: str) -> None:
    for word in words:
        assert word.casefold() not in seen.casefold(), f"{word!r} reached {where}: {seen}"
