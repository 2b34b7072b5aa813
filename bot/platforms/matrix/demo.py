"""`make run` with no configuration: a demo class on an embedded homeserver.

Starts Synapse from ./var/homeserver, registers the bot, a teacher and three
students, and (first run only) has the teacher create a class room and set up
a book whose first session is a few minutes away, using the same commands a
real teacher types. A second run reuses the server, accounts and class.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from nio import AsyncClient, RoomCreateResponse
from sqlalchemy import func, select

from bot.app import App
from bot.config import Config
from bot.db.tables import Book, Classroom, Prompt, Session
from bot.localserver import Account, LocalHomeserver

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


async def _client(hs: LocalHomeserver, account: Account) -> AsyncClient:
    client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
    client.restore_login(account.user_id, account.device_id, account.access_token)
    return client


async def _wait_for(app: App, query: Any, what: str, timeout: float = 30) -> None:
    for _ in range(int(timeout * 10)):
        async with app.sessionmaker() as db:
            if await db.scalar(query):
                return
        await asyncio.sleep(0.1)
    raise RuntimeError(f"the demo class was not set up in time ({what}); see the log above")


async def _set_up_class(
    app: App, hs: LocalHomeserver, bot: Account, teacher: Account, students: list[Account]
) -> str:
    """The teacher makes a room, invites everyone and types the set-up commands."""
    t = await _client(hs, teacher)
    resp = await t.room_create(
        name="Room 12 read-aloud",
        topic="Our class read-aloud. Be kind, be curious!",
        invite=[bot.user_id, *(s.user_id for s in students)],
        power_level_override={"users": {bot.user_id: 50}},  # the creator is the top admin
    )
    assert isinstance(resp, RoomCreateResponse), resp
    room = resp.room_id
    for s in students:
        c = await _client(hs, s)
        await c.join(room)
        await c.close()
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
        await t.room_send(room, "m.room.message", {"msgtype": "m.text", "body": text})
        await _wait_for(app, done, text)
    await t.close()
    return room


def _banner(hs: LocalHomeserver, passwords: dict[str, str], accounts: dict[str, Account]) -> str:
    lines = [
        "",
        "readaloud demo is ready.",
        f"  Homeserver: {hs.base_url}   (point any Matrix client, e.g. Element, here)",
        "  Logins (user / password):",
    ]
    for name in ("teacher", *STUDENTS):
        lines.append(f"    {accounts[name].user_id:<22} {passwords[name]}")
    lines += [
        "  The teacher is in 'Room 12 read-aloud' and the private teacher room;",
        "  the first session starts a few minutes after the first run. Ctrl-C stops.",
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
            if not marker.exists():
                room = await _set_up_class(
                    app,
                    hs,
                    accounts["readaloud"],
                    accounts["teacher"],
                    [accounts[s] for s in STUDENTS],
                )
                marker.write_text(json.dumps({"room_id": room}))
            print(_banner(hs, passwords, accounts), flush=True)
            await stop.wait()
        finally:
            await app.stop()
    finally:
        await hs.stop()
