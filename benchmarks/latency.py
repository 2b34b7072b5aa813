"""Lag of the bot on a real Synapse against a plain nio echo bot, measured in the same run.

Starts its own Synapse (bot.localserver.LocalHomeserver, in a temp dir), one
readaloud App serving `--classes` classes (a class room and a teacher room each,
SQLite) and a plain nio echo bot in one echo room per class. One observer (the
teacher, a member of every room, syncing in a process of its own) timestamps what
it sees.

1. Review latency: a new student's message → its review visible in the teacher
   room, against the echo floor (the same student's message → the echo visible),
   alternating one bot sample and one echo sample (the bot idle before each echo).
   Two kinds of review: a student's first held message (its own review, one new
   student per sample) and the next messages of a flood (one student's held
   messages close together: the combined review, edited; at most `FLOOD_RUN` per
   student so that every one is quoted on it). The removal of the same messages
   is printed too: the review must not come at the cost of the removal.
2. Lag under load: first how many messages/s Synapse itself accepts here (closed
   loop, many senders, no bots in those rooms); then, at `--share` of that rate
   across all classes, phases alternating echo / bot. Bot lag: a held message
   (one in `--held-every`) until it is removed from the class; a clean one until
   the bot has screened it (its Post row). Echo lag: until the echo is visible.
   Lost: messages the bot never screened or never removed (must be 0).

    .venv/bin/python benchmarks/latency.py [--classes 20] [--samples 30] [--phase 15]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import math
import re
import sys
import tempfile
import time
import uuid
from asyncio.subprocess import PIPE
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from nio import (
    AsyncClient,
    RedactionEvent,
    RoomMessageText,
    RoomSendResponse,
    SyncResponse,
)
from sqlalchemy import select

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.model import ChannelRef, Platform
from bot.db.tables import Post
from bot.localserver import Account, LocalHomeserver
from tests.matrix.people import Person

FILTER = {"room": {"timeline": {"limit": 100}}, "presence": {"not_types": ["*"]}}
MARK = re.compile(r"«(m\d+)»")
CLEAN = [
    "I liked the part where the mice found the lamp",
    "chapter three was exciting, the storm was scary",
    "my favourite character is the old keeper",
    "I think the lighthouse is a bit like a friend",
]
HELD = "my phone number is 021 555 01{n:02d}, call me"
DRAIN_S = 60.0
FLOOD_RUN = 10  # measured messages per flooding student (a combined review quotes 12)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) in ms; nan when there is nothing to rank."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))] * 1000


@dataclass
class Seen:
    """What the observer saw, by marker, with the monotonic time it arrived."""

    reviews: dict[str, float] = field(default_factory=dict)
    echoes: dict[str, float] = field(default_factory=dict)
    hidden: dict[str, float] = field(default_factory=dict)  # event id → time
    bot_said: list[tuple[str, str]] = field(default_factory=list)  # room, body


class Observer:
    """The teacher's own client, in a process of its own (as a teacher's client is: the
    bot's work after a post must not delay seeing it): timestamps every review, echo and
    removal (monotonic clock, the same for every process here)."""

    def __init__(self, hs: LocalHomeserver, teacher: Account, bot: str, echo: str) -> None:
        self.hs, self.teacher, self.bot, self.echo = hs, teacher, bot, echo
        self.seen = Seen()
        self.teacher_rooms: set[str] = set()
        self.changed = asyncio.Event()
        self._proc: asyncio.subprocess.Process | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        who = {"homeserver": self.hs.base_url, **dataclasses.asdict(self.teacher)}
        self._proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--observe", json.dumps(who), stdout=PIPE
        )
        assert self._proc.stdout is not None
        ready = await self._proc.stdout.readline()  # after its first sync
        assert ready.strip() == b"ready", ready
        self._task = asyncio.create_task(self._run(self._proc.stdout))

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        if self._proc is not None and self._proc.returncode is None:
            self._proc.terminate()
            await self._proc.wait()

    async def _run(self, lines: asyncio.StreamReader) -> None:
        while line := await lines.readline():
            seen = json.loads(line)
            self._note(seen)
            self.changed.set()

    def _note(self, ev: dict[str, Any]) -> None:
        now = ev["t"]
        if "redacts" in ev:
            self.seen.hidden.setdefault(ev["redacts"], now)
            return
        room_id, body = ev["room"], ev["body"]
        if ev["sender"] == self.bot:
            self.seen.bot_said.append((room_id, body))
        for mark in MARK.findall(body):
            if ev["sender"] == self.echo:
                self.seen.echoes.setdefault(mark, now)
            elif ev["sender"] == self.bot and room_id in self.teacher_rooms:
                self.seen.reviews.setdefault(mark, now)

    async def until(self, done: Callable[[], bool], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while not done():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            self.changed.clear()
            try:
                await asyncio.wait_for(self.changed.wait(), min(left, 1.0))
            except TimeoutError:
                pass
        return True


async def observe(who: dict[str, str]) -> None:
    """The observer's process: syncs as the teacher and prints what it sees, one JSON line
    per event with the monotonic time its sync arrived."""
    client = AsyncClient(who["homeserver"], who["user_id"], device_id=who["device_id"])
    client.restore_login(who["user_id"], who["device_id"], who["access_token"])
    resp = await client.sync(timeout=0, sync_filter=FILTER)
    assert isinstance(resp, SyncResponse), resp
    print("ready", flush=True)
    while True:
        resp = await client.sync(timeout=30_000, sync_filter=FILTER)
        now = time.monotonic()
        if not isinstance(resp, SyncResponse):
            await asyncio.sleep(0.2)
            continue
        for room_id, info in resp.rooms.join.items():
            for ev in info.timeline.events:
                if isinstance(ev, RedactionEvent):
                    seen = {"t": now, "redacts": ev.redacts}
                else:
                    body = str(ev.source.get("content", {}).get("body", ""))
                    seen = {"t": now, "room": room_id, "sender": ev.sender, "body": body}
                print(json.dumps(seen), flush=True)


class EchoBot:
    """A plain nio bot: syncs (limit 100 per room) and echoes every message in a task."""

    def __init__(self, hs: LocalHomeserver, account: Account) -> None:
        self.client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
        self.client.restore_login(account.user_id, account.device_id, account.access_token)
        self._task: asyncio.Task[None] | None = None
        self._sends: set[asyncio.Task[Any]] = set()

    async def start(self) -> None:
        resp = await self.client.sync(timeout=0, sync_filter=FILTER)
        assert isinstance(resp, SyncResponse), resp
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        while True:
            resp = await self.client.sync(timeout=30_000, sync_filter=FILTER)
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(0.2)
                continue
            for room_id in resp.rooms.invite:
                await self.client.join(room_id)
            for room_id, info in resp.rooms.join.items():
                for ev in info.timeline.events:
                    if isinstance(ev, RoomMessageText) and ev.sender != self.client.user_id:
                        content = {"msgtype": "m.notice", "body": f"echo: {ev.body}"}
                        task = asyncio.create_task(
                            self.client.room_send(room_id, "m.room.message", content)
                        )
                        self._sends.add(task)
                        task.add_done_callback(self._sends.discard)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.close()


@dataclass
class Klass:
    """One class: its room, teacher room, echo room and students."""

    room: str
    teacher_room: str
    echo_room: str
    students: list[Person]


class Bench:
    """Everything the measurements need, set up once."""

    def __init__(self, hs: LocalHomeserver, data: Path, classes: int, samples: int) -> None:
        self.hs, self.data, self.n, self.samples = hs, data, classes, samples
        self.marks = itertools.count(1)
        self.classes: list[Klass] = []
        self.sent_at: dict[str, float] = {}  # marker → monotonic send time
        self.event_of: dict[str, str] = {}  # marker → event id

    async def set_up(self) -> None:
        hs = self.hs
        self.bot = await hs.register("readaloud", "password")
        self.echo_account = await hs.register("echo", "password")
        self.teacher = await Person.register(hs, "teacher", "Ms Rivera")
        # held because they are new: one message each (own review), or a flood each
        self.newbies = [
            await Person.register(hs, f"newbie{i}", f"Nia {i}") for i in range(self.samples)
        ]
        self.flooders = [
            await Person.register(hs, f"flood{i}", f"Fern {i}")
            for i in range(math.ceil(self.samples / FLOOD_RUN))
        ]
        self.untrusted = [*self.newbies, *self.flooders]
        self.students = [
            await Person.register(hs, f"student{i}", f"Student {i}") for i in range(2 * self.n)
        ]
        self.app = App(self._config())
        await self.app.start()
        self.observer = Observer(
            self.hs, self.teacher.account, self.bot.user_id, self.echo_account.user_id
        )
        await self.observer.start()
        self.echo = EchoBot(hs, self.echo_account)
        await self.echo.start()
        for i in range(self.n):
            self.classes.append(await self._klass(i))

    def _config(self) -> Config:
        settings = Settings(
            bot=BotSettings(database_url=f"sqlite+aiosqlite:///{self.data / 'bot.db'}"),
            matrix=MatrixSettings(
                homeserver=self.hs.base_url,
                user_id=self.bot.user_id,
                device_id=self.bot.device_id,
                crypto_store=str(self.data / "crypto"),
            ),
        )
        return Config(settings=settings, secrets=Secrets(matrix_access_token=self.bot.access_token))

    async def _said(self, room: str, fragment: str, timeout: float = 30) -> None:
        seen = self.observer.seen

        def said() -> bool:
            return any(r == room and fragment in b for r, b in seen.bot_said)

        if not await self.observer.until(said, timeout):
            raise RuntimeError(f"the bot did not say {fragment!r} in {room}")

    async def _klass(self, i: int) -> Klass:
        t = self.teacher
        students = self.students[2 * i : 2 * i + 2] + (self.untrusted if i == 0 else [])
        ids = [s.user_id for s in students]
        room = await t.create_room(invite=[self.bot.user_id, *ids], name=f"Room {i}")
        echo_room = await t.create_room(invite=[self.echo_account.user_id, *ids], name=f"Echo {i}")
        for s in students:
            await s.join(room)
            await s.join(echo_room)
        await t.set_power(room, self.bot.user_id, 50)
        await asyncio.sleep(0.3)  # the bot joins on the invite
        for _ in range(100):
            await t.send(room, "!class setup timezone=UTC")
            try:
                await self._said(room, "is now the class", 5)
                break
            except RuntimeError:
                continue
        info = await self.app.services.classes.find(ChannelRef(Platform.MATRIX, room))
        assert info is not None and info.teacher_channel is not None
        teacher_room = info.teacher_channel.id
        await t.join(teacher_room)
        self.observer.teacher_rooms.add(teacher_room)
        for s in students:
            if s not in self.untrusted:
                await t.send(teacher_room, f"!mod trust {s.user_id}")
                await self._said(teacher_room, "trusted", 30)  # a private answer: teacher room
        return Klass(room, teacher_room, echo_room, students)

    # ---- sending ----

    async def send(self, who: Person, room: str, text: str) -> str:
        mark = f"m{next(self.marks)}"
        content = {"msgtype": "m.text", "body": f"{text} «{mark}»"}
        self.sent_at[mark] = time.monotonic()
        resp = await who.client.room_send(room, "m.room.message", content)
        if isinstance(resp, RoomSendResponse):
            self.event_of[mark] = resp.event_id
        return mark

    # ---- 1. review latency ----

    async def review_latency(self) -> dict[str, list[float]]:
        """Review and echo times (s) by kind of review, and the removal times of the same
        held messages."""
        got: dict[str, list[float]] = {"own": [], "own echo": [], "flood": [], "flood echo": [],
                                       "removed": []}  # fmt: skip
        for n, who in enumerate(self.newbies):
            await self._pair(who, f"{CLEAN[n % len(CLEAN)]} number {n}", got, "own")
        for n in range(self.samples):
            who = self.flooders[n // FLOOD_RUN]
            if n % FLOOD_RUN == 0:  # the flood's first message has its own review: not counted
                await self._pair(who, f"{CLEAN[0]} first of {n}", {}, "")
            await self._pair(who, f"{CLEAN[n % len(CLEAN)]} flood {n}", got, "flood")
        return got

    async def _pair(self, who: Person, text: str, got: dict[str, list[float]], kind: str) -> None:
        """One bot sample (the review of `who`'s held message), the bot idle again, then one
        echo sample of the same text."""
        k, seen = self.classes[0], self.observer.seen
        mark = await self.send(who, k.room, text)
        if await self.observer.until(lambda: mark in seen.reviews, 30) and kind:
            got[kind].append(seen.reviews[mark] - self.sent_at[mark])
        removed = await self.observer.until(lambda: self.event_of.get(mark) in seen.hidden, 30)
        if removed and kind:
            got["removed"].append(seen.hidden[self.event_of[mark]] - self.sent_at[mark])
        await self.app.chats[Platform.MATRIX].wait_idle()  # type: ignore[attr-defined]
        await asyncio.sleep(0.2)
        mark = await self.send(who, k.echo_room, text)
        if await self.observer.until(lambda: mark in seen.echoes, 30) and kind:
            got[f"{kind} echo"].append(seen.echoes[mark] - self.sent_at[mark])
        await asyncio.sleep(0.2)

    # ---- 2. lag under load ----

    async def capacity(self, seconds: float, senders: int) -> float:
        """Messages/s Synapse accepts here: closed loop, `senders` students in their own
        rooms, nobody else syncing those rooms."""
        people = self.students[:senders]
        rooms = []
        for p in people:
            rooms.append(await p.create_room(name="capacity"))
        count = 0
        stop = time.monotonic() + seconds

        async def flood(p: Person, room: str) -> None:
            nonlocal count
            while time.monotonic() < stop:
                content = {"msgtype": "m.text", "body": uuid.uuid4().hex}
                resp = await p.client.room_send(room, "m.room.message", content)
                if isinstance(resp, RoomSendResponse):
                    count += 1

        start = time.monotonic()
        await asyncio.gather(*(flood(p, r) for p, r in zip(people, rooms, strict=True)))
        return count / (time.monotonic() - start)

    async def phase(self, kind: str, rate: float, seconds: float, held_every: int) -> dict:
        """Open-loop sends at `rate`/s round-robin over every class's students."""
        pairs = [(s, k) for k in self.classes for s in k.students if s not in self.untrusted]
        total = int(rate * seconds)
        marks: list[tuple[str, bool]] = []
        tasks = []
        start = time.monotonic()

        async def one(n: int) -> None:
            who, k = pairs[n % len(pairs)]
            held = kind == "bot" and n % held_every == held_every - 1
            text = HELD.format(n=n % 100) if held else f"{CLEAN[n % len(CLEAN)]} {n}"
            room = k.room if kind == "bot" else k.echo_room
            marks.append((await self.send(who, room, text), held))

        for n in range(total):
            await asyncio.sleep(max(0.0, start + n / rate - time.monotonic()))
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
        sent_for = time.monotonic() - start
        if kind == "echo":
            return await self._echo_lag(marks, sent_for)
        return await self._bot_lag(marks, sent_for)

    async def _echo_lag(self, marks: list[tuple[str, bool]], sent_for: float) -> dict:
        seen = self.observer.seen
        await self.observer.until(lambda: all(m in seen.echoes for m, _ in marks), DRAIN_S)
        lags = [seen.echoes[m] - self.sent_at[m] for m, _ in marks if m in seen.echoes]
        return {"sent": len(marks), "rate": len(marks) / sent_for, "lags": lags,
                "lost": len(marks) - len(lags)}  # fmt: skip

    async def _bot_lag(self, marks: list[tuple[str, bool]], sent_for: float) -> dict:
        seen, held = self.observer.seen, [m for m, h in marks if h]
        clean = [m for m, h in marks if not h]
        by_event = {self.event_of[m]: m for m in clean if m in self.event_of}
        screened: dict[str, float] = {}
        deadline = time.monotonic() + DRAIN_S
        while time.monotonic() < deadline:
            # a Post row's time is when the bot screened the message (wall clock)
            async with self.app.sessionmaker() as db:
                rows = await db.execute(
                    select(Post.message_id, Post.at).where(Post.message_id.in_(list(by_event)))
                )
                for event_id, at in rows:
                    mark = by_event[event_id]
                    wall = (at if at.tzinfo else at.replace(tzinfo=UTC)).timestamp()
                    screened[mark] = wall - (time.time() - time.monotonic())
            hidden = [m for m in held if self.event_of.get(m) in seen.hidden]
            if len(screened) == len(clean) and len(hidden) == len(held):
                break
            await asyncio.sleep(0.5)
        held_lags = [seen.hidden[self.event_of[m]] - self.sent_at[m] for m in hidden]
        clean_lags = [screened[m] - self.sent_at[m] for m in screened]
        return {"sent": len(marks), "rate": len(marks) / sent_for,
                "lags": held_lags + clean_lags, "held_lags": held_lags,
                "clean_lags": clean_lags,
                "lost": len(marks) - len(held_lags) - len(clean_lags)}  # fmt: skip

    async def close(self) -> None:
        await self.echo.stop()
        await self.observer.stop()
        await self.app.stop()
        for p in [self.teacher, *self.untrusted, *self.students]:
            await p.close()


def line(name: str, values: list[float]) -> str:
    p50, p99 = pct(values, 50), pct(values, 99)
    return f"{name:<28} n={len(values):>4}  p50 {p50:8.0f} ms  p99 {p99:8.0f} ms"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", type=int, default=20)
    parser.add_argument("--samples", type=int, default=30, help="review samples of each kind")
    parser.add_argument("--phase", type=float, default=15.0, help="seconds per load phase")
    parser.add_argument("--rounds", type=int, default=2, help="echo/bot load phase pairs")
    parser.add_argument("--share", type=float, default=0.5, help="of Synapse's accepted rate")
    parser.add_argument("--held-every", type=int, default=10)
    parser.add_argument("--venv", default="var/synapse-venv")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="latency-", dir="var") as tmp:
        data = Path(tmp)
        async with LocalHomeserver(data / "synapse", venv=Path(args.venv)) as hs:
            bench = Bench(hs, data, args.classes, args.samples)
            t0 = time.monotonic()
            await bench.set_up()
            print(f"set up {args.classes} classes in {time.monotonic() - t0:.1f} s")
            try:
                got = await bench.review_latency()
                print("\n1. new student's message → review visible in the teacher room")
                bot, echo = got["own"] + got["flood"], got["own echo"] + got["flood echo"]
                for name, b, e in (
                    ("first message", got["own"], got["own echo"]),
                    ("flood (combined review)", got["flood"], got["flood echo"]),
                    ("all", bot, echo),
                ):
                    print(line(f"bot: {name}", b))
                    print(line("  echo floor", e))
                    print(f"  ratio bot/echo: p50 {pct(b, 50) / pct(e, 50):.2f}x, "
                          f"p99 {pct(b, 99) / pct(e, 99):.2f}x  (target ≤ 1.5x)")  # fmt: skip
                print(line("held → removed (same)", got["removed"]))
                print(f"reviews seen {len(bot)} of {2 * args.samples}, echoes {len(echo)}")

                accepted = await bench.capacity(5.0, senders=16)
                rate = accepted * args.share
                print(f"\n2. Synapse accepts {accepted:.1f} messages/s here (16 senders, "
                      f"closed loop); load at {args.share:.0%}: {rate:.1f}/s "
                      f"over {args.classes} classes")  # fmt: skip
                results: dict[str, list[dict]] = {"echo": [], "bot": []}
                for _ in range(args.rounds):
                    for kind in ("echo", "bot"):
                        results[kind].append(
                            await bench.phase(kind, rate, args.phase, args.held_every)
                        )
                        await asyncio.sleep(2)
                e = [x for r in results["echo"] for x in r["lags"]]
                b = [x for r in results["bot"] for x in r["lags"]]
                for kind in ("echo", "bot"):
                    for r in results[kind]:
                        print(f"   {kind} phase: sent {r['sent']} at {r['rate']:.1f}/s, "
                              f"lost {r['lost']}")  # fmt: skip
                print(line("echo lag", e))
                print(line("bot lag (all)", b))
                held = [x for r in results["bot"] for x in r["held_lags"]]
                clean = [x for r in results["bot"] for x in r["clean_lags"]]
                print(line("  bot: held → removed", held))
                print(line("  bot: clean → screened", clean))
                print(f"bot lost: {sum(r['lost'] for r in results['bot'])} (must be 0); "
                      f"echo lost: {sum(r['lost'] for r in results['echo'])}")  # fmt: skip
                print(f"ratio bot/echo lag: p50 {pct(b, 50) / pct(e, 50):.2f}x, "
                      f"p99 {pct(b, 99) / pct(e, 99):.2f}x  (target p99 ≤ 2x)")  # fmt: skip
            finally:
                await bench.close()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--observe"]:
        asyncio.run(observe(json.loads(sys.argv[2])))
    else:
        asyncio.run(main())
