"""Migration 0002 (guest authors) on SQLite and PostgreSQL: upgrading keeps every flag."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from bot.db.session import current_revision, head_revision, make_engine, upgrade

pytestmark = pytest.mark.asyncio(loop_scope="session")
NOW = datetime(2027, 2, 1, tzinfo=UTC).replace(tzinfo=None)


async def test_upgrading_from_0001_keeps_held_messages_and_adds_author_tables(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    await upgrade(engine, "0001")
    async with engine.begin() as conn:
        cols = (await conn.execute(text("SELECT * FROM classroom LIMIT 0"))).keys()
        values = {
            "platform": "matrix", "channel_id": "!r", "name": "Room 12", "timezone": "UTC",
            "created_at": NOW, "policy": "{}", "allowed_words": "[]", "allowed_domains": "[]",
            "retention_days": 365,
        }  # fmt: skip
        values = {k: v for k, v in values.items() if k in cols}
        await conn.execute(
            text(f"INSERT INTO classroom ({', '.join(values)}) VALUES (:{', :'.join(values)})"),
            values,
        )
        await conn.execute(
            text(
                "INSERT INTO post (classroom_id, platform, message_id, user_id, outcome, at) "
                "VALUES (1, 'matrix', '$m', '@a:x', 'hold', :at)"
            ),
            {"at": NOW},
        )
        flag_cols = (await conn.execute(text("SELECT * FROM flag LIMIT 0"))).keys()
        extra = ", matches" if "matches" in flag_cols else ""
        await conn.execute(
            text(
                "INSERT INTO flag (classroom_id, post_id, user_id, user_name, channel_id, text, "
                "reasons, action, student_note, state, settled, decision_reason, "
                f"created_at{extra}) VALUES (1, 1, '@a:x', 'Aroha', '!r', 'hello', '[]', 'hold', "
                "'', 'pending', false, '', :at" + (", '[]'" if extra else "") + ")"
            ),
            {"at": NOW},
        )
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()
    async with engine.begin() as conn:
        kind, post = (await conn.execute(text("SELECT kind, post_id FROM flag"))).one()
        assert (kind, post) == ("message", 1)
        for table in ("guest_author", "author_invite", "inbox_item", "question", "answer"):
            assert (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar() == 0
    await engine.dispose()
