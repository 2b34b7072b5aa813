"""`make run`'s demo class on a real homeserver: a newcomer logging in finds both rooms
joined, and the banner says what each room is and what to try first."""

from __future__ import annotations

import pytest
from nio import AsyncClient, JoinedRoomsResponse, SyncResponse

from bot import demo
from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.localserver import LocalHomeserver
from tests.matrix.people import unique

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


async def test_the_demo_teacher_has_joined_both_rooms_and_the_banner_lists_them(
    synapse: LocalHomeserver, tmp_path: object
) -> None:
    names = ("readaloud", "teacher", *demo.STUDENTS)
    accounts = {n: await synapse.register(unique(n), "password") for n in names}
    passwords = dict.fromkeys(names, "password")
    bot = accounts["readaloud"]
    settings = Settings(
        bot=BotSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/demo.db"),
        matrix=MatrixSettings(
            homeserver=synapse.base_url,
            user_id=bot.user_id,
            device_id=bot.device_id,
            crypto_store=f"{tmp_path}/crypto",
        ),
    )
    app = App(Config(settings=settings, secrets=Secrets(matrix_access_token=bot.access_token)))
    await app.start()
    try:
        students = [accounts[s] for s in demo.STUDENTS]
        rooms = await demo.set_up_class(app, synapse, bot, accounts["teacher"], students)
        assert rooms.teacher_room, "the bot made the teacher room"

        assert await demo.accept_invites(synapse, [accounts["teacher"], *students]) >= 1

        teacher = AsyncClient(synapse.base_url, accounts["teacher"].user_id)
        teacher.restore_login(
            accounts["teacher"].user_id,
            accounts["teacher"].device_id,
            accounts["teacher"].access_token,
        )
        try:
            joined = await teacher.joined_rooms()
            assert isinstance(joined, JoinedRoomsResponse), joined
            assert {rooms.class_room, rooms.teacher_room} <= set(joined.rooms)
            seen = await teacher.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 1}}})
            assert isinstance(seen, SyncResponse)
            assert not seen.rooms.invite, "nothing left to accept"
        finally:
            await teacher.close()

        shown = demo.banner(
            synapse,
            passwords,
            accounts,
            rooms,
            await demo.room_names(synapse, accounts["teacher"], rooms),
        )
    finally:
        await app.stop()
    assert "'Room 12 read-aloud'" in shown and "'Room 12 — teachers'" in shown
    assert rooms.class_room in shown and rooms.teacher_room in shown
    assert shown.count("Try first:") == 2 and "nothing to accept" in shown
    assert accounts["aroha"].user_id in shown and "!help" in shown
