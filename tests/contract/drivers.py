"""One way per Chat implementation to act as the people around the bot and to see what
they see: the recording chat, the Matrix adapter on real Synapse, and the Discord
adapter through discord.py's own parsing and request building (fake Discord world).

A contract test calls the adapter through `chat` and asks the driver what a person
in the class would see; nothing here calls the adapter for the test.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import discord
from fakediscord import World
from harness import install
from nio import (
    JoinedMembersResponse,
    JoinedRoomsResponse,
    MessageDirection,
    ReactionEvent,
    RoomGetEventResponse,
    RoomGetStateEventResponse,
    RoomMessageNotice,
    RoomMessagesResponse,
    RoomMessageText,
    RoomPutStateError,
    RoomSendResponse,
    SyncResponse,
)
from people import FILTER, Person, PersonFactory, unique
from recording_chat import RecordingChat

from bot.config import DiscordSettings, MatrixSettings
from bot.core.commands import Registry
from bot.core.dispatch import Dispatcher
from bot.core.errors import Forbidden, Unavailable
from bot.core.model import ChannelRef, MessageRef, Platform, UserRef
from bot.core.ports import Chat
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.localserver import LocalHomeserver, free_port
from bot.platforms.discord import DiscordChat
from bot.platforms.matrix import MatrixChat

MATRIX_CONTROLS = {"✅": "approve", "❌": "reject"}


class ContractChat(Protocol):
    """A Chat under test, a class around it (teacher, two students, a class channel and a
    teacher-only channel), and the platform-side view of it."""

    chat: Chat
    room: ChannelRef
    teacher_room: ChannelRef
    teacher: UserRef
    student: UserRef
    classmate: UserRef
    locks_threads: bool  # the contract: close_thread locks the thread on this platform

    async def student_says(self, text: str) -> MessageRef:
        """The student posts in the class channel."""
        ...

    async def student_deletes(self, message: MessageRef) -> None:
        """The student removes their own message."""
        ...

    async def texts(self, channel: ChannelRef) -> list[str]:
        """What people in the channel (or exactly that thread) can read, oldest first."""
        ...

    async def inbox(self, user: UserRef) -> list[str]:
        """What the bot wrote where only this person (and the bot) can read it."""
        ...

    async def controls(self, message: MessageRef) -> set[str]:
        """The decision controls a teacher can tap under a message ("approve", ...)."""
        ...

    async def poll(self, message: MessageRef) -> tuple[str, list[str]]:
        """The question and the options a student can vote for."""
        ...

    async def shown_as(self, message: MessageRef) -> str:
        """The message as a reader sees it: the sender's name as shown, and the text."""
        ...

    async def thread_locked(self, thread: ChannelRef) -> bool:
        """Can students no longer reply in the thread?"""
        ...

    async def forbid_removing(self) -> None:
        """The bot loses the right to remove people's messages in the class channel."""
        ...

    async def forbid_posting(self) -> None:
        """The bot loses the right to post in the class channel."""
        ...

    def outage(self) -> contextlib.AbstractAsyncContextManager[None]:
        """While inside: the platform cannot be reached / answers with server errors."""
        ...

    async def synced(self) -> None:
        """The bot has taken in what the platform told it (new channels, members)."""
        ...


# ---- the recording chat ----


