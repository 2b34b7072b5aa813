"""One post shared to a circle of many classes on one installation (Discord and Matrix).

One App serves `--classes` classes in one circle, every one in a running session of the
same book and trusting the sender (so nothing is held for a teacher): `--matrix-classes`
of them are rooms on a real local Synapse, the rest Discord channels with their session
threads, answered by the tests' fake Discord through discord.py's own request building
(tests/discord/harness.py), each request taking `--latency` ms and at most 50 leaving
per second (Discord's global bot limit, as benchmarks/fanout.py). One post offered in
one class (``Sharing.receive``, the way in from a class or another installation): the
time until every partner class's copy is posted, the requests made, and the floors:
Discord requests / 50 per second; Matrix requests / the homeserver's own event rate,
measured in the same run (the bot's messages back to back, one room, then 8 at once).

Run from benchmarks/circle.py (``--part local``).
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import discord
import pytest
from discord.http import HTTPClient, Route
from nio import AsyncClient
from sqlalchemy import func, insert, select

from bot.app import App
from bot.config import BotSettings, Config, DiscordSettings, MatrixSettings, Secrets, Settings
from bot.core.circles import SharedPost
from bot.core.clock import FakeClock
from bot.db.states import CopyState
from bot.db.tables import (
    Book,
    Circle,
    CircleCopy,
    CircleMember,
    CircleTrust,
    Classroom,
    Installation,
    Plan,
    Session,
)
from bot.localserver import LocalHomeserver
from cogs.circles.identity import class_uid
from tests.discord.fakediscord import World
from tests.discord.harness import TEACHER_ROLE, install, path_of
from tests.matrix.people import Person, unique
from tests.migrated import sqlite_at_head

DISCORD_PER_SECOND = 50
NOW = datetime(2027, 2, 3, 9, 40, tzinfo=UTC)  # ten minutes into every class's session


class Limited:
    """discord.py's requests, answered by the fake Discord after `latency` s, leaving at
    most `per_second` a second (one global bucket); counted while `counting`."""

    def __init__(self, world: World, latency: float, per_second: float) -> None:
        self.world, self.latency, self.interval = world, latency, 1 / per_second
        self.requests, self.counting = 0, False
        self._next = 0.0
        self._lock = asyncio.Lock()

    def patched(self) -> Any:
        async def request(http: HTTPClient, route: Route, **kw: Any) -> Any:
            return await self.request(route, **kw)

        return request

    async def request(self, route: Route, **kw: Any) -> Any:
        if self.counting:
            self.requests += 1
            async with self._lock:
                now = time.monotonic()
                start = max(now, self._next)
                self._next = start + self.interval
            await asyncio.sleep(start - now + self.latency)
        return self.world.answer(route.method, path_of(route), kw.get("json"), kw.get("params"))


class MatrixCount:
    """The bot's requests to its homeserver other than its sync, while `counting`."""

    def __init__(self, mp: pytest.MonkeyPatch) -> None:
        self.requests, self.counting = 0, False
        real = AsyncClient.send

        async def send(client: AsyncClient, method: str, path: str, *a: Any, **kw: Any) -> Any:
            if self.counting and "/sync" not in path:
                self.requests += 1
            return await real(client, method, path, *a, **kw)

        mp.setattr(AsyncClient, "send", send)


async def matrix_rooms(hs: LocalHomeserver, n: int) -> tuple[Any, list[tuple[str, str]]]:
    """The bot's account, and `n` class rooms it made, each with its session thread's root."""
    account = await hs.register(unique("readaloud"), "password")
    client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
    client.restore_login(account.user_id, account.device_id, account.access_token)
    bot = Person(account, client)
    rooms = []
    try:
        for i in range(n):
            room = await bot.create_room(name=f"Room {i}")
            rooms.append((room, await bot.send(room, "📖 Session 1: chapters 1–2")))
    finally:
        await client.close()
    return account, rooms


def discord_world(n: int) -> tuple[World, list[tuple[str, str]]]:
    w = World()
    w.member(w.bot, w.role("readaloud", discord.Permissions(administrator=True)))
    channels = []
    for i in range(n):
        room = w.text_channel(f"class-{i}")
        thread = w.thread(room["id"], w.new_id(), "Session 1")
        channels.append((room["id"], thread["id"]))
    return w, channels


async def fill(app: App, classes: list[tuple[str, str, str]]) -> tuple[str, list[int]]:
    """(platform, channel, session thread) classes in one circle; returns the installation
    and the class ids (the first made the circle; every class trusts it)."""
    async with app.sessionmaker.begin() as db:
        rows = [{"platform": p, "channel_id": c, "name": f"Class {i}", "timezone": "UTC",
                 "created_at": NOW} for i, (p, c, _) in enumerate(classes)]  # fmt: skip
        ids = list(await db.scalars(insert(Classroom).returning(Classroom.id), rows))
        books = list(await db.scalars(insert(Book).returning(Book.id), [
            {"classroom_id": c, "title": "The Lighthouse Mice", "chapters": 4,
             "chapter_titles": []} for c in ids]))  # fmt: skip
        plans = list(await db.scalars(insert(Plan).returning(Plan.id), [
            {"classroom_id": c, "book_id": b, "start_date": NOW.date(), "weekdays": "wed",
             "time_of_day": "09:30", "dates": [], "created_at": NOW}
            for c, b in zip(ids, books, strict=True)]))  # fmt: skip
        await db.execute(insert(Session), [
            {"plan_id": p, "classroom_id": c, "number": 1, "state": "running",
             "starts_at": NOW - timedelta(minutes=10), "first_chapter": 1, "last_chapter": 2,
             "thread_id": t}
            for c, p, (_, _, t) in zip(ids, plans, classes, strict=True)])  # fmt: skip
        circle = Circle(name="Lighthouse", book_title="The Lighthouse Mice",
                        creator_classroom_id=ids[0], created_at=NOW)  # fmt: skip
        db.add(circle)
        await db.flush()
        installation = await db.scalar(select(Installation.uid))
        assert installation is not None
        await db.execute(insert(CircleMember), [
            {"circle_id": circle.id, "classroom_id": c, "joined_at": NOW}
            for c in ids])  # fmt: skip
        sender = class_uid(installation, ids[0])
        await db.execute(insert(CircleTrust), [
            {"classroom_id": c, "from_class": sender, "trusted_at": NOW}
            for c in ids[1:]])  # fmt: skip
        return installation, [circle.id, *ids]


