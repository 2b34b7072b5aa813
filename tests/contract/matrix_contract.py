"""The contract driver for the Matrix adapter: a fresh bot account and class on a real Synapse."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

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

from bot.config import MatrixSettings
from bot.core.commands import Registry
from bot.core.dispatch import Dispatcher
from bot.core.model import ChannelRef, MessageRef, Platform, UserRef
from bot.core.ports import Chat
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.localserver import LocalHomeserver, free_port
from bot.platforms.matrix import MatrixChat
from tests.matrix.people import FILTER, Person, unique
from tests.migrated import sqlite_at_head

MATRIX_CONTROLS = {"✅": "approve", "❌": "reject"}


def _thread_of(ev: Any) -> str | None:
    rel = ev.source.get("content", {}).get("m.relates_to") or {}
    return rel.get("event_id") if rel.get("rel_type") == "m.thread" else None


class MatrixSchool:
    """What the Matrix tests of one module share: a started bot and three people."""

    def __init__(self, hs: LocalHomeserver, tmp_path: Path) -> None:
        self.hs = hs
        self.tmp_path = tmp_path

    async def start(self) -> None:
        account = await self.hs.register(unique("readaloud"), "password")
        self.bot_id = account.user_id
        self.engine = make_engine(sqlite_at_head(self.tmp_path / "contract.db"))
        await upgrade(self.engine)
        registry = Registry([])
        settings = MatrixSettings(
            homeserver=self.hs.base_url,
            user_id=account.user_id,
            device_id=account.device_id,
            encrypt_rooms=False,  # the people here read plain rooms only
        )
        self.matrix = MatrixChat(
            settings,
            access_token=account.access_token,
            store_path=self.tmp_path / "crypto",
            sessionmaker=make_sessionmaker(self.engine),
            dispatcher=Dispatcher(registry),
            registry=registry,
            max_wait=1.0,
        )
        await self.matrix.start()
        self.teacher, self.ana, self.ben = await asyncio.gather(
            Person.register(self.hs, unique("teacher"), "Ms Rivera"),
            Person.register(self.hs, unique("ana"), "Ana"),
            Person.register(self.hs, unique("ben"), "Ben"),
        )

    async def stop(self) -> None:
        await self.matrix.stop()
        await self.engine.dispose()
        for person in (self.teacher, self.ana, self.ben):
            await person.close()


class MatrixContract:
    """The school's bot and people in a fresh class room and teacher room."""

    locks_threads = False  # Matrix has no thread locking: the contract says so

    def __init__(self, school: MatrixSchool) -> None:
        self.matrix = school.matrix
        self.chat: Chat = school.matrix
        self.bot_id = school.bot_id
        teacher, ana, ben = school.teacher, school.ana, school.ben
        self.people = {p.user_id: p for p in (teacher, ana, ben)}
        self.teacher_person, self.ana = teacher, ana
        self.teacher = UserRef(Platform.MATRIX, teacher.user_id, "Ms Rivera")
        self.student = UserRef(Platform.MATRIX, ana.user_id, "Ana")
        self.classmate = UserRef(Platform.MATRIX, ben.user_id, "Ben")

    async def new_class(self) -> None:
        teacher, ana = self.teacher_person, self.ana
        room = await teacher.create_room(invite=[self.bot_id, ana.user_id, self.classmate.id])
        await ana.join(room)
        await self.people[self.classmate.id].join(room)
        await teacher.set_power(room, self.bot_id, 50)  # moderator: may redact
        private = await teacher.create_room(invite=[self.bot_id], name="Teachers")
        self.room = ChannelRef(Platform.MATRIX, room)
        self.teacher_room = ChannelRef(Platform.MATRIX, private)
        await asyncio.gather(self._bot_joined(room), self._bot_joined(private))
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
