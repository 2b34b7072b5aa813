"""Every row's state is an enum stored as its text: known values only, read back as enums."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.exc import StatementError

from bot.db.base import StateText
from bot.db.session import make_engine, make_sessionmaker
from bot.db.states import InviteState
from bot.db.tables import AuthorInvite, Base, Classroom
from tests.migrated import sqlite_at_head

NOW = datetime(2027, 2, 1, tzinfo=UTC)


def test_every_state_column_takes_only_its_enums_values() -> None:
    states = [c for t in Base.metadata.tables.values() for c in t.columns if c.name == "state"]
    assert len(states) >= 7, "sessions, flags and the guest authors' five"
    for column in states:
        assert isinstance(column.type, StateText), column


@pytest.mark.asyncio(loop_scope="session")
async def test_a_state_reads_back_as_its_enum_and_an_unknown_one_is_refused(
    tmp_path: Path,
) -> None:
    engine = make_engine(sqlite_at_head(tmp_path / "bot.db"))
    sessionmaker = make_sessionmaker(engine)
    try:
        async with sessionmaker.begin() as db:
            room = Classroom(platform="matrix", channel_id="!room12:school", created_at=NOW)
            db.add(room)
            await db.flush()
            invite = AuthorInvite(
                classroom_id=room.id,
                code_hash="h",
                name="Jo Lee",
                book="Wonder",
                created_by="@rivera:school",
                created_at=NOW,
                expires_at=NOW,
            )
            db.add(invite)
        async with sessionmaker() as db:
            state = await db.scalar(select(AuthorInvite.state))
        assert state is InviteState.OPEN
        with pytest.raises(StatementError):
            async with sessionmaker.begin() as db:
                (await db.get_one(AuthorInvite, invite.id)).state = "lost"  # type: ignore[assignment]
    finally:
        await engine.dispose()
