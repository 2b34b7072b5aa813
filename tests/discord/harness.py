"""Builds the real bot (real App, real discord.py client) with Discord's servers faked.

Incoming: gateway payload dicts fed to the client's connection state
(`parse_ready`, `parse_guild_create`, `parse_message_create`,
`parse_interaction_create`, …), so discord.py builds the real objects and runs
the real listeners, app commands and buttons. Outgoing: every request
discord.py builds is answered and recorded by `fakediscord.World`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from discord.http import HTTPClient, Route
from discord.webhook.async_ import AsyncWebhookAdapter

from bot.app import App
from bot.config import BotSettings, Config, DiscordSettings, MatrixSettings, Secrets, Settings
from bot.core.clock import FakeClock
from bot.core.model import Platform
from bot.platforms.discord import DiscordChat
from bot.platforms.discord.client import ReadAloudClient
from tests.discord.fakediscord import World
from tests.migrated import sqlite_at_head

TEACHER_ROLE = "Teacher"
LONG_LIVED = ("discord-gateway", "discord-retries", "db-relay")  # run as long as the bot does


def _where(task: asyncio.Task[Any]) -> str:
    """A task's name and the line it waits at, for a test that will not go quiet."""
    frames = task.get_stack(limit=20)
    at = " > ".join(f"{f.f_code.co_name}:{f.f_lineno}" for f in frames) or "?"
    return f"{task.get_name()} {task.get_coro()!r} at {at}"


def path_of(route: Route) -> str:
    return route.url.removeprefix(Route.BASE)


def multipart(form: Iterable[dict[str, Any]] | None) -> tuple[Any, list[tuple[str, bytes]]]:
    """The JSON part and the files of a multipart body, as discord.py lays it out
    (`payload_json`, then `files[i]` fields holding the file streams)."""
    body, files = None, []
    for part in form or []:
        if part["name"] == "payload_json":
            body = json.loads(part["value"])
        elif part["name"].startswith("files["):
            files.append((part["filename"], part["value"].read()))
    return body, files


def install(monkeypatch: pytest.MonkeyPatch, world: World) -> None:
    """Answer discord.py's HTTP and webhook requests and CDN downloads from `world`;
    fake the gateway socket."""

    async def request(http: HTTPClient, route: Route, **kw: Any) -> Any:
        body, files = multipart(kw.get("form")) if kw.get("form") else (kw.get("json"), [])
        return world.answer(route.method, path_of(route), body, kw.get("params"), files)

    async def webhook_request(adapter: Any, route: Route, session: Any, **kw: Any) -> Any:
        parts = kw.get("multipart")
        body, files = multipart(parts) if parts else (kw.get("payload"), [])
        return world.answer(route.method, path_of(route), body, kw.get("params"), files)

    async def get_from_cdn(http: HTTPClient, url: str) -> bytes:
        return world.download(url)

    async def connect(client: ReadAloudClient, *, reconnect: bool = True) -> None:
        client._connection.guild_ready_timeout = 0.01  # no more GUILD_CREATEs will come
        client._connection.parse_ready(ready(world))
        client._connection.parse_guild_create(guild_create(world))
        await asyncio.Future()  # the socket stays open until the client is closed

    monkeypatch.setattr(HTTPClient, "request", request)
    monkeypatch.setattr(AsyncWebhookAdapter, "request", webhook_request)
    monkeypatch.setattr(HTTPClient, "get_from_cdn", get_from_cdn)
    monkeypatch.setattr(ReadAloudClient, "connect", connect)


# ---- gateway payloads ----


def ready(w: World) -> dict[str, Any]:
    return {"v": 10, "user": w.bot, "guilds": [{"id": w.guild_id, "unavailable": True}],
            "session_id": "s", "resume_gateway_url": "wss://gateway.invalid", "shard": [0, 1],
            "application": {"id": w.app_id, "flags": 0}, "private_channels": []}  # fmt: skip


