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


def test_valid_file_passes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READALOUD_MATRIX_ACCESS_TOKEN", "t")
    store = tmp_path / "crypto"
    path = write(
        tmp_path,
        f'[matrix]\nhomeserver = "https://m.org"\nuser_id = "@b:m.org"\ncrypto_store = "{store}"\n',
    )
    assert main(["check", "--config", str(path)]) == 0
    assert "E2E support installed" in capsys.readouterr().out
    assert store.stat().st_mode & 0o777 == 0o700  # the bot's user alone


def test_check_says_when_the_crypto_store_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READALOUD_MATRIX_ACCESS_TOKEN", "t")
    (tmp_path / "a-file").write_text("x")
    store = tmp_path / "a-file" / "crypto"
    path = write(
        tmp_path,
        f'[matrix]\nhomeserver = "https://m.org"\nuser_id = "@b:m.org"\ncrypto_store = "{store}"\n',
    )
    assert main(["check", "--config", str(path)]) == 2
    assert f"the Matrix crypto store {store} is not writable" in capsys.readouterr().err


def test_the_pickle_key_comes_from_the_environment_or_a_file_only_the_bot_reads(
    tmp_path: Path,
) -> None:
    from bot.platforms.matrix.crypto import pickle_key

    path = write(tmp_path, '[matrix]\nhomeserver = "https://m.org"\npickle_key = "k"\n')
    with pytest.raises(ConfigError) as err:
        load(path, env={"READALOUD_MATRIX_ACCESS_TOKEN": "t"})
    assert "READALOUD_MATRIX_PICKLE_KEY" in err.value.problems[0]
    env = {"READALOUD_MATRIX_ACCESS_TOKEN": "t", "READALOUD_MATRIX_PICKLE_KEY": "mine"}
    assert load(None, env=env).secrets.matrix_pickle_key == "mine"
    assert pickle_key("mine", tmp_path, "@b:m.org") == "mine"
    made = pickle_key("", tmp_path, "@b:m.org")
    assert len(made) >= 40 and pickle_key("", tmp_path, "@b:m.org") == made  # kept
    assert (tmp_path / "@b:m.org.pickle-key").stat().st_mode & 0o777 == 0o600


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


def test_a_discord_only_school_names_its_circles_account_and_check_reports_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (
        f'[bot]\ndata_dir = "{tmp_path / "var"}"\n[matrix]\nenabled = false\n'
        "[discord]\nenabled = true\n"
        '[circles]\nmatrix_homeserver = "https://m.org"\n'
    )
    path = write(tmp_path, text)
    env = {"READALOUD_DISCORD_TOKEN": "d"}
    with pytest.raises(ConfigError) as err:
        load(path, env=env)
    said = "\n".join(err.value.problems)
    assert "circles.matrix_user_id: missing" in said
    assert "READALOUD_CIRCLES_MATRIX_ACCESS_TOKEN" in said
    path = write(tmp_path, text + 'matrix_user_id = "@circles:m.org"\n')
    env["READALOUD_CIRCLES_MATRIX_ACCESS_TOKEN"] = "c"
    assert load(path, env=env).secrets.circles_matrix_access_token == "c"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert main(["check", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "circles-only Matrix account @circles:m.org on https://m.org" in out
    assert f"crypto store {tmp_path / 'var' / 'matrix-circles-crypto'} writable" in out


def test_with_a_matrix_account_the_circles_account_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("READALOUD_MATRIX_ACCESS_TOKEN", "t")
    path = write(
        tmp_path,
        f'[matrix]\nhomeserver = "https://m.org"\nuser_id = "@b:m.org"\n'
        f'crypto_store = "{tmp_path / "crypto"}"\n'
        '[circles]\nmatrix_homeserver = "https://m.org"\nmatrix_user_id = "@c:m.org"\n',
    )  # (no circles secret: that account would not be used anyway)
    assert main(["check", "--config", str(path)]) == 0
    out = capsys.readouterr().out
    assert "over the [matrix] account @b:m.org (the [circles] account @c:m.org is not used)" in out
