"""Review items saved before 0016 keep what they meant: a question's "for <author>, <book>"
line (once the first of its reasons) becomes its context, and the "escalate" marker (once
among its matches) its escalation; going back down restores the old shape."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import select, text

from bot.db.session import MIGRATIONS, make_engine, make_sessionmaker, upgrade
from bot.db.tables import Flag

pytestmark = pytest.mark.asyncio(loop_scope="session")

NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC).replace(tzinfo=None)  # as UTCDateTime stores it
OLD_FLAGS = {  # id: (kind, reasons, matches), as 0015's code wrote them
    1: ("question", ["for Jo Lee, Wonder chapter 3", "personal details"], []),
    2: ("message", ["may be about self-harm"], ["selfharm:kill myself", "escalate"]),
    3: ("answer", ["reads like grooming"], ["grooming:author answer", "escalate"]),
    4: ("message", ["a link"], ["link: www.bbc.co.uk"]),
    5: ("question", [], []),
}


async def _old_rows(url: str) -> None:
    engine = make_engine(url)
    await upgrade(engine, "0015")
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO classroom (id, platform, channel_id, name, timezone, policy, "
                "allowed_words, allowed_domains, retention_days, created_at) VALUES "
                "(1, 'matrix', '!room12', 'Room 12', 'UTC', '{}', '[]', '[]', 30, :t)"
            ),
            {"t": NOW},
        )
        for flag_id, (kind, reasons, matches) in OLD_FLAGS.items():
            await conn.execute(
                text(
                    "INSERT INTO flag (id, classroom_id, kind, user_id, user_name, channel_id, "
                    "text, reasons, action, student_note, matches, media, state, settled, "
                    "decision_reason, created_at) VALUES (:id, 1, :kind, '@maia', 'Maia', "
                    "'!room12', 'words', :reasons, 'hold', '', :matches, '[]', 'pending', "
                    "false, '', :t)"
                ),
                {
                    "id": flag_id,
                    "kind": kind,
                    "reasons": _json(reasons),
                    "matches": _json(matches),
                    "t": NOW,
                },
            )
    await engine.dispose()


def _json(items: list[str]) -> str:
    return json.dumps(items)


async def test_old_items_read_back_with_typed_context_and_escalation(database_url: str) -> None:
    await _old_rows(database_url)
    engine = make_engine(database_url)
    await upgrade(engine)
    async with make_sessionmaker(engine)() as db:
        flags = {f.id: f for f in await db.scalars(select(Flag))}
    await engine.dispose()

    question = flags[1]
    assert question.context == "for Jo Lee, Wonder chapter 3"
    assert question.reasons == ["personal details"] and not question.escalate
    for escalated in (flags[2], flags[3]):
        assert escalated.escalate and escalated.context is None
        assert "escalate" not in escalated.matches and len(escalated.matches) == 1
    assert flags[4].matches == ["link: www.bbc.co.uk"] and not flags[4].escalate
    assert flags[4].reasons == ["a link"] and flags[4].context is None
    assert flags[5].context is None and flags[5].reasons == []


async def test_going_back_to_0015_restores_the_old_shape(database_url: str) -> None:
    await _old_rows(database_url)
    engine = make_engine(database_url)
    await upgrade(engine)
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":  # as ``upgrade`` does: a rebuilt table keeps its rows
            await conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        await conn.run_sync(lambda c: command.downgrade(_config(c), "0015"))
        await conn.commit()
        rows = await conn.execute(text("SELECT id, reasons, matches FROM flag ORDER BY id"))
        found = {i: (_list(r), _list(m)) for i, r, m in rows}
        columns = (await conn.execute(text("SELECT * FROM flag LIMIT 0"))).keys()
    await engine.dispose()
    assert found == {i: (reasons, matches) for i, (_, reasons, matches) in OLD_FLAGS.items()}
    assert "context" not in columns and "escalate" not in columns


def _config(connection: object) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def _list(value: object) -> list[str]:
    return json.loads(value) if isinstance(value, str) else list(value)  # type: ignore[call-overload]
