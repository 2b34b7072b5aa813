"""A new student floods the class: what the teacher room and the student get per N messages.

The real App and database on a recording platform; one new student sends N short
messages half a second apart. Printed per N: review posts in the teacher room, edits of
them, notices to the student, flags waiting in `mod queue`, and the bot's time per
message. "one review each" turns combining off (the join window set to zero) to show
what the teacher room looked like before.

    .venv/bin/python benchmarks/flood.py [--sizes 10,50,200] [--database-url URL]
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

from sqlalchemy import func, select

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.clock import FakeClock
from bot.core.commands import Invocation
from bot.core.events import MessagePosted
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from bot.core.textcommand import parse
from bot.db.tables import Flag
from cogs.review import floods
from tests.recording_chat import RecordingChat

ROOM = ChannelRef(Platform.MATRIX, "!room12")
TEACHER = Actor(UserRef(Platform.MATRIX, "@rivera:school", "Ms Rivera"), Role.TEACHER)
MAIA = Actor(UserRef(Platform.MATRIX, "@maia:school", "Maia"), Role.STUDENT)


async def run(n: int, url: str) -> dict[str, float]:
    clock = FakeClock(datetime(2027, 2, 1, 9, tzinfo=UTC))
    settings = Settings(bot=BotSettings(database_url=url), matrix=MatrixSettings(enabled=False))
    app = App(Config(settings=settings, secrets=Secrets()), clock=clock)
    chat = RecordingChat([TEACHER.user])
    app.chats.add(chat)  # type: ignore[arg-type]
    await app.start()
    try:
        setup = "!class setup timezone=UTC"
        command, args = parse(app.registry, setup, "!", lambda raw: UserRef(ROOM.platform, raw))
        await app.dispatcher.command(Invocation(command, TEACHER, ROOM, args))
        started = time.perf_counter()
        for i in range(n):
            event = MessagePosted(MessageRef(ROOM, f"$s{i}"), MAIA, f"hi {i}")
            await app.dispatcher.event(chat, event)  # type: ignore[arg-type]
            clock.advance(timedelta(seconds=0.5))
        took = time.perf_counter() - started
        async with app.sessionmaker() as db:
            waiting = await db.scalar(select(func.count(Flag.id)).where(Flag.state == "pending"))
        teachers = [p for p in chat.posts if p.channel.id.endswith("-teachers")]
        return {
            "reviews": sum(1 for p in teachers if p.action == "review"),
            "edits": sum(1 for p in teachers if p.action == "edit"),
            "notices": sum(1 for p in chat.posts if p.action == "tell" and p.to == MAIA.user.id),
            "waiting": float(waiting or 0),
            "ms": 1000 * took / n,
        }
    finally:
        await app.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10,50,200")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    window = floods.WINDOW
    for label, join_window in (("combined", window), ("one review each", timedelta(0))):
        floods.WINDOW = join_window
        print(f"\n{label}:")
        print("  messages  reviews  edits  notices  in mod queue  ms/message")
        for n in (int(s) for s in args.sizes.split(",")):
            with tempfile.TemporaryDirectory() as tmp:
                url = args.database_url or f"sqlite+aiosqlite:///{tmp}/flood.db"
                r = asyncio.run(run(n, url))
            print(f"  {n:8d}  {r['reviews']:7.0f}  {r['edits']:5.0f}  {r['notices']:7.0f}  "
                  f"{r['waiting']:12.0f}  {r['ms']:10.1f}")  # fmt: skip
    floods.WINDOW = window


if __name__ == "__main__":
    main()
