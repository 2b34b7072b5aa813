"""The Matrix adapter stamps the events it handled by the bot's injected clock, so the daily
clean-up forgets them by that same clock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.db.tables import HandledEvent
from tests.matrix.classroom import Classroom, class_fixture

pytestmark = pytest.mark.asyncio(loop_scope="session")
room12 = class_fixture(students=1)


async def test_a_handled_command_carries_the_injected_clocks_time(
    room12: Classroom,
) -> None:
    room12.clock.advance(timedelta(days=30))  # far from the machine's clock
    now = room12.clock.now()
    await room12.teacher_types("!readaloud schedule", expect="No sessions planned yet")
    app = room12.app
    assert app is not None
    async with app.sessionmaker() as db:
        handled = await db.scalar(
            select(func.max(HandledEvent.at)).where(HandledEvent.platform == "matrix")
        )
    assert handled == now, "the command was recorded by the injected clock"

    room12.clock.advance(timedelta(days=15))  # past the fortnight the record is kept
    await app.handled.purge()
    async with app.sessionmaker() as db:
        left = await db.scalar(select(func.count()).select_from(HandledEvent))
    assert left == 0, "forgotten by the same clock that stamped it"
