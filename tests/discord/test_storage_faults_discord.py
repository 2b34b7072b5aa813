"""The database stops answering (PostgreSQL behind a relay the test cuts) while a student
posts on Discord: Discord never sends the message again, so the bot keeps it on disk and
holds it for the teacher once the database is back, even after a restart in between."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

from bot.platforms.discord.chat import RETRY_FILE
from tests.db.cuttable import CuttableRelay, relayed_database
from tests.discord.guild import Classroom, build_classroom, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")
ADMIN = os.environ.get("DATABASE_URL", "")


@pytest_asyncio.fixture(loop_scope="session")
async def on_postgres(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[tuple[Classroom, CuttableRelay]]:
    """Class 7B on a PostgreSQL database whose connection the test can cut."""
    if not ADMIN:
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    async with relayed_database(ADMIN) as (relay, url):
        c = build_classroom(monkeypatch, tmp_path, db_url=url)
        await c.discord.start()
        try:
            yield c, relay
        finally:
            await c.discord.stop()


async def until(done: Callable[[], bool], seconds: float = 20.0) -> bool:
    """Whether `done()` comes true within `seconds` (the bot retries on its own time)."""
    for _ in range(int(seconds * 10)):
        if done():
            return True
        await asyncio.sleep(0.1)
    return done()


def removals(c: Classroom, msg_id: str) -> list[object]:
    """The bot's requests removing the student's message from the class channel."""
    return list(c.world.sent("DELETE", rf"/channels/{c.room['id']}/messages/{msg_id}"))


def kept(c: Classroom) -> list[str]:
    """The lines of the bot's retry list on disk."""
    path = c.discord.db.parent / RETRY_FILE
    return path.read_text().splitlines() if path.exists() else []


async def held_for_the_teacher(c: Classroom, teachers: str, msg_id: str) -> None:
    """Within a few seconds: the message is gone from the class, its review is with the teacher."""
    await until(lambda: bool(removals(c, msg_id)))
    await until(lambda: bool(c.world.posts_in(teachers)))
    assert removals(c, msg_id)
    (review,) = c.world.posts_in(teachers)
    (embed,) = review.json["embeds"]
    assert "The storm was loud in my street" in embed["description"]


async def test_a_message_posted_while_the_database_is_down_is_held_once_it_is_back(
    on_postgres: tuple[Classroom, CuttableRelay],
) -> None:
    c, relay = on_postgres
    teachers = (await set_up_class(c))["id"]
    await relay.cut()
    msg_id = await c.discord.say(c.ana, c.room, "The storm was loud in my street")
    assert not removals(c, msg_id), "nothing could be decided yet"
    assert len(kept(c)) == 1, "the message is on disk, not only in memory"

    await relay.restore()
    await held_for_the_teacher(c, teachers, msg_id)
    assert await until(lambda: kept(c) == []), "the retry list is empty again"


async def test_a_message_kept_on_disk_is_held_after_a_restart(
    on_postgres: tuple[Classroom, CuttableRelay],
) -> None:
    c, relay = on_postgres
    teachers = (await set_up_class(c))["id"]
    await relay.cut()
    msg_id = await c.discord.say(c.ana, c.room, "The storm was loud in my street")
    await c.discord.stop()  # the bot stops while the database is still down
    assert len(kept(c)) == 1

    await relay.restore()
    await c.discord.start()
    await held_for_the_teacher(c, teachers, msg_id)
    assert await until(lambda: kept(c) == [])
    assert len(removals(c, msg_id)) == 1


async def test_a_decision_by_reaction_during_the_outage_is_carried_out_after_a_restart(
    on_postgres: tuple[Classroom, CuttableRelay],
) -> None:
    c, relay = on_postgres
    teachers = (await set_up_class(c))["id"]
    msg_id = await c.discord.say(c.ana, c.room, "The storm was loud in my street")
    await held_for_the_teacher(c, teachers, msg_id)
    review = next(m for m in c.world.messages.values() if m.get("embeds"))
    await relay.cut()
    member = {**c.world.members[c.teacher["id"]]}
    await c.discord.feed(
        "message_reaction_add",
        {"user_id": c.teacher["id"], "channel_id": review["channel_id"],
         "message_id": review["id"], "guild_id": c.world.guild_id, "member": member,
         "emoji": {"id": None, "name": "✅"}, "burst": False, "type": 0},
    )  # fmt: skip
    assert len(kept(c)) == 1, "a reaction is never brought back by catching up: it is kept"
    await c.discord.stop()

    await relay.restore()
    await c.discord.start()
    assert await until(lambda: bool(c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")))
    (repost,) = c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")
    assert repost.json["username"] == "Ana (student)"
    assert repost.json["content"] == "The storm was loud in my street"
    assert await until(lambda: kept(c) == [])