class RecordingContract:
    """The in-memory chat, simulating the platform's answers."""

    locks_threads = False  # it closes threads as Matrix does

    def __init__(self) -> None:
        self.teacher = UserRef(Platform.MATRIX, "@rivera:school", "Ms Rivera")
        self.student = UserRef(Platform.MATRIX, "@ana:school", "Ana")
        self.classmate = UserRef(Platform.MATRIX, "@ben:school", "Ben")
        self.recording = RecordingChat([self.teacher])
        self.chat: Chat = self.recording
        self.room = ChannelRef(Platform.MATRIX, "!class7b")
        self.teacher_room = ChannelRef(Platform.MATRIX, "!teachers7b")
        self.recording.problems[self.room.id] = "Students are in that room (Ana, Ben)."

    async def student_says(self, text: str) -> MessageRef:
        return self.recording.person_says(self.room, self.student, text)

    async def student_deletes(self, message: MessageRef) -> None:
        self.recording.gone.add(message.id)

    async def texts(self, channel: ChannelRef) -> list[str]:
        return [p.text for p in self.recording.visible(channel)]

    async def inbox(self, user: UserRef) -> list[str]:
        told = [p for p in self.recording.posts if p.action in ("tell", "dm")]
        return [p.text for p in told if p.to == user.id]

    def _posted(self, message: MessageRef) -> Any:
        return next(p for p in self.recording.posts if p.id == message.id)

    async def controls(self, message: MessageRef) -> set[str]:
        posted = self._posted(message)
        return set(posted.options) if posted.action == "review" else set()

    async def poll(self, message: MessageRef) -> tuple[str, list[str]]:
        posted = self._posted(message)
        return posted.text, list(posted.options)

    async def shown_as(self, message: MessageRef) -> str:
        posted = self._posted(message)
        return f"{posted.name or 'readaloud'}: {posted.text}"

    async def thread_locked(self, thread: ChannelRef) -> bool:
        return False

    async def forbid_removing(self) -> None:
        self.recording.refuse("hide", Forbidden("M_FORBIDDEN: the bot needs power level 50"))

    async def forbid_posting(self) -> None:
        self.recording.refuse("send", Forbidden("M_FORBIDDEN: the bot may not post here"))

    @contextlib.asynccontextmanager
    async def outage(self) -> AsyncIterator[None]:
        self.recording.refuse("*", Unavailable("502 Bad Gateway"))
        try:
            yield
        finally:
            self.recording.refuse("*", None)

    async def synced(self) -> None:
        pass


# ---- Matrix on a real Synapse ----


def _thread_of(ev: Any) -> str | None:
    rel = ev.source.get("content", {}).get("m.relates_to") or {}
    return rel.get("event_id") if rel.get("rel_type") == "m.thread" else None


