"""Screening's patterns are built while the bot starts, not on the event loop when the
first student's message comes (building them takes over a second)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.screening import engine
from tests.cogs.bench import CLASS_DAY, Bench
from tests.migrated import sqlite_at_head

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_the_screener_is_built_before_the_first_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_built", None)  # as in a bot process that just began
    bench = Bench(sqlite_at_head(tmp_path / "bot.db"), CLASS_DAY, None)
    await bench.start()
    try:
        assert engine._built is not None, "the first message would wait for the build"
    finally:
        await bench.stop()
