"""One guest author answer to 1,000 classes: time and requests against the rate-limit floor.

Every class asked the same question (one inbox item); the author answers once.
Each class gets two posts: the answer in its session thread and a copy in its
teacher channel. Two runs on the real App and database:

1. bot only: a chat platform that answers at once, so the time is the bot's own
   work (database, keyed deliveries) per request;
2. Discord-like: every request takes `--latency` ms and the bot may make at most
   50 requests/s (Discord's global bot limit), so the floor is requests / 50 s.

    .venv/bin/python benchmarks/fanout.py [--classes 1000] [--latency 80] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from sqlalchemy import func, insert, select

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.clock import FakeClock
from bot.core.model import ChannelRef, MessageRef, Outgoing, Platform, UserRef
from bot.db.tables import (
    AuthorInvite,
    Book,
    ClassProfile,
    Classroom,
    GuestAuthor,
    InboxItem,
    Plan,
    Question,
    Session,
)
from tests.recording_chat import RecordingChat

DISCORD_PER_SECOND = 50
AUTHOR = UserRef(Platform.DISCORD, "900000000000000001", "Jo Lee")


class LimitedChat(RecordingChat):
    """Answers each request after `latency` s, at most `per_second` requests per second."""

    def __init__(self, latency: float = 0.0, per_second: float = 0.0) -> None:
        super().__init__()
        self.platform = Platform.DISCORD
        self.latency, self.interval = latency, (1 / per_second if per_second else 0.0)
        self.requests = 0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def _request(self) -> None:
        self.requests += 1
        if self.interval:
            async with self._lock:  # a global bucket: requests leave one interval apart
                now = time.monotonic()
                start = max(now, self._next)
                self._next = start + self.interval
            await asyncio.sleep(start - now)
        if self.latency:
            await asyncio.sleep(self.latency)

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        await self._request()
        return await super().send(channel, out)


async def fill(app: App, classes: int, now: datetime) -> int:
    """Classes in a running session, all linked to one author, all asking one question."""
    async with app.sessionmaker.begin() as db:
        author = GuestAuthor(platform="discord", user_id=AUTHOR.id, name="Jo Lee", joined_at=now)
        db.add(author)
        await db.flush()
        item = InboxItem(author_id=author.id, text="Why did the keeper live alone?",
                         normalized="why did the keeper live alone", created_at=now)  # fmt: skip
        db.add(item)
        await db.flush()
        rows = [{"platform": "discord", "channel_id": str(10**6 + i), "name": f"Class {i}",
                 "timezone": "UTC", "teacher_channel_id": str(2 * 10**6 + i), "created_at": now}
                for i in range(classes)]  # fmt: skip
        ids = list(await db.scalars(insert(Classroom).returning(Classroom.id), rows))
        await db.execute(insert(ClassProfile), [
            {"classroom_id": c, "display_name": f"Class {c}", "region": "Leeds",
             "daily_questions": 5} for c in ids])  # fmt: skip
        books = list(await db.scalars(insert(Book).returning(Book.id), [
            {"classroom_id": c, "title": "The Lighthouse Mice", "chapters": 4,
             "chapter_titles": []} for c in ids]))  # fmt: skip
        plans = list(await db.scalars(insert(Plan).returning(Plan.id), [
            {"classroom_id": c, "book_id": b, "start_date": now.date(), "weekdays": "mon",
             "time_of_day": "09:00", "dates": [], "created_at": now}
            for c, b in zip(ids, books, strict=True)]))  # fmt: skip
        await db.execute(insert(Session), [
            {"plan_id": p, "classroom_id": c, "number": 1, "state": "running",
             "starts_at": now - timedelta(minutes=5), "first_chapter": 1, "last_chapter": 2,
             "thread_id": str(3 * 10**6 + c)}
            for c, p in zip(ids, plans, strict=True)])  # fmt: skip
        invites = list(await db.scalars(insert(AuthorInvite).returning(AuthorInvite.id), [
            {"classroom_id": c, "code_hash": f"h{c}", "name": "Jo Lee", "book": "Mice",
             "state": "used", "created_by": "t", "created_at": now, "expires_at": now,
             "used_at": now, "author_id": author.id} for c in ids]))  # fmt: skip
        await db.execute(insert(Question), [
            {"classroom_id": c, "invite_id": i, "item_id": item.id, "student_id": f"s{c}",
             "student_name": f"Student {c}", "text": "Why did the keeper live alone?",
             "book": "The Lighthouse Mice", "chapter": 2, "state": "relayed", "asked_at": now,
             "updated_at": now} for c, i in zip(ids, invites, strict=True)])  # fmt: skip
        return item.id


async def run(classes: int, url: str, latency: float, per_second: float) -> tuple[float, int, int]:
    now = datetime(2027, 2, 1, 9, tzinfo=UTC)
    settings = Settings(bot=BotSettings(database_url=url), matrix=MatrixSettings(enabled=False))
    app = App(Config(settings=settings, secrets=Secrets()), clock=FakeClock(now))
    chat = LimitedChat(latency, per_second)
    app.chats.add(chat)  # type: ignore[arg-type]
    await app.start()
    try:
        item = await fill(app, classes, now)
        started = time.perf_counter()
        closed = await app.services.authors.desk.answer(AUTHOR, item, "He loved the quiet.")
        took = time.perf_counter() - started
        async with app.sessionmaker() as db:
            answered = await db.scalar(
                select(func.count(Question.id)).where(Question.state == "answered")
            )
        assert closed.classes == classes == answered, (closed, answered)
        in_threads = sum(1 for p in chat.posts if p.channel.thread)
        assert in_threads == classes
        return took, chat.requests, in_threads
    finally:
        await app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--latency", type=float, default=80.0, help="ms per request (run 2)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    print(f"one answer to {args.classes} classes (2 posts each: class thread + teacher channel)")
    runs = [("bot only (instant platform)", 0.0, 0.0),
            (f"Discord-like ({args.latency:.0f} ms/request, 50 requests/s)",
             args.latency / 1000, DISCORD_PER_SECOND)]  # fmt: skip
    for name, latency, rate in runs:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.database_url or f"sqlite+aiosqlite:///{tmp}/fanout.db"
            took, requests, threads = asyncio.run(run(args.classes, url, latency, rate))
        floor = requests / DISCORD_PER_SECOND
        print(f"\n{name}:")
        print(f"  requests: {requests} ({threads} answers in class threads)")
        print(f"  total: {took:.2f} s = {requests / took:.0f} requests/s, "
              f"{1000 * took / requests:.2f} ms per request")  # fmt: skip
        print(f"  Discord floor (50 requests/s): {floor:.1f} s → {took / floor:.2f}× the floor")


if __name__ == "__main__":
    main()