def guild_create(w: World) -> dict[str, Any]:
    channels = [c for c in w.channels.values() if c["type"] != 11]
    threads = [c for c in w.channels.values() if c["type"] == 11]
    return {"id": w.guild_id, "name": "Room 7", "owner_id": w.bot["id"], "icon": None,
            "roles": list(w.roles.values()), "channels": channels, "threads": threads,
            "members": list(w.members.values()), "member_count": len(w.members),
            "large": False, "unavailable": False, "features": [], "emojis": [], "stickers": [],
            "voice_states": [], "presences": [], "stage_instances": [],
            "guild_scheduled_events": [], "soundboard_sounds": [], "preferred_locale": "en-US",
            "premium_tier": 0, "system_channel_flags": 0, "verification_level": 1,
            "default_message_notifications": 1, "explicit_content_filter": 2, "mfa_level": 0,
            "nsfw_level": 0, "afk_timeout": 300,
            "joined_at": "2027-01-01T00:00:00+00:00"}  # fmt: skip


def message_create(
    w: World, user: dict[str, Any], channel: dict[str, Any], text: str, **extra: Any
) -> dict[str, Any]:
    """A person's message; `extra` adds fields such as `attachments` or `sticker_items`."""
    msg = w.message(channel["id"], user, text, **extra)
    return {**msg, "guild_id": w.guild_id, "member": _member(w, user, with_user=False)}


def _member(w: World, user: dict[str, Any], with_user: bool = True) -> dict[str, Any]:
    m = dict(w.members[user["id"]])
    if not with_user:
        m.pop("user")
    return m


def interaction(
    w: World,
    user: dict[str, Any],
    channel: dict[str, Any],
    kind: int,
    data: dict[str, Any],
    **extra: Any,
) -> dict[str, Any]:
    member = {**_member(w, user), "permissions": str(w.permissions(user["id"]).value)}
    return {"id": w.new_id(), "application_id": w.app_id, "type": kind, "data": data,
            "guild_id": w.guild_id, "channel_id": channel["id"], "channel": channel,
            "member": member, "token": f"itoken{w.new_id()}", "version": 1,
            "app_permissions": "2251799813685247", "locale": "en-US", "guild_locale": "en-US",
            "entitlements": [], "authorizing_integration_owners": {"0": w.guild_id},
            "context": 0, "attachment_size_limit": 10_485_760, **extra}  # fmt: skip


