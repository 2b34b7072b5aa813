"""Which platform accounts the configuration turns on, and which one carries circles."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.app import App
from bot.config import (
    BotSettings,
    CircleSettings,
    Config,
    DiscordSettings,
    MatrixSettings,
    Secrets,
    Settings,
)
from bot.platforms import configured
from bot.platforms.matrix import MatrixChat

pytestmark = pytest.mark.asyncio(loop_scope="session")
CIRCLES = CircleSettings(matrix_homeserver="https://m.org", matrix_user_id="@circles:m.org")


def config(tmp_path: Path, matrix: bool) -> Config:
    settings = Settings(
        bot=BotSettings(database_url=f"sqlite:///{tmp_path / 'bot.db'}", data_dir=str(tmp_path)),
        matrix=MatrixSettings(enabled=matrix, homeserver="https://m.org", user_id="@b:m.org"),
        discord=DiscordSettings(enabled=True),
        circles=CIRCLES,
    )
    secrets = Secrets(matrix_access_token="m", discord_token="d", circles_matrix_access_token="c")
    return Config(settings=settings, secrets=secrets)


async def test_a_discord_only_school_gets_a_circles_only_account_outside_the_class_chats(
    tmp_path: Path,
) -> None:
    app = App(config(tmp_path, matrix=False))
    try:
        found = configured(app)
        assert [chat.platform.value for chat in found.chats] == ["discord"]
        [account] = found.circle_accounts
        assert isinstance(account, MatrixChat) and account.circles_only
        assert account.settings.user_id == "@circles:m.org"
        assert account.settings.crypto_store == str(tmp_path / "matrix-circles-crypto")
        assert app.services.circles_remote.remote.wire is account.circle_room
    finally:
        await app.engine.dispose()


async def test_with_a_matrix_account_that_one_carries_circles_and_the_log_says_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = App(config(tmp_path, matrix=True))
    try:
        with caplog.at_level(logging.INFO, logger="bot.platforms"):
            found = configured(app)
        assert not found.circle_accounts
        [matrix] = [chat for chat in found.chats if isinstance(chat, MatrixChat)]
        assert not matrix.circles_only
        assert app.services.circles_remote.remote.wire is matrix.circle_room
        assert "the [circles] Matrix account @circles:m.org is not used" in caplog.text
    finally:
        await app.engine.dispose()
