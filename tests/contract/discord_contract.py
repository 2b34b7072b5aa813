"""The contract driver for the Discord adapter: discord.py's own parsing and request
building, against a fake guild (tests/discord/fakediscord.py) with a class channel and a
teacher-only channel."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any

import discord

from bot.config import DiscordSettings
from bot.core.commands import Registry
from bot.core.dispatch import Dispatcher
from bot.core.model import ChannelRef, MessageRef, Platform, UserRef
from bot.core.ports import Chat
from bot.platforms.discord import DiscordChat
from tests.discord.fakediscord import World
from tests.discord.harness import install


class DiscordContract:
    """A DiscordChat connected to a fake guild with a class channel and a teacher channel."""

    locks_threads = True

    def __init__(self, world: World) -> None:
        self.world = w = world
        w.member(w.bot, w.role("readaloud", discord.Permissions(administrator=True)))
        staff = w.role("Staff", discord.Permissions(manage_channels=True))
        teacher, ana, ben = w.user("Ms Rivera"), w.user("Ana"), w.user("Ben")
        w.member(teacher, staff)
        w.member(ana)
        w.member(ben)
        self.teacher = UserRef(Platform.DISCORD, teacher["id"], "Ms Rivera")
        self.student = UserRef(Platform.DISCORD, ana["id"], "Ana")
        self.classmate = UserRef(Platform.DISCORD, ben["id"], "Ben")
        self.ana = ana
        view = str(discord.Permissions(view_channel=True).value)
        hidden = [
            {"id": w.guild_id, "type": 0, "allow": "0", "deny": view},
            {"id": teacher["id"], "type": 1, "allow": view, "deny": "0"},
        ]
        room = w.text_channel("class-7b")
        private = w.text_channel("teachers", permission_overwrites=hidden)
        self.room = ChannelRef(Platform.DISCORD, room["id"])
        self.teacher_room = ChannelRef(Platform.DISCORD, private["id"])

    async def start(self) -> None:
        registry = Registry([])
        settings = DiscordSettings(enabled=True, teacher_role="Teacher")
        self.discord = DiscordChat(settings, "test-token", Dispatcher(registry), registry)
        self.chat: Chat = self.discord
        await self.discord.start()
        for _ in range(500):  # login runs in the gateway task; READY follows
            if self.discord.client.is_ready():
                return
            await asyncio.sleep(0.01)
        raise AssertionError("the fake gateway never became ready")

    async def stop(self) -> None:
        await self.discord.stop()

    async def student_says(self, text: str) -> MessageRef:
        return MessageRef(self.room, self.world.message(self.room.id, self.ana, text)["id"])

    async def student_deletes(self, message: MessageRef) -> None:
        del self.world.messages[message.id]

    def _in(self, channel_id: str) -> list[dict[str, Any]]:
        found = [m for m in self.world.messages.values() if m["channel_id"] == channel_id]
        return sorted(found, key=lambda m: int(m["id"]))

    @staticmethod
    def _text(m: dict[str, Any]) -> str:
        parts = [m.get("content") or ""]
        parts += [e.get(k, "") for e in m.get("embeds", []) for k in ("title", "description")]
        if m.get("poll"):
            parts.append(m["poll"]["question"]["text"])
        return "\n".join(p for p in parts if p)

    async def texts(self, channel: ChannelRef) -> list[str]:
        return [self._text(m) for m in self._in(channel.thread or channel.id)]

    async def inbox(self, user: UserRef) -> list[str]:
        dms = [cid for cid, uid in self.world.dms.items() if uid == user.id]
        return [self._text(m) for cid in dms for m in self._in(cid)]

    async def controls(self, message: MessageRef) -> set[str]:
        found = self.world.messages[message.id]
        ids = [b["custom_id"] for row in found["components"] for b in row["components"]]
        return {custom_id.split(":")[2] for custom_id in ids}  # readaloud:flag:<action>:<id>

    async def poll(self, message: MessageRef) -> tuple[str, list[str]]:
        poll = self.world.messages[message.id]["poll"]
        return poll["question"]["text"], [a["poll_media"]["text"] for a in poll["answers"]]

    async def shown_as(self, message: MessageRef) -> str:
        found = self.world.messages[message.id]
        return f"{found['author']['username']}: {found['content']}"

    async def thread_locked(self, thread: ChannelRef) -> bool:
        meta = self.world.channels[str(thread.thread)]["thread_metadata"]
        return bool(meta["archived"] and meta["locked"])

    async def forbid_removing(self) -> None:
        self.world.forbidden.add(("DELETE", rf"/channels/{self.room.id}/messages/\d+"))

    async def forbid_posting(self) -> None:
        self.world.forbidden.add(("POST", rf"/channels/{self.room.id}/messages"))

    @contextlib.asynccontextmanager
    async def outage(self) -> AsyncIterator[None]:
        """Every request is answered 500 (discord.py's own retries are past)."""
        self.world.failing[("*", ".*")] = 500
        try:
            yield
        finally:
            del self.world.failing[("*", ".*")]

    async def synced(self) -> None:
        state = self.discord.client._connection
        while self.world.gateway:  # what Discord pushes after the bot's requests
            event, payload = self.world.gateway.pop(0)
            getattr(state, f"parse_{event}")(payload)


async def start_discord(monkeypatch: Any) -> DiscordContract:
    """A fresh fake Discord world with the bot connected."""
    world = World()
    install(monkeypatch, world)
    driver = DiscordContract(world)
    await driver.start()
    return driver
