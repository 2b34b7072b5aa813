"""`make run` with no configuration: a demo class on an embedded homeserver.

Starts Synapse from ./var/homeserver, registers the bot, a teacher and three
students, and (first run only) has the teacher create a class room and set up
a book whose first session is a few minutes away, using the same commands a
real teacher types. A second run reuses the server, accounts and class. Every
run accepts the demo people's pending invites (the teacher room above all), so
someone logging in for the first time finds both rooms ready.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.app import App
from bot.config import Config
from bot.db.tables import Book, Classroom, Prompt, Session
from bot.localserver import Account, LocalHomeserver
from bot.platforms.matrix import demo_people

log = logging.getLogger(__name__)
DATA = Path("var")
STUDENTS = ("aroha", "ben", "chen")
TIMEZONE = "Pacific/Auckland"


def _passwords(path: Path) -> dict[str, str]:
    state: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    for name in ("readaloud", "teacher", *STUDENTS):
        state.setdefault(name, secrets.token_urlsafe(9))
    path.write_text(json.dumps(state, indent=2))
    path.chmod(0o600)
    return state


async def _wait_for(app: App, query: Any, what: str, timeout: float = 30) -> None:
    for _ in range(int(timeout * 10)):
        async with app.sessionmaker() as db:
            if await db.scalar(query):
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the demo class was not set up in time ({what}); see the log above")


@dataclass(frozen=True)
class DemoRooms:
    """The demo class's two rooms."""

    class_room: str
    teacher_room: str


async def set_up_class(
    app: App, hs: LocalHomeserver, bot: Account, teacher: Account, students: list[Account]
) -> DemoRooms:
    """The teacher makes a room, invites everyone and types the set-up commands."""
    room = await demo_people.create_room(
        hs,
        teacher,
        "Room 12 read-aloud",
        "Our class read-aloud. Be kind, be curious!",
        [bot.user_id, *(s.user_id for s in students)],
        bot.user_id,
    )
    for s in students:
        await demo_people.join(hs, s, room)
    await asyncio.sleep(1.0)  # let the bot accept its invite
    now = app.clock.now().astimezone(ZoneInfo(TIMEZONE)) + timedelta(minutes=3)
    commands = [
        (f'!class setup timezone={TIMEZONE} name="Room 12"', select(Classroom.teacher_channel_id)),
        (
            '!readaloud book "The Lighthouse Mice" chapters=6 author="A. Writer"',
            select(func.count(Book.id)),
        ),
        (
            f"!readaloud plan start={now:%Y-%m-%d} days=mon,tue,wed,thu,fri,sat,sun "
            f"time={now:%H:%M} per=1",
            select(func.count(Session.id)),
        ),
        (
            "!readaloud prompt 1 What would you pack if you had to live in a lighthouse?",
            select(func.count(Prompt.id)),
        ),
        (
            "!readaloud prompt 1 Tell chapter 1 in 140 characters or fewer. kind=summary offset=1",
            select(func.count(Prompt.id)).where(Prompt.kind == "summary"),
        ),
    ]
    for text, done in commands:
        await demo_people.say(hs, teacher, room, text)
        await _wait_for(app, done, text)
    return await rooms_of(app, room)


async def rooms_of(app: App, class_room: str) -> DemoRooms:
    """The class room and the teacher room the bot made for it."""
    async with app.sessionmaker() as db:
        teachers = await db.scalar(
            select(Classroom.teacher_channel_id).where(Classroom.channel_id == class_room)
        )
    return DemoRooms(class_room, teachers or "")


async def accept_invites(hs: LocalHomeserver, people: list[Account]) -> int:
    """Join every room the demo's people are invited to (the teacher room, the bot's direct
    rooms), as a newcomer would tap "accept": logging in, they find every room ready."""
    return await demo_people.accept_invites(hs, people)


async def room_names(hs: LocalHomeserver, teacher: Account, rooms: DemoRooms) -> dict[str, str]:
    """The rooms' names as the teacher's Matrix client shows them."""
    return await demo_people.room_names(hs, teacher, [rooms.class_room, rooms.teacher_room])


def banner(
    hs: LocalHomeserver,
    passwords: dict[str, str],
    accounts: dict[str, Account],
    rooms: DemoRooms,
    names: dict[str, str],
) -> str:
    """What a newcomer needs: where to point a client, the logins, each room and what to
    try first there."""
    lines = [
        "",
        "readaloud demo is ready.",
        f"  Homeserver: {hs.base_url}   (point any Matrix client, e.g. Element, here)",
        "  Logins (user / password):",
    ]
    for name in ("teacher", *STUDENTS):
        lines.append(f"    {accounts[name].user_id:<22} {passwords[name]}")
    student = accounts[STUDENTS[0]].user_id
    lines += [
        "  Rooms (everyone has already joined; there is nothing to accept):",
        f"    '{names[rooms.class_room]}' ({rooms.class_room}): the class: the teacher and "
        "the students.",
        f"      Try first: log in as {student} and say hello here. A new student's first",
        "      message waits for the teacher, and the student is told why.",
        f"    '{names[rooms.teacher_room]}' ({rooms.teacher_room}): the private teacher "
        "room: the teacher only.",
        "      Try first: log in as the teacher and approve that message with ✅;",
        "      then type !help here for everything else.",
        "  The first session starts a few minutes after the first run (!readaloud schedule",
        "  shows it). Ctrl-C stops.",
        "",
    ]
    return "\n".join(lines)


async def run_demo(config: Config, stop: asyncio.Event) -> None:
    """Run the demo until `stop` is set, then stop the bot and the homeserver cleanly."""
    DATA.mkdir(exist_ok=True)
    hs = LocalHomeserver(DATA / "homeserver")
    await asyncio.to_thread(hs.ensure_installed)
    await hs.start()
    try:
        passwords = _passwords(DATA / "demo-logins.json")
        accounts = {n: await hs.register(n, pw) for n, pw in passwords.items()}
        settings = config.settings.model_copy(deep=True)
        settings.matrix.homeserver = hs.base_url
        settings.matrix.user_id = accounts["readaloud"].user_id
        settings.matrix.device_id = accounts["readaloud"].device_id
        secrets_ = config.secrets.model_copy(
            update={"matrix_access_token": accounts["readaloud"].access_token}
        )
        app = App(Config(settings=settings, secrets=secrets_, path=config.path))
        await app.start()
        try:
            marker = DATA / "demo-class.json"
            people = [accounts["teacher"], *(accounts[s] for s in STUDENTS)]
            if not marker.exists():
                rooms = await set_up_class(
                    app, hs, accounts["readaloud"], accounts["teacher"], people[1:]
                )
                marker.write_text(json.dumps(dataclasses.asdict(rooms)))
            else:
                saved = json.loads(marker.read_text())
                rooms = await rooms_of(app, saved.get("class_room") or saved["room_id"])
            await accept_invites(hs, people)
            names = await room_names(hs, accounts["teacher"], rooms)
            print(banner(hs, passwords, accounts, rooms, names), flush=True)
            await stop.wait()
        finally:
            await app.stop()
    finally:
        await hs.stop()
