"""A storage fault (the database is unreachable or cannot write) is told apart from a bug and
from a chat platform's own network trouble."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.db.faults import is_storage_fault
from bot.db.session import make_engine


@pytest.mark.asyncio(loop_scope="session")
async def test_a_database_that_cannot_be_opened_is_a_storage_fault(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path}")  # a folder, not a file
    with pytest.raises(Exception) as caught:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    await engine.dispose()
    assert is_storage_fault(caught.value)


@pytest.mark.asyncio(loop_scope="session")
async def test_a_postgresql_server_that_refuses_connections_is_a_storage_fault() -> None:
    from bot.localserver import free_port

    engine = make_engine(f"postgresql://postgres@127.0.0.1:{free_port()}/test")
    with pytest.raises(OSError) as caught:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    await engine.dispose()
    assert is_storage_fault(caught.value)


def test_bugs_and_chat_network_errors_are_not_storage_faults() -> None:
    assert not is_storage_fault(RuntimeError("a bug"))
    assert not is_storage_fault(ConnectionError("a chat platform's connection dropped"))
    assert not is_storage_fault(KeyError("flag"))
