"""Storage behaves the same on SQLite and PostgreSQL: migrations, UTC times, uniqueness."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from bot.db.session import (
    current_revision,
    head_revision,
    make_engine,
    make_sessionmaker,
    upgrade,
)
from bot.db.tables import Classroom, Post

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_migrations_reach_head_and_can_run_twice(database_url: str) -> None:
    engine = make_engine(database_url)
    await upgrade(engine)
    await upgrade(engine)
    assert await current_revision(engine) == head_revision() == "0025"
    await engine.dispose()


async def test_times_come_back_as_the_same_utc_instant(database_url: str) -> None:
    engine = make_engine(database_url)
    await upgrade(engine)
    sm = make_sessionmaker(engine)
    auckland = timezone(timedelta(hours=13))
    when = datetime(2027, 2, 1, 9, 30, tzinfo=auckland)
    async with sm.begin() as db:
        db.add(
            Classroom(
                platform="matrix", channel_id="!r", timezone="Pacific/Auckland", created_at=when
            )
        )
    async with sm() as db:
        row = await db.scalar(select(Classroom))
        assert row is not None
        assert row.created_at == when and row.created_at.tzinfo == UTC
    await engine.dispose()


async def test_a_message_is_recorded_only_once(database_url: str) -> None:
    engine = make_engine(database_url)
    await upgrade(engine)
    sm = make_sessionmaker(engine)
    now = datetime.now(UTC)
    async with sm.begin() as db:
        db.add(Classroom(platform="matrix", channel_id="!r", created_at=now))
    post = {
        "classroom_id": 1,
        "platform": "matrix",
        "message_id": "$m",
        "user_id": "@s",
        "outcome": "allow",
        "at": now,
        "thread_id": None,
    }
    async with sm.begin() as db:
        db.add(Post(**post))
    with pytest.raises(IntegrityError):
        async with sm.begin() as db:
            db.add(Post(**post))
    await engine.dispose()


async def test_the_migrations_build_exactly_the_tables_the_code_declares(database_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from bot.db.tables import Base

    engine = make_engine(database_url)
    await upgrade(engine)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda c: compare_metadata(MigrationContext.configure(c), Base.metadata)
        )
    await engine.dispose()
    assert diff == []


async def test_upgrading_a_running_class_keeps_its_posts_and_allows_edits(
    database_url: str,
) -> None:
    from sqlalchemy import text

    engine = make_engine(database_url)
    await upgrade(engine, "0002")
    now = datetime.now(UTC).replace(tzinfo=None)  # how UTCDateTime stores it
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO classroom (id, platform, channel_id, name, timezone, policy, "
                "allowed_words, allowed_domains, retention_days, created_at) VALUES "
                "(1, 'discord', '42', 'Room 12', 'UTC', '{}', '[]', '[]', 30, :t)"
            ),
            {"t": now},
        )
        await conn.execute(
            text(
                "INSERT INTO post (classroom_id, platform, message_id, user_id, outcome, at) "
                "VALUES (1, 'discord', '7', 's', 'allow', :t)"
            ),
            {"t": now},
        )
    await upgrade(engine)
    sm = make_sessionmaker(engine)
    async with sm() as db:
        old = await db.scalar(select(Post))
        assert old is not None and old.message_id == "7" and old.revision == ""
    edit = {"classroom_id": 1, "platform": "discord", "message_id": "7", "user_id": "s",
            "revision": "2027-01-01T00:00:00", "outcome": "hold"}  # fmt: skip
    async with sm.begin() as db:  # the same message edited: a new revision
        db.add(Post(**edit, at=datetime.now(UTC)))
    with pytest.raises(IntegrityError):  # that edit seen twice
        async with sm.begin() as db:
            db.add(Post(**edit, at=datetime.now(UTC)))
    await engine.dispose()
