"""Test people: a registered user with a nio client that sends and waits for events."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
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
from nio.api import Api

from bot.localserver import Account, LocalHomeserver
from bot.platforms.matrix import crypto

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
        self.display_name = ""
        self._unseen: list[tuple[str, Event]] = []
        self._invites: set[str] = set()

    @classmethod
    async def register(
        cls, hs: LocalHomeserver, localpart: str, display_name: str, store: Path | None = None
    ) -> Person:
        """With a `store` directory the person's client is E2E-enabled (like Element):
        it keeps its own keys there and reads and writes encrypted rooms."""
        account = await hs.register(localpart, "password")
        if store is not None:
            store.mkdir(parents=True, exist_ok=True)
            client = AsyncClient(
                hs.base_url,
                account.user_id,
                device_id=account.device_id,
                store_path=str(store),
                config=crypto.client_config("test-key"),
            )
        else:
            client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
        client.restore_login(account.user_id, account.device_id, account.access_token)
        await crypto.keep_keys(client)
        await client.set_displayname(display_name)
        person = cls(account, client)
        person.display_name = display_name
        await person._sync(0)
        return person

    async def _sync(self, timeout_ms: int) -> SyncResponse:
        resp = await self.client.sync(timeout=timeout_ms, sync_filter=FILTER)
        assert isinstance(resp, SyncResponse), resp
        await crypto.keep_keys(self.client)
        return resp

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
        if self.client.olm is not None:
            # like a client that is always syncing: it knows who is in the room now (so
            # every member's devices get the key), and it knows the room at all
            self._unseen.extend(await self._collect(await self._sync(0)))
            for _ in range(100):
                if room_id in self.client.rooms:
                    break
                self._unseen.extend(await self._collect(await self._sync(100)))
            await crypto.before_send(self.client, room_id)
            room = self.client.rooms.get(room_id)
            if event_type == "m.reaction" and room is not None and room.encrypted:
                return await self._encrypted_reaction(room_id, content)
        resp = await self.client.room_send(
            room_id, event_type, content, ignore_unverified_devices=True
        )
        assert isinstance(resp, RoomSendResponse), resp
        return resp.event_id

    async def _encrypted_reaction(self, room_id: str, content: dict[str, Any]) -> str:
        """As Element sends one in an encrypted room (nio would send it in the clear): the
        key encrypted, the relation beside it in the clear."""
        olm = self.client.olm
        assert olm is not None
        if not self.client.rooms[room_id].members_synced:
            await self.client.joined_members(room_id)
        if olm.should_share_group_session(room_id):
            await self.client.share_group_session(room_id, ignore_unverified_devices=True)
        event_type, encrypted = self.client.encrypt(room_id, "m.reaction", content)
        method, path, data = Api.room_send(
            self.client.access_token, room_id, event_type, encrypted, uuid.uuid4()
        )
        resp = await self.client._send(RoomSendResponse, method, path, data, (room_id,))
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def _collect(self, resp: SyncResponse) -> list[tuple[str, Event]]:
        self._invites.update(resp.rooms.invite)
        return [(rid, ev) for rid, info in resp.rooms.join.items() for ev in info.timeline.events]

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
            resp = await self._sync(int(min(left, 1.0) * 1000))
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
            resp = await self._sync(0)
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
            resp = await self._sync(int(left * 1000))
            if room_id in resp.rooms.join:
                found.extend(resp.rooms.join[room_id].timeline.events)
        return found


PersonFactory = Callable[..., Awaitable[Person]]
