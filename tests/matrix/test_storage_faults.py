"""The database stops answering for a while (PostgreSQL, real Synapse): the student's message
that arrives meanwhile is not lost; it is held and reviewed once the database is back, and the
teachers are told while it is down. History brought back by a rejoin never replays a command."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio
from nio import RedactionEvent, RoomMemberEvent, RoomMessagesResponse
from sqlalchemy import func, select

from bot.db.tables import Book, Flag, Prompt
from bot.localserver import LocalHomeserver
from bot.platforms.matrix.client import Batch, RoomUpdate
from tests.db.cuttable import CuttableRelay
from tests.matrix.classroom import Classroom, body, class_fixture, make_classroom
from tests.matrix.people import PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]
ADMIN = os.environ.get("DATABASE_URL", "")


@pytest_asyncio.fixture(loop_scope="session")
async def relay() -> AsyncIterator[tuple[CuttableRelay, str]]:
    """A fresh PostgreSQL database reached through a relay the test can cut."""
    if not ADMIN:
        pytest.skip("needs PostgreSQL (DATABASE_URL)")
    name = f"readaloud_fault_{secrets.token_hex(4)}"
    conn = await asyncpg.connect(ADMIN.replace("+asyncpg", ""))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    port = int(ADMIN.rsplit(":", 1)[1].split("/")[0])
    relay = CuttableRelay(port)
    await relay.start()
    yield relay, f"postgresql+asyncpg://postgres@127.0.0.1:{relay.port}/{name}"
    await relay.stop()
    conn = await asyncpg.connect(ADMIN.replace("+asyncpg", ""))
    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await conn.close()


async def test_a_message_sent_while_the_database_is_down_is_held_once_it_is_back(
    synapse: LocalHomeserver,
    people: PersonFactory,
    tmp_path: Path,
    relay: tuple[CuttableRelay, str],
) -> None:
    cut, url = relay
    cls = await make_classroom(synapse, people, tmp_path, students=1, db_url=url)
    try:
        app, student = cls.app, cls.students[0]
        assert app is not None
        app.services.outage.after = 0.5
        await cut.cut()
        sent = await student.send(cls.room, "hi everyone, I love this chapter")
        await app.services.outage.check()  # the first look finds the database not answering
        for _ in range(200):  # the bot's timer looks every 15 s; here, every 0.1 s
            if app.services.outage._told is not None:
                break
            await asyncio.sleep(0.1)
            await app.services.outage.check()
        down = await cls.teacher.wait_for(cls.says("can't reach my database", cls.teacher_room))
        assert "Nothing is lost" in body(down)

        await cut.restore()
        review = await cls.teacher.wait_for(cls.says("I love this chapter", cls.teacher_room))
        assert "new student" in body(review)
        hidden = await student.wait_for(
            lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == sent, room_id=cls.room
        )
        assert hidden is not None
        await app.services.outage.check()
        await cls.teacher.wait_for(cls.says("database is back", cls.teacher_room))
        assert await cls.count(select(func.count()).select_from(Flag)) == 1
    finally:
        for started in list(cls.started):
            await started.stop()


room12 = class_fixture(students=1)


async def test_a_kick_and_re_invite_after_a_restart_replays_no_command(room12: Classroom) -> None:
    cls, teacher = room12, room12.teacher
    await cls.teacher_types('!readaloud book "Hatchet" chapters=19', expect="Added")
    await cls.teacher_types("!readaloud prompt 1 What would you pack?", expect="Prompt")
    await cls.idle()
    await cls.stop_bot()
    await cls.start_bot()
    await teacher.client.room_kick(cls.room, cls.bot)
    await cls.idle()
    await teacher.client.room_invite(cls.room, cls.bot)
    await teacher.wait_for(
        lambda rid, ev: (
            isinstance(ev, RoomMemberEvent) and ev.state_key == cls.bot and ev.membership == "join"
        ),
        room_id=cls.room,
    )
    await cls.idle()

    # whatever history comes back (here: the room's whole timeline handed over again, as a
    # back-filled gap or a rejoin can), the commands in it were handled before the restart
    history = await cls.chat.client.room_messages(cls.room, start="", limit=100)
    assert isinstance(history, RoomMessagesResponse)
    old = list(reversed(history.chunk))
    assert any(body(ev).startswith("!readaloud book") for ev in old)
    replay = Batch("replayed", first=False, backlog=False, rooms={cls.room: RoomUpdate([], old)})
    inbound = cls.chat._inbound
    assert inbound is not None
    await inbound.handle(replay)
    await cls.idle()

    said = [body(ev) for ev in await teacher.seen_now(cls.room) if ev.sender == cls.bot]
    assert said == []  # not one old command answered again
    assert await cls.count(select(func.count()).select_from(Book)) == 1
    assert await cls.count(select(func.count()).select_from(Prompt)) == 1
