"""A fresh fake Discord (a guild with a class channel, a teacher and students) per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.discord.guild import Classroom, build_classroom


@pytest_asyncio.fixture(loop_scope="session")
async def classroom(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Classroom]:
    c = build_classroom(monkeypatch, tmp_path)
    await c.discord.start()
    try:
        yield c
    finally:
        await c.discord.stop()
