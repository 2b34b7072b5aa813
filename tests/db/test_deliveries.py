"""A keyed post is delivered once, even when the bot crashes around it."""

from __future__ import annotations

import pytest

from bot.core.clock import FakeClock
from bot.core.model import ChannelRef, MessageRef, Platform
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.deliveries import Deliveries

ROOM = ChannelRef(Platform.MATRIX, "!room")


@pytest.mark.asyncio(loop_scope="session")
async def test_a_keyed_post_is_sent_once_and_remembered(migrated_database_url: str) -> None:
    engine = make_engine(migrated_database_url)
    await upgrade(engine)
    deliveries = Deliveries(make_sessionmaker(engine), FakeClock())
    posted: list[str] = []

    async def post() -> MessageRef:
        posted.append("x")
        return MessageRef(ROOM, f"$event{len(posted)}")

    first = await deliveries.once("session:1:announce", ROOM, post)
    again = await deliveries.once("session:1:announce", ROOM, post)
    assert posted == ["x"]
    assert first == again == MessageRef(ROOM, "$event1")
    assert await deliveries.sent("session:1:announce") == "$event1"
    await engine.dispose()


@pytest.mark.asyncio(loop_scope="session")
async def test_a_post_that_failed_is_tried_again_with_the_same_key(
    migrated_database_url: str,
) -> None:
    engine = make_engine(migrated_database_url)
    await upgrade(engine)
    deliveries = Deliveries(make_sessionmaker(engine), FakeClock())

    async def crash() -> MessageRef:
        raise ConnectionError("homeserver went away")

    with pytest.raises(ConnectionError):
        await deliveries.once("flag:1:review", ROOM, crash)
    assert await deliveries.sent("flag:1:review") is None

    async def post() -> MessageRef:
        return MessageRef(ROOM, "$ok")

    assert await deliveries.once("flag:1:review", ROOM, post) == MessageRef(ROOM, "$ok")
    await engine.dispose()