async def event_rate(hs: LocalHomeserver, account: Any, room: str, n: int = 60) -> list[float]:
    """Messages/s the homeserver takes from the bot's account: back to back, then 8 at once."""
    client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
    client.restore_login(account.user_id, account.device_id, account.access_token)
    content = {"msgtype": "m.notice", "body": "rate"}
    try:
        start = time.monotonic()
        for i in range(n):
            await client.room_send(room, "m.room.message", content, tx_id=f"r{i}-{start}")
        one = n / (time.monotonic() - start)
        start = time.monotonic()

        async def sender(k: int) -> None:
            for i in range(k, n, 8):
                await client.room_send(room, "m.room.message", content, tx_id=f"p{i}-{start}")

        await asyncio.gather(*(sender(k) for k in range(8)))
        return [one, n / (time.monotonic() - start)]
    finally:
        await client.close()


async def run(classes: int, matrix: int, latency: float, venv: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp, pytest.MonkeyPatch.context() as mp:
        root = Path(tmp)
        hs = LocalHomeserver(root / "hs", venv=venv)
        (root / "hs").mkdir()
        await hs.start()
        try:
            account, rooms = await matrix_rooms(hs, matrix)
            world, channels = discord_world(classes - matrix)
            install(mp, world)
            limited = Limited(world, latency, DISCORD_PER_SECOND)
            mp.setattr(HTTPClient, "request", limited.patched())
            counted = MatrixCount(mp)
            settings = Settings(
                bot=BotSettings(database_url=sqlite_at_head(root / "bot.db")),
                matrix=MatrixSettings(homeserver=hs.base_url, user_id=account.user_id,
                                      device_id=account.device_id),
                discord=DiscordSettings(enabled=True, teacher_role=TEACHER_ROLE),
            )  # fmt: skip
            secrets = Secrets(matrix_access_token=account.access_token, discord_token="t")
            app = App(Config(settings=settings, secrets=secrets), FakeClock(NOW))
            await app.start()
            try:
                return await measure(app, hs, account, rooms, channels, limited, counted)
            finally:
                await app.stop()
        finally:
            await hs.stop()


async def measure(app: App, hs: LocalHomeserver, account: Any, rooms: list[tuple[str, str]],
                  channels: list[tuple[str, str]], limited: Limited,
                  counted: MatrixCount) -> dict[str, Any]:  # fmt: skip
    await app.chats["discord"].wait_ready()  # type: ignore[attr-defined]
    classes = [("discord", c, t) for c, t in channels] + [("matrix", r, t) for r, t in rooms]
    installation, (circle_id, *ids) = await fill(app, classes)
    rates = await event_rate(hs, account, rooms[0][0]) if rooms else [0.0, 0.0]
    post = SharedPost(f"{installation}:p1", f"{installation}:c{circle_id}",
                      class_uid(installation, ids[0]), "Room 12 (Wellington, NZ)", "Aroha", 1,
                      "thought", "I think the keeper was lonely.")  # fmt: skip
    sharing = app.services.sharing
    limited.counting = counted.counting = True
    start = time.monotonic()
    made = await sharing.receive(post)
    took = time.monotonic() - start
    limited.counting = counted.counting = False
    async with app.sessionmaker() as db:
        posted = await db.scalar(
            select(func.count(CircleCopy.id)).where(CircleCopy.state == CopyState.DELIVERED)
        )
    in_threads = sum(1 for _, t in channels if limited.world.posts_in(t))
    to_discord = len(channels) - (1 if classes[0][0] == "discord" else 0)
    to_matrix = len(ids) - 1 - to_discord
    floor_d = to_discord / DISCORD_PER_SECOND
    floor_m = to_matrix / rates[0] if rates[0] else 0.0
    return {
        "classes (Discord + Matrix)": f"{len(channels)} + {len(rooms)}",
        "partner copies made / posted": f"{made} / {posted}",
        "Discord session threads with the copy": in_threads,
        "time until all are posted (s)": round(took, 2),
        "requests: Discord / Matrix": f"{limited.requests} / {counted.requests}",
        "homeserver event rate, back to back / 8 at once (events/s)": "{:.1f} / {:.1f}".format(
            *rates
        ),
        "floor: Discord n/50 s | Matrix n/rate s": f"{floor_d:.2f} | {floor_m:.2f}",
        "floor if both go at once / one after the other (s)": (
            f"{max(floor_d, floor_m):.2f} / {floor_d + floor_m:.2f}"
        ),
        "time / floor (both at once)": round(took / max(floor_d, floor_m, 1e-9), 2),
    }
