"""The homeserver goes away or stops trusting the bot: the bot comes back at once, or says
clearly why it cannot (real Synapse)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio

from bot.localserver import LocalHomeserver
from tests.matrix.classroom import Classroom, body, class_fixture, make_classroom
from tests.matrix.people import Person, PersonFactory, unique

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]
ROOT = Path(__file__).resolve().parents[2]


@pytest_asyncio.fixture(loop_scope="session")
async def own_synapse(tmp_path: Path) -> AsyncIterator[LocalHomeserver]:
    """A homeserver of this test's own, so it can be stopped and started again."""
    hs = LocalHomeserver(tmp_path / "hs", venv=ROOT / "var" / "synapse-venv")
    async with hs:
        yield hs


async def _logout(hs: LocalHomeserver, token: str) -> None:
    """Revoke an access token, as an admin or the user signing out everywhere would."""
    async with aiohttp.ClientSession() as http:
        headers = {"Authorization": f"Bearer {token}"}
        async with http.post(f"{hs.base_url}/_matrix/client/v3/logout", headers=headers) as r:
            assert r.status == 200, await r.text()


async def test_after_a_homeserver_restart_the_bot_answers_within_seconds(
    own_synapse: LocalHomeserver, tmp_path: Path
) -> None:
    made: list[Person] = []

    async def people(name: str, display_name: str | None = None) -> Person:
        person = await Person.register(own_synapse, unique(name), display_name or name.title())
        made.append(person)
        return person

    cls = await make_classroom(own_synapse, people, tmp_path, students=1)
    try:
        await own_synapse.stop()
        # A doubling backoff from 0.5 s would try 0.5, 1.5, 3.5, 7.5 and then 15.5 s into
        # the outage. Down 8 s and starting again in 1-3 s, the homeserver answers 9-11 s
        # in: such a backoff would still wait 4.5-6.5 s, more than the 4 s allowed below.
        await asyncio.sleep(8)
        await own_synapse.start()
        back = time.monotonic()
        await cls.idle()  # the bot has synced again: it sees what is posted from now on
        took = time.monotonic() - back
        assert took < 4, f"the bot synced again {took:.1f} s after the homeserver was back"
        answer = await cls.teacher_types("!readaloud schedule", expect="No sessions planned")
        assert "plan" in body(answer)
    finally:
        for app in list(cls.started):
            await app.stop()
        for person in made:
            await person.close()


room12 = class_fixture(students=1)


async def test_a_revoked_token_without_a_password_stops_the_bot_with_one_clear_error(
    room12: Classroom, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "bot.platforms.matrix")
    app = room12.app
    assert app is not None
    await _logout(room12.hs, room12.bot_account.access_token)
    await room12.teacher.send(room12.room, "!help")  # wakes the bot's long poll

    await asyncio.wait_for(app.failed.wait(), 20)

    assert app.failure is not None and "access token" in app.failure
    assert "READALOUD_MATRIX_ACCESS_TOKEN" in app.failure
    await asyncio.sleep(1.5)  # nothing keeps retrying in the background
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [r.getMessage() for r in errors]


async def test_a_revoked_token_with_a_password_logs_in_again_on_the_same_device(
    synapse: LocalHomeserver, people: PersonFactory, tmp_path: Path
) -> None:
    cls = await make_classroom(synapse, people, tmp_path, students=1)
    try:
        await cls.stop_bot()
        cls.bot_password = "password"
        await cls.start_bot()
        device = cls.chat.client.device_id
        await _logout(cls.hs, cls.bot_account.access_token)
        await cls.teacher.send(cls.room, "!help")  # the poll that ends with the old token

        answer = await cls.teacher_types("!readaloud schedule", expect="")
        assert answer.sender == cls.bot

        # the bot logs in again once a request of its own is refused; an answer can still
        # go out just before that (seen in full runs), so wait for the new login, then ask
        # again: it answers with the new token, on the same device
        async with asyncio.timeout(30):
            while cls.chat.client.access_token == cls.bot_account.access_token:
                await asyncio.sleep(0.1)
        again = await cls.teacher_types("!readaloud schedule", expect="")
        assert again.sender == cls.bot
        assert cls.chat.client.device_id == device
        assert cls.app is not None and not cls.app.failed.is_set()
    finally:
        for app in list(cls.started):
            await app.stop()
