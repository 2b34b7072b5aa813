"""`readaloud check` names the file, key, bad value and what is expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load
from bot.core.errors import ConfigError
from bot.db.session import head_revision


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_no_file_means_the_embedded_demo() -> None:
    assert load(None, env={}).embedded


def test_every_problem_is_named_with_file_key_and_value(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[bot]\ndatabase_url = "mysql://db"\n'
        '[matrix]\nhomeserver = "ftp://x"\nuser_id = "readaloud"\ncolour = "red"\n',
    )
    with pytest.raises(ConfigError) as err:
        load(path, env={})
    text = "\n".join(err.value.problems)
    assert f"{path}: bot.database_url = 'mysql://db': must be a sqlite:/// or postgresql://" in text
    assert "matrix.homeserver = 'ftp://x': must be an http(s) URL" in text
    assert "matrix.user_id = 'readaloud': must be a full Matrix id" in text
    assert "matrix.colour" in text and "unknown key" in text


def test_secrets_in_the_file_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, '[matrix]\nhomeserver = "https://m.org"\naccess_token = "syt_x"\n')
    with pytest.raises(ConfigError) as err:
        load(path, env={"READALOUD_MATRIX_ACCESS_TOKEN": "t"})
    assert "READALOUD_MATRIX_ACCESS_TOKEN" in err.value.problems[0]


def test_missing_secret_is_reported_and_check_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path, '[matrix]\nhomeserver = "https://m.org"\nuser_id = "@b:m.org"\n')
    assert main(["check", "--config", str(path)]) == 2
    assert "READALOUD_MATRIX_ACCESS_TOKEN" in capsys.readouterr().err
    assert main(["run", "--config", str(path)]) == 2  # run refuses with the same message


def test_valid_file_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("READALOUD_MATRIX_ACCESS_TOKEN", "t")
    path = write(tmp_path, '[matrix]\nhomeserver = "https://m.org"\nuser_id = "@b:m.org"\n')
    assert main(["check", "--config", str(path)]) == 0


def test_db_upgrade_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["db", "upgrade"]) == 0
    assert f"revision {head_revision()}" in capsys.readouterr().out


def test_discord_invite_url_names_exactly_the_needed_scopes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["discord", "invite-url", "--application-id", "123456789012345678"]) == 0
    url = capsys.readouterr().out.strip()
    assert "client_id=123456789012345678" in url and "scope=bot+applications.commands" in url
    assert main(["discord", "invite-url", "--application-id", "my-bot"]) == 2


def test_check_warns_when_the_obscenity_list_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check"]) == 0
    assert "obscenity word list" not in capsys.readouterr().err, "make install fetched it"
    monkeypatch.setenv("READALOUD_LEXICON_DIR", str(tmp_path))
    assert main(["check"]) == 0
    assert "Run `make install`" in capsys.readouterr().err


def test_a_config_from_before_still_loads_with_its_retired_default_timezone(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, '[bot]\ndefault_timezone = "UTC"\nlog_level = "DEBUG"\n')
    assert load(path, env={}).settings.bot.log_level == "DEBUG"
