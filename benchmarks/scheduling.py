"""Scheduling at scale: 1,000 classes x 30 sessions.

Prints: the time to rebuild every timer from the rows at start, peak RSS, and
how late each post fires against its planned time (real clock, a recording
chat platform, so what is measured is the bot and the database, not a network).

    .venv/bin/python benchmarks/scheduling.py [--classes 1000] [--sessions 30]
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from sqlalchemy import insert

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.db.session import upgrade
from bot.db.tables import Book, Classroom, Plan, Session
from tests.recording_chat import RecordingChat


class TimedChat(RecordingChat):
    """Remembers the real time of every announcement."""

    def __init__(self) -> None:
        super().__init__()
        self.fired: dict[str, float] = {}

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        if out.key and out.key.endswith(":announce"):
            self.fired[out.key] = time.time()
        return await super().send(channel, out)


async def fill(app: App, classes: int, sessions: int, soon: datetime, spread: float) -> dict:
    """Rows for every class; the first session of each class falls in the next seconds."""
    now = datetime.now(UTC)
    planned: dict[str, datetime] = {}
    async with app.sessionmaker.begin() as db:
        await db.execute(
            insert(Classroom),
            [
                {
                    "id": c,
                    "platform": "matrix",
                    "channel_id": f"!c{c}",
                    "name": f"Class {c}",
                    "timezone": "UTC",
                    "teacher_channel_id": f"!t{c}",
                    "created_at": now,
                }
                for c in range(1, classes + 1)
            ],
        )
        await db.execute(
            insert(Book),
            [
                {
                    "id": c,
                    "classroom_id": c,
                    "title": "Book",
                    "author": "",
                    "chapters": sessions,
                    "chapter_titles": [],
                }
                for c in range(1, classes + 1)
            ],
        )
        await db.execute(
            insert(Plan),
            [
                {
                    "id": c,
                    "classroom_id": c,
                    "book_id": c,
                    "start_date": date.today(),
                    "weekdays": "mon",
                    "time_of_day": "09:00",
                    "chapters_per_session": 1,
                    "dates": [],
                    "window_minutes": 60,
                    "reminder_minutes": 0,
                    "created_at": now,
                }
                for c in range(1, classes + 1)
            ],
        )
        rows = []
        sid = 0
        for c in range(1, classes + 1):
            for n in range(1, sessions + 1):
                sid += 1
                when = (
                    soon + timedelta(seconds=spread * (c - 1) / classes)
                    if n == 1
                    else soon + timedelta(days=n)
                )
                rows.append(
                    {
                        "id": sid,
                        "plan_id": c,
                        "classroom_id": c,
                        "number": n,
                        "starts_at": when,
                        "first_chapter": n,
                        "last_chapter": n,
                        "state": "planned",
                        "next_step_at": when,
                    }
                )
                if n == 1:
                    planned[f"session:{sid}:announce"] = when
        await db.execute(insert(Session), rows)
    return planned


async def main(classes: int, sessions: int, spread: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            bot=BotSettings(database_url=f"sqlite:///{tmp}/bench.db"),
            matrix=MatrixSettings(enabled=False),
        )
        app = App(Config(settings=settings, secrets=Secrets()))
        chat = TimedChat()
        app.chats.add(chat)  # type: ignore[arg-type]
        await upgrade(app.engine)
        soon = datetime.now(UTC) + timedelta(seconds=8)
        planned = await fill(app, classes, sessions, soon, spread)

        started = time.perf_counter()
        await app.start()
        rebuild = time.perf_counter() - started
        jobs = len(app.wakeups)

        deadline = time.time() + (soon - datetime.now(UTC)).total_seconds() + spread + 30
        while len(chat.fired) < len(planned) and time.time() < deadline:
            await asyncio.sleep(0.2)
        late = sorted(chat.fired[k] - planned[k].timestamp() for k in planned if k in chat.fired)
        await app.stop()

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"classes x sessions        : {classes} x {sessions} = {classes * sessions} rows")
    print(f"wake-ups after start      : {jobs}")
    print(f"rebuild at start          : {rebuild:.2f} s (migrations, resume and timers)")
    print(f"peak RSS                  : {rss:.0f} MB")
    print(f"sessions fired            : {len(late)} of {len(planned)} (spread over {spread:.0f} s)")
    if late:
        q = statistics.quantiles(late, n=100)
        print(
            f"lateness p50 / p99 / max  : {q[49] * 1000:.0f} / {q[98] * 1000:.0f} / "
            f"{late[-1] * 1000:.0f} ms"
        )
        print(f"within 1 s of planned time: {sum(1 for x in late if x <= 1.0)} of {len(late)}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--classes", type=int, default=1000)
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument(
        "--spread", type=float, default=20.0, help="seconds over which the first sessions fall"
    )
    a = parser.parse_args()
    asyncio.run(main(a.classes, a.sessions, a.spread))
