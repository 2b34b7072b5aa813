"""Constraints are named by one convention (bot/db/base.py), also in a database migrated
before there was one: a later migration can name what it changes on either backend."""

from __future__ import annotations

import pytest
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import Connection, inspect
from sqlalchemy.sql.schema import DEFAULT_NAMING_CONVENTION

from bot.db.base import NAMING
from bot.db.session import make_engine, upgrade
from bot.db.tables import Base

pytestmark = pytest.mark.asyncio(loop_scope="session")


def _names(conn: Connection) -> list[tuple[str, str | None, str]]:
    """(table, name, the convention's name) of every primary key, unique and foreign key."""
    found = []
    insp = inspect(conn)
    for table in sorted(set(insp.get_table_names()) - {"alembic_version"}):
        found.append((table, insp.get_pk_constraint(table).get("name"), f"pk_{table}"))
        for uq in insp.get_unique_constraints(table):
            found.append((table, uq["name"], f"uq_{table}_{'_'.join(uq['column_names'])}"))
        for fk in insp.get_foreign_keys(table):
            wanted = f"fk_{table}_{fk['constrained_columns'][0]}_{fk['referred_table']}"
            found.append((table, fk["name"], wanted))
    return found


def _declared() -> set[str]:
    """Every constraint name the models have (the convention's, or one they chose)."""
    tables = Base.metadata.tables.values()
    return {c.name for t in tables for c in t.constraints if isinstance(c.name, str)}


def _drop_member_unique(conn: Connection) -> None:
    """What a later migration would write: the constraint named by the convention."""
    with Operations(MigrationContext.configure(conn)).batch_alter_table(
        "member", naming_convention=NAMING
    ) as batch:
        batch.drop_constraint("uq_member_classroom_id_user_id", type_="unique")


@pytest.mark.parametrize("before", ["0002", "0018"])
async def test_a_database_from_before_the_convention_is_named_by_it(
    database_url: str, before: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(database_url)
    with monkeypatch.context() as old_code:  # the migrations as they ran without a convention
        old_code.setattr(Base.metadata, "naming_convention", DEFAULT_NAMING_CONVENTION)
        await upgrade(engine, before)
    await upgrade(engine)
    async with engine.connect() as conn:
        names = await conn.run_sync(_names)
        sqlite = conn.dialect.name == "sqlite"
    # SQLite's older tables keep unnamed constraints; every name is the one the models give
    ok = _declared()
    wrong = [(t, n, w) for t, n, w in names if n not in ok and not (sqlite and n is None)]
    assert wrong == []
    assert any(t == "prompt_post" for t, _, _ in names)
    async with engine.begin() as conn:
        await conn.run_sync(_drop_member_unique)
    async with engine.connect() as conn:
        left = await conn.run_sync(lambda c: inspect(c).get_unique_constraints("member"))
    assert left == []
    await engine.dispose()


async def test_a_new_database_has_every_constraint_named_by_the_convention(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    await upgrade(engine)
    async with engine.connect() as conn:
        names = await conn.run_sync(_names)
        sqlite = conn.dialect.name == "sqlite"
    # SQLite reports no name for a primary key; every other constraint has the models' name
    assert [w for _, n, w in names if n is None and not w.startswith("pk_")] == []
    ok = _declared()
    wrong = [(t, n, w) for t, n, w in names if n not in ok and not (sqlite and n is None)]
    assert wrong == []
    await engine.dispose()