def options(values: dict[str, Any], w: World) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Option payloads by Python type: int → INTEGER, str → STRING, a user dict → USER,
    a channel dict → CHANNEL."""
    out, resolved = [], {"users": {}, "members": {}, "channels": {}}
    for name, value in values.items():
        if isinstance(value, dict) and "guild_id" in value and "type" in value:
            out.append({"name": name, "type": 7, "value": value["id"]})
            resolved["channels"][value["id"]] = {**value, "permissions": "0"}
        elif isinstance(value, dict):
            out.append({"name": name, "type": 6, "value": value["id"]})
            resolved["users"][value["id"]] = value
            resolved["members"][value["id"]] = {**_member(w, value, with_user=False),
                                                "permissions": "0"}  # fmt: skip
        else:
            out.append({"name": name, "type": 4 if isinstance(value, int) else 3, "value": value})
    return out, resolved


class Discord:
    """One test's Discord: the world, the running App, and ways to act in it."""

    def __init__(self, world: World, db: Path, clock: FakeClock, db_url: str = "") -> None:
        self.world = world
        self.db_url = db_url or sqlite_at_head(db)
        world.now = clock.now  # new ids say when, by the test's clock, as Discord's do
        self.db = db
        self.clock = clock
        self.app: App | None = None
        self.tokens: dict[str, str] = {}  # interaction id → token (follow-ups use the token)
        # what ran before this test's bot (the tests share one event loop): never waited for
        self.outside: set[asyncio.Task[Any]] = set()

    def config(self) -> Config:
        settings = Settings(
            bot=BotSettings(database_url=self.db_url, data_dir=str(self.db.parent)),
            matrix=MatrixSettings(enabled=False),
            discord=DiscordSettings(enabled=True, teacher_role=TEACHER_ROLE),
        )
        return Config(settings=settings, secrets=Secrets(discord_token="test-token"))

    async def start(self) -> App:
        """A fresh App (a restart, if one ran before) connected to the world."""
        before = asyncio.all_tasks()
        if self.app is None and not self.outside:
            self.outside = before
        self.app = App(self.config(), self.clock)
        await self.app.start()
        await self.chat.wait_ready()
        await self.settle(before)
        return self.app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.stop()
            self.app = None

    @property
    def chat(self) -> DiscordChat:
        assert self.app is not None
        return self.app.chats[Platform.DISCORD]  # type: ignore[return-value]

    @property
    def state(self) -> Any:
        return self.chat.client._connection

    async def settle(self, before: set[asyncio.Task[Any]] | None = None) -> None:
        """Wait until every task started since `before` (default: since this test's bot
        first started), and the tasks they start, is done."""
        before = (before or set()) | self.outside
        me = asyncio.current_task()
        for _ in range(100):
            await asyncio.sleep(0)
            while self.world.gateway:  # what Discord would push after the bot's requests
                event, payload = self.world.gateway.pop(0)
                getattr(self.state, f"parse_{event}")(payload)
            busy = [
                t for t in asyncio.all_tasks() - before
                if t is not me and not t.done() and t.get_name() not in LONG_LIVED
            ]  # fmt: skip
            if not busy:
                return
            await asyncio.wait(busy, timeout=5)
        raise AssertionError(f"the bot did not go quiet: {[_where(t) for t in busy]}")

    async def feed(self, event: str, payload: dict[str, Any]) -> None:
        """Deliver one gateway event (e.g. "message_create") and wait for its effects."""
        before = asyncio.all_tasks()
        getattr(self.state, f"parse_{event}")(payload)
        await self.settle(before)

    # ---- people act ----

    async def say(
        self, user: dict[str, Any], channel: dict[str, Any], text: str, **extra: Any
    ) -> str:
        payload = message_create(self.world, user, channel, text, **extra)
        await self.feed("message_create", payload)
        return payload["id"]

    async def slash(
        self, user: dict[str, Any], channel: dict[str, Any], command: str, **values: Any
    ):
        """Run `/word sub` with option values; returns the interaction's id."""
        words = command.split()
        opts, resolved = options(values, self.world)
        data: dict[str, Any] = {"id": self.world.new_id(), "name": words[0], "type": 1,
                                "options": opts, "resolved": resolved}  # fmt: skip
        if len(words) == 2:
            data["options"] = [{"name": words[1], "type": 1, "options": opts}]
        return await self._interact(user, channel, 2, data)

    async def click(self, user: dict[str, Any], message_id: str, custom_id: str) -> str:
        message = self.world.messages[message_id]
        channel = self.world.channels[message["channel_id"]]
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._interact(user, channel, 3, data, message=message)

    async def submit(self, user: dict[str, Any], channel: dict[str, Any], custom_id: str,
                     fields: dict[str, str]) -> str:  # fmt: skip
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in fields.items()]  # fmt: skip
        return await self._interact(user, channel, 5, {"custom_id": custom_id, "components": rows})

    async def _interact(self, user, channel, kind, data, **extra) -> str:  # type: ignore[no-untyped-def]
        payload = interaction(self.world, user, channel, kind, data, **extra)
        self.tokens[payload["id"]] = payload["token"]
        await self.feed("interaction_create", payload)
        return payload["id"]

    def answers(self, interaction_id: str) -> list[dict[str, Any]]:
        """What the person who interacted was shown: callback + follow-up bodies."""
        return [r.json for r in self.requests_for(interaction_id)]

    def requests_for(self, interaction_id: str) -> list[Any]:
        """The callback and every follow-up / edit / delete of one interaction."""
        token = self.tokens[interaction_id]
        return [
            r for r in self.world.requests
            if f"/interactions/{interaction_id}/" in r.path or f"/{token}" in r.path
        ]  # fmt: skip