class MatrixContract:
    """A MatrixChat logged in as a fresh bot account, in a fresh class room."""

    locks_threads = False  # Matrix has no thread locking: the contract says so

    def __init__(self, hs: LocalHomeserver, tmp_path: Path) -> None:
        self.hs = hs
        self.tmp_path = tmp_path
        self.people: dict[str, Person] = {}

    async def start(self, people: PersonFactory) -> None:
        account = await self.hs.register(unique("readaloud"), "password")
        self.bot_id = account.user_id
        self.engine = make_engine(f"sqlite:///{self.tmp_path / 'contract.db'}")
        await upgrade(self.engine)
        registry = Registry([])
        settings = MatrixSettings(
            homeserver=self.hs.base_url, user_id=account.user_id, device_id=account.device_id
        )
        self.matrix = MatrixChat(
            settings,
            access_token=account.access_token,
            sessionmaker=make_sessionmaker(self.engine),
            dispatcher=Dispatcher(registry),
            registry=registry,
            max_wait=1.0,
        )
        self.chat: Chat = self.matrix
        await self.matrix.start()
        teacher, ana, ben = (
            await people("teacher", "Ms Rivera"),
            await people("ana", "Ana"),
            await people("ben", "Ben"),
        )
        self.people = {p.user_id: p for p in (teacher, ana, ben)}
        self.teacher_person, self.ana = teacher, ana
        self.teacher = UserRef(Platform.MATRIX, teacher.user_id, "Ms Rivera")
        self.student = UserRef(Platform.MATRIX, ana.user_id, "Ana")
        self.classmate = UserRef(Platform.MATRIX, ben.user_id, "Ben")
        room = await teacher.create_room(invite=[self.bot_id, ana.user_id, ben.user_id])
        await ana.join(room)
        await ben.join(room)
        await teacher.set_power(room, self.bot_id, 50)  # moderator: may redact
        private = await teacher.create_room(invite=[self.bot_id], name="Teachers")
        self.room = ChannelRef(Platform.MATRIX, room)
        self.teacher_room = ChannelRef(Platform.MATRIX, private)
        for room_id in (room, private):
            await self._bot_joined(room_id)
        await self.matrix.wait_idle()

    async def _bot_joined(self, room_id: str) -> None:
        for _ in range(150):
            resp = await self.teacher_person.client.joined_members(room_id)
            if isinstance(resp, JoinedMembersResponse) and self.bot_id in {
                m.user_id for m in resp.members
            }:
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the bot did not join {room_id}")

    async def stop(self) -> None:
        await self.matrix.stop()
        await self.engine.dispose()

    async def student_says(self, text: str) -> MessageRef:
        return MessageRef(self.room, await self.ana.send(self.room.id, text))

    async def student_deletes(self, message: MessageRef) -> None:
        resp = await self.ana.client.room_redact(message.channel.id, message.id)
        assert not hasattr(resp, "status_code"), resp

    async def _timeline(self, reader: Person, room_id: str) -> list[Any]:
        resp = await reader.client.room_messages(
            room_id, limit=100, direction=MessageDirection.back
        )
        assert isinstance(resp, RoomMessagesResponse), resp
        return list(reversed(resp.chunk))

    async def texts(self, channel: ChannelRef) -> list[str]:
        return [
            ev.body
            for ev in await self._timeline(self.teacher_person, channel.id)
            if isinstance(ev, (RoomMessageText, RoomMessageNotice))
            and _thread_of(ev) == channel.thread  # a redacted message is not either
        ]

    async def inbox(self, user: UserRef) -> list[str]:
        person = self.people[user.id]
        resp = await person.client.sync(timeout=0, sync_filter=FILTER)
        assert isinstance(resp, SyncResponse), resp
        for invited in resp.rooms.invite:  # like tapping "accept" on the bot's invite
            await person.join(invited)
        rooms = await person.client.joined_rooms()
        assert isinstance(rooms, JoinedRoomsResponse), rooms
        said: list[str] = []
        for room_id in rooms.rooms:
            members = await person.client.joined_members(room_id)
            assert isinstance(members, JoinedMembersResponse), members
            if {m.user_id for m in members.members} != {person.user_id, self.bot_id}:
                continue  # not a room only they and the bot are in
            said += [
                ev.body
                for ev in await self._timeline(person, room_id)
                if isinstance(ev, (RoomMessageText, RoomMessageNotice)) and ev.sender == self.bot_id
            ]
        return said

    async def _reactions(self, message: MessageRef) -> list[str]:
        return [
            ev.key
            for ev in await self._timeline(self.teacher_person, message.channel.id)
            if isinstance(ev, ReactionEvent)
            and ev.reacts_to == message.id
            and ev.sender == self.bot_id
        ]

    async def _event(self, message: MessageRef) -> Any:
        resp = await self.teacher_person.client.room_get_event(message.channel.id, message.id)
        assert isinstance(resp, RoomGetEventResponse), resp
        return resp.event

    async def controls(self, message: MessageRef) -> set[str]:
        return {MATRIX_CONTROLS.get(key, key) for key in await self._reactions(message)}

    async def poll(self, message: MessageRef) -> tuple[str, list[str]]:
        """The text's question, and the numbered options the bot put a reaction for."""
        question, *lines = (await self._event(message)).body.splitlines()
        tappable = set(await self._reactions(message))
        options = [text for key, _, text in (ln.partition(" ") for ln in lines) if key in tappable]
        return question, options

    async def shown_as(self, message: MessageRef) -> str:
        ev = await self._event(message)
        return f"{ev.sender}: {ev.body}"

    async def thread_locked(self, thread: ChannelRef) -> bool:
        content = {
            "msgtype": "m.text",
            "body": "one more thought",
            "m.relates_to": {"rel_type": "m.thread", "event_id": thread.thread},
        }
        resp = await self.ana.client.room_send(thread.id, "m.room.message", content)
        return not isinstance(resp, RoomSendResponse)

    async def forbid_removing(self) -> None:
        await self.teacher_person.set_power(self.room.id, self.bot_id, 0)

    async def forbid_posting(self) -> None:
        await self._event_level("m.room.message", 100)  # the bot has 50

    async def _event_level(self, event_type: str, level: int) -> None:
        client = self.teacher_person.client
        current = await client.room_get_state_event(self.room.id, "m.room.power_levels")
        assert isinstance(current, RoomGetStateEventResponse), current
        content = dict(current.content)
        content["events"] = {**content.get("events", {}), event_type: level}
        resp = await client.room_put_state(self.room.id, "m.room.power_levels", content)
        assert not isinstance(resp, RoomPutStateError), resp

    @contextlib.asynccontextmanager
    async def outage(self) -> AsyncIterator[None]:
        """The homeserver cannot be reached (nothing listens at the address any more)."""
        real = self.matrix.client.homeserver
        self.matrix.client.homeserver = f"http://127.0.0.1:{free_port()}"
        try:
            yield
        finally:
            self.matrix.client.homeserver = real

    async def synced(self) -> None:
        await self.matrix.wait_idle()


# ---- Discord through discord.py, Discord's servers faked ----


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
