"""Every classroom story runs on both platforms: Matrix (real Synapse) and Discord."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from bot.core.clock import FakeClock
from tests.scenarios.discord_driver import DiscordDriver
from tests.scenarios.matrix_driver import MatrixDriver


@pytest.fixture(params=["matrix", "matrix-e2e", "discord"])
def platform(request: pytest.FixtureRequest) -> tuple[str, Any, Any]:
    """Which platform the story runs on, with the Synapse pieces Matrix needs: matrix-e2e
    is Matrix with an encrypted class room and teacher room, everyone E2E-enabled."""
    if request.param == "matrix":
        return "matrix", request.getfixturevalue("synapse"), request.getfixturevalue("people")
    if request.param == "matrix-e2e":
        people = request.getfixturevalue("e2e_people")
        return "matrix-e2e", request.getfixturevalue("synapse"), people
    return "discord", None, None


@pytest_asyncio.fixture(loop_scope="session")
async def story(
    platform: tuple[str, Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Any]:
    """A class with a teacher and two new students (Aroha, Ben), set up on one platform."""
    name, synapse, people = platform
    if name.startswith("matrix"):
        driver: Any = MatrixDriver(synapse, people, tmp_path, encrypted=name == "matrix-e2e")
    else:
        driver = DiscordDriver(monkeypatch, tmp_path, FakeClock(datetime.now(UTC)))
    await driver.setup_class()
    try:
        yield driver
    finally:
        await driver.close()
