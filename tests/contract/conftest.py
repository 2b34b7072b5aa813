"""The contract suite runs each test once per Chat implementation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from bot.localserver import LocalHomeserver
from tests.contract.discord_contract import start_discord
from tests.contract.drivers import ContractChat, RecordingContract
from tests.contract.matrix_contract import MatrixContract, MatrixSchool

IMPLEMENTATIONS = ["recording", pytest.param("matrix", marks=pytest.mark.synapse), "discord"]


@pytest.fixture(params=IMPLEMENTATIONS)
def contract(request: pytest.FixtureRequest) -> ContractChat:
    """The Chat under test and the class around it, on each implementation."""
    driver: ContractChat = request.getfixturevalue(f"{request.param}_contract")
    return driver


@pytest.fixture
def recording_contract() -> ContractChat:
    return RecordingContract()


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def matrix_school(
    synapse: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[MatrixSchool]:
    """One bot and three people for a module's Matrix runs (accounts are the slow part)."""
    school = MatrixSchool(synapse, tmp_path_factory.mktemp("contract"))
    await school.start()
    try:
        yield school
    finally:
        await school.stop()


@pytest_asyncio.fixture(loop_scope="session")
async def matrix_contract(matrix_school: MatrixSchool) -> ContractChat:
    """A fresh class room and teacher room for each test."""
    driver = MatrixContract(matrix_school)
    await driver.new_class()
    return driver


@pytest_asyncio.fixture(loop_scope="session")
async def discord_contract(
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[ContractChat]:
    driver = await start_discord(monkeypatch)
    try:
        yield driver
    finally:
        await driver.stop()
