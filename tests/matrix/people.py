"""Test people: a registered user with a nio client that sends and waits for events."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from nio import (
    AsyncClient,
    Event,
    JoinError,
    RoomCreateError,
    RoomGetStateEventResponse,
    RoomPreset,
    RoomPutStateError,
    RoomSendResponse,
    SyncResponse,
)

from bot.localserver import Account, LocalHomeserver

FILTER = {"room": {"timeline": {"limit": 100}}, "presence": {"not_types": ["*"]}}
Predicate = Callable[[str, Event], bool]


def unique(name: str) -> str:
    """A name no other test uses."""
    return f"{name}-{uuid.uuid4().hex[:8]}"


class Person:
    """A user who has done a first sync and only looks at events after it."""

    def __init__(self, account: Account, client: AsyncClient) -> None:
        self.accepts_invites = True
        self.account = account
        self.client = client
        self.user_id = account.user_id
        self._unseen: list[tuple[str, Event]] = []
        self._invites: set[str] = set()

    @classmethod
    async def register(cls, hs: LocalHomeserver, localpart: str, display_name: str) -> Person:
        account = await hs.register(localpart, "password")
        client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
        client.restore_login(account.user_id, account.device_id, account.access_token)
        await client.set_displayname(display_name)
        person = cls(account, client)
        resp = await client.sync(timeout=0, sync_filter=FILTER)
        assert isinstance(resp, SyncResponse), resp
        return person

    async def close(self) -> None:
        await self.client.close()

    # ---- acting ----

    async def send(self, room_id: str, text: str, thread: str | None = None) -> str:
        content: dict[str, Any] = {"msgtype": "m.text", "body": text}
        if thread:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": thread}
        return await self.send_event(room_id, "m.room.message", content)

    async def react(self, room_id: str, event_id: str, key: str) -> str:
        relates = {"rel_type": "m.annotation", "event_id": event_id, "key": key}
        return await self.send_event(room_id, "m.reaction", {"m.relates_to": relates})

    async def send_event(self, room_id: str, event_type: str, content: dict[str, Any]) -> str:
        resp = await self.client.room_send(room_id, event_type, content)
        assert isinstance(resp, RoomSendResponse), resp
        return resp.event_id

    async def join(self, room_id: str) -> None:
        resp = await self.client.join(room_id)
        assert not isinstance(resp, JoinError), resp

    async def create_room(
        self, invite: list[str] | None = None, encrypted: bool = False, name: str = "Class"
    ) -> str:
        state: list[dict[str, Any]] = []
        if encrypted:
            state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )
        resp = await self.client.room_create(
            name=name, preset=RoomPreset.private_chat, invite=invite or [], initial_state=state
        )
        assert not isinstance(resp, RoomCreateError), resp
        return resp.room_id

    async def set_power(self, room_id: str, user_id: str, level: int) -> None:
        current = await self.client.room_get_state_event(room_id, "m.room.power_levels")
        assert isinstance(current, RoomGetStateEventResponse), current
        content = dict(current.content)
        content["users"] = {**content.get("users", {}), user_id: level}
        resp = await self.client.room_put_state(room_id, "m.room.power_levels", content)
        assert not isinstance(resp, RoomPutStateError), resp

    # ---- watching ----

    async def wait_for(
        self, predicate: Predicate, timeout: float = 15.0, room_id: str | None = None
    ) -> Event:
        """The first event after this person's previous sync that matches (consumed once)."""
        deadline = time.monotonic() + timeout
        while True:
            for i, (rid, ev) in enumerate(self._unseen):
                if (room_id is None or rid == room_id) and predicate(rid, ev):
                    del self._unseen[i]
                    return ev
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.user_id} saw no matching event in {timeout} s")
            resp = await self.client.sync(timeout=int(min(left, 1.0) * 1000), sync_filter=FILTER)
            assert isinstance(resp, SyncResponse), resp
            for rid, info in resp.rooms.join.items():
                self._unseen.extend((rid, ev) for ev in info.timeline.events)
            self._invites.update(resp.rooms.invite)
            while self.accepts_invites and self._invites:
                await self.join(self._invites.pop())  # like tapping "accept" (the bot's DMs)
            await asyncio.sleep(0)

    async def seen_now(self, room_id: str) -> list[Event]:
        """Every event in the room from this person's previous look up to now, without
        waiting: call it once the bot is idle, so whatever it was going to post is there."""
        return [ev for rid, ev in await self.seen_now_everywhere() if rid == room_id]

    async def seen_now_everywhere(self) -> list[tuple[str, Event]]:
        """Every event in every room (joining invites) up to now, with its room id, in the
        order this person sees them; syncs until the server has nothing more to give."""
        found = list(self._unseen)
        self._unseen.clear()
        while True:
            resp = await self.client.sync(timeout=0, sync_filter=FILTER)
            assert isinstance(resp, SyncResponse), resp
            rooms = resp.rooms.join.items()
            new = [(rid, ev) for rid, info in rooms for ev in info.timeline.events]
            found.extend(new)
            self._invites.update(resp.rooms.invite)
            joined = False
            while self.accepts_invites and self._invites:
                await self.join(self._invites.pop())
                joined = True
            if not new and not joined:
                return found

    async def collect(self, room_id: str, seconds: float) -> list[Event]:
        """Every event in the room during the next few seconds (for 'nothing else came')."""
        found: list[Event] = [ev for rid, ev in self._unseen if rid == room_id]
        self._unseen.clear()
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            resp = await self.client.sync(timeout=int(left * 1000), sync_filter=FILTER)
            assert isinstance(resp, SyncResponse), resp
            if room_id in resp.rooms.join:
                found.extend(resp.rooms.join[room_id].timeline.events)
        return found


PersonFactory = Callable[..., Awaitable[Person]]
