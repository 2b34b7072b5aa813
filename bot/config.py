"""Configuration: a TOML file for settings, environment variables for secrets.

Tokens and passwords are never read from the file; a file that contains one
is refused, so it cannot be committed or shared by accident.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.core.errors import ConfigError

SECRET_KEYS = {"access_token", "password", "token", "secret", "pickle_key"}
ENV = {
    "matrix_access_token": "READALOUD_MATRIX_ACCESS_TOKEN",
    "matrix_password": "READALOUD_MATRIX_PASSWORD",
    "matrix_pickle_key": "READALOUD_MATRIX_PICKLE_KEY",
    "discord_token": "READALOUD_DISCORD_TOKEN",
    "circles_matrix_access_token": "READALOUD_CIRCLES_MATRIX_ACCESS_TOKEN",
    "database_url": "DATABASE_URL",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class BotSettings(Strict):
    """Settings for the whole process."""

    database_url: str = "sqlite:///var/readaloud.db"
    data_dir: str = "var"  # files the bot keeps besides the database (Discord retry list)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    late_grace_minutes: int = Field(default=120, ge=0)
    # CPU time one message may take to screen; a message that takes longer is held for
    # the teacher as "could not be checked in time"
    screening_budget_ms: int = Field(default=100, ge=10, le=10_000)

    @field_validator("database_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("sqlite", "postgres")):
            raise ValueError("must be a sqlite:/// or postgresql:// URL")
        return v

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, values: Any) -> Any:
        # bot.default_timezone was never read (each class sets its own): accepted, ignored
        if isinstance(values, dict):
            values = {k: v for k, v in values.items() if k != "default_timezone"}
        return values


class MatrixSettings(Strict):
    """One Matrix bot account. Secrets: READALOUD_MATRIX_ACCESS_TOKEN or _PASSWORD."""

    enabled: bool = True
    homeserver: str = ""
    user_id: str = ""
    device_id: str = "READALOUD"
    command_prefix: str = "!"
    # end-to-end encryption: where the bot's keys are kept (readable by the bot alone)
    crypto_store: str = "var/matrix-crypto"
    # the teacher room and direct rooms the bot opens are encrypted, as Element's are
    encrypt_rooms: bool = True
    # an encrypted message still unreadable this long after it came is removed
    undecryptable_grace_seconds: float = Field(default=15.0, ge=0.5, le=600)

    @field_validator("crypto_store")
    @classmethod
    def _store_somewhere(cls, v: str) -> str:
        """A blank store is the default one, never the directory the bot was started in."""
        return v.strip() or "var/matrix-crypto"

    @field_validator("homeserver")
    @classmethod
    def _hs(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL like https://matrix.example.org")
        return v.rstrip("/")

    @field_validator("user_id")
    @classmethod
    def _uid(cls, v: str) -> str:
        if v and not (v.startswith("@") and ":" in v):
            raise ValueError("must be a full Matrix id like @readaloud:example.org")
        return v


class DiscordSettings(Strict):
    """The Discord bot. Secret: READALOUD_DISCORD_TOKEN."""

    enabled: bool = False
    teacher_role: str = "Teacher"
    application_id: str = ""


class CircleSettings(Strict):
    """Circles with classes of other installations (docs/circles.md, "Between schools").

    They travel over Matrix: the [matrix] account carries them. An installation without
    one (it runs only Discord) gives a Matrix account for circles alone here (secret:
    READALOUD_CIRCLES_MATRIX_ACCESS_TOKEN); bot/platforms/matrix/circles_only.py."""

    matrix_homeserver: str = ""
    matrix_user_id: str = ""
    matrix_device_id: str = "READALOUD-CIRCLES"

    @field_validator("matrix_homeserver")
    @classmethod
    def _hs(cls, v: str) -> str:
        if v and not v.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL like https://matrix.example.org")
        return v.rstrip("/")

    @field_validator("matrix_user_id")
    @classmethod
    def _uid(cls, v: str) -> str:
        if v and not (v.startswith("@") and ":" in v):
            raise ValueError("must be a full Matrix id like @readaloud-circles:example.org")
        return v


class Settings(Strict):
    """The whole configuration file."""

    bot: BotSettings = BotSettings()
    matrix: MatrixSettings = MatrixSettings()
    discord: DiscordSettings = DiscordSettings()
    circles: CircleSettings = CircleSettings()


class Secrets(BaseModel):
    """Secrets read from the environment only."""

    matrix_access_token: str = ""
    matrix_password: str = ""
    matrix_pickle_key: str = ""  # protects the crypto store; derived from the secret if unset
    discord_token: str = ""
    circles_matrix_access_token: str = ""


class Config(BaseModel):
    """Settings plus secrets plus where they came from."""

    settings: Settings
    secrets: Secrets
    path: Path | None = None

    @property
    def embedded(self) -> bool:
        """No homeserver configured: run the local demo homeserver."""
        return not self.settings.matrix.homeserver and not self.settings.discord.enabled


def _secret_problems(data: dict[str, Any], where: str, path: str = "") -> list[str]:
    problems = []
    for key, value in data.items():
        dotted = f"{path}.{key}" if path else key
        if isinstance(value, dict):
            problems += _secret_problems(value, where, dotted)
        elif key in SECRET_KEYS:
            env = ENV.get(dotted.replace(".", "_"), "the environment")
            problems.append(
                f"{where}: {dotted}: secrets must not be in the file; remove it and set {env}"
            )
    return problems


def load(path: Path | None, env: dict[str, str] | None = None) -> Config:
    """Read and validate the configuration; raise ConfigError listing every problem."""
    env = dict(os.environ) if env is None else env
    data: dict[str, Any] = {}
    where = str(path) if path else "(defaults)"
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError([f"{where}: file not found; copy config.example.toml"]) from None
        except tomllib.TOMLDecodeError as e:
            raise ConfigError([f"{where}: not valid TOML: {e}"]) from None
    problems = _secret_problems(data, where)
    if env.get("DATABASE_URL"):
        data.setdefault("bot", {})["database_url"] = env["DATABASE_URL"]
    try:
        settings = Settings.model_validate(data)
    except ValidationError as e:
        for err in e.errors():
            key = ".".join(str(p) for p in err["loc"])
            value = err.get("input")
            shown = "" if isinstance(value, dict) else f" = {value!r}"
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = "unknown key; see config.example.toml for the keys that exist"
            problems.append(f"{where}: {key}{shown}: {msg}")
        raise ConfigError(problems) from None
    secrets = Secrets(
        matrix_access_token=env.get(ENV["matrix_access_token"], ""),
        circles_matrix_access_token=env.get(ENV["circles_matrix_access_token"], ""),
        matrix_password=env.get(ENV["matrix_password"], ""),
        matrix_pickle_key=env.get(ENV["matrix_pickle_key"], ""),
        discord_token=env.get(ENV["discord_token"], ""),
    )
    m = settings.matrix
    if m.enabled and m.homeserver:
        if not m.user_id:
            problems.append(f"{where}: matrix.user_id: missing; expected @readaloud:example.org")
        if not (secrets.matrix_access_token or secrets.matrix_password):
            problems.append(
                f"{where}: matrix: no secret; set {ENV['matrix_access_token']} "
                f"or {ENV['matrix_password']} in the environment"
            )
    c, carried = settings.circles, m.enabled and bool(m.homeserver)
    if c.matrix_homeserver and not carried:  # the circles account is the one used
        if not c.matrix_user_id:
            problems.append(
                f"{where}: circles.matrix_user_id: missing; expected @readaloud-circles:example.org"
            )
        if not secrets.circles_matrix_access_token:
            problems.append(
                f"{where}: circles: set {ENV['circles_matrix_access_token']} in the environment"
            )
    if settings.discord.enabled and not secrets.discord_token:
        problems.append(f"{where}: discord: set {ENV['discord_token']} in the environment")
    if problems:
        raise ConfigError(problems)
    return Config(settings=settings, secrets=secrets, path=path)
