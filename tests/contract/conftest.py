"""The contract suite runs each test once per Chat implementation."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from drivers import ContractChat, MatrixContract, RecordingContract, start_discord
from people import PersonFactory

from bot.localserver import LocalHomeserver

IMPLEMENTATIONS = ["recording", pytest.param("matrix", marks=pytest.mark.synapse), "discord"]


@pytest.fixture(params=IMPLEMENTATIONS)
def contract(request: pytest.FixtureRequest) -> ContractChat:
    """The Chat under test and the class around it, on each implementation."""
    driver: ContractChat = request.getfixturevalue(f"{request.param}_contract")
    return driver


@pytest.fixture
def recording_contract() -> ContractChat:
    return RecordingContract()


@pytest_asyncio.fixture(loop_scope="session")
async def matrix_contract(
    synapse: LocalHomeserver, people: PersonFactory, tmp_path: Path
) -> AsyncIterator[ContractChat]:
    driver = MatrixContract(synapse, tmp_path)
    await driver.start(people)
    try:
        yield driver
    finally:
        await driver.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def discord_contract(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[ContractChat]:
    driver = await start_discord(monkeypatch)
    try:
        yield driver
    finally:
        await driver.stop()
