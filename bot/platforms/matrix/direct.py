"""One-to-one rooms on Matrix: telling them apart, and finding or opening one with a person.

A room the bot shares with exactly one other person is direct. To write to
someone, the bot reuses such a room (remembered in its `m.direct` account
data, as Matrix clients do) or opens one with an `is_direct` invite. The
other person may be on any homeserver the bot's server federates with.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import quote

from nio import AsyncClient, DirectRoomsResponse, RoomCreateError, RoomPreset

from bot.core.events import DirectMessage, MessagePosted
from bot.core.model import Actor, ChannelRef, MessageRef, Outgoing, Platform, UserRef
from bot.platforms.matrix.outbound import known_room, message_content, refusal, send_event
from bot.platforms.matrix.txn import txn_id

log = logging.getLogger(__name__)


def is_direct(client: AsyncClient, room_id: str) -> bool:
    """The bot and exactly one other person (joined or invited) are in the room."""
    room = client.rooms.get(room_id)
    return room is not None and len(room.users) == 2 and client.user_id in room.users


def reply_to(content: dict[str, Any]) -> str | None:
    """The event a message replies to (rich reply), if any."""
    rel = content.get("m.relates_to")
    reply = rel.get("m.in_reply_to") if isinstance(rel, dict) else None
    found = reply.get("event_id") if isinstance(reply, dict) else None
    return str(found) if found else None


def posted(
    client: AsyncClient, message: MessageRef, actor: Actor, body: str, content: dict[str, Any]
) -> MessagePosted | DirectMessage:
    """The neutral event for a plain message: a direct message in a one-to-one room."""
    if is_direct(client, message.channel.id):
        return DirectMessage(message, actor, body, reply_to(content))
    return MessagePosted(message, actor, body)


class DirectRooms:
    """Finds (or opens, once) the direct room with a person and posts there."""

    def __init__(
        self, client: AsyncClient, initial_state: list[dict[str, Any]] | None = None
    ) -> None:
        self.client = client
        self.initial_state = initial_state or []  # encryption on, when the bot's rooms have it
        self._rooms: dict[str, str] = {}

    async def send(self, user: UserRef, out: Outgoing) -> MessageRef:
        room_id = await self.room_for(user.id)
        channel = ChannelRef(Platform.MATRIX, room_id)
        content = message_content(channel, out)
        event_id = await send_event(
            self.client, room_id, "m.room.message", content, txn_id(out.key)
        )
        return MessageRef(channel, event_id)

    async def room_for(self, user_id: str) -> str:
        """A room with just the bot and `user_id`: remembered, listed in m.direct, or new."""
        cached = self._rooms.get(user_id)
        if cached and self._shared(cached, user_id):
            return cached
        listed = await self._direct_map()
        for room_id in listed.get(user_id, []):
            if self._shared(room_id, user_id):
                return self._remember(user_id, room_id)
        for room_id in self.client.rooms:
            if is_direct(self.client, room_id) and user_id in self.client.rooms[room_id].users:
                await self._save(listed, user_id, room_id)
                return self._remember(user_id, room_id)
        resp = await self.client.room_create(
            is_direct=True,
            invite=[user_id],
            preset=RoomPreset.trusted_private_chat,
            initial_state=self.initial_state,
        )
        if isinstance(resp, RoomCreateError):
            raise refusal(resp, f"opening a direct room with {user_id}")
        log.info("opened direct room %s with %s", resp.room_id, user_id)
        await known_room(self.client, resp.room_id, [user_id])  # so the room key reaches them
        await self._save(listed, user_id, resp.room_id)
        return self._remember(user_id, resp.room_id)

    def joined(self, room_id: str, user_id: str) -> bool:
        """Has `user_id` joined the room (not just been invited)?"""
        room = self.client.rooms.get(room_id)
        return room is not None and user_id in room.users and user_id not in room.invited_users

    def _shared(self, room_id: str, user_id: str) -> bool:
        room = self.client.rooms.get(room_id)
        # a room the bot has just opened is not in its sync state yet
        return room is None or user_id in room.users

    def _remember(self, user_id: str, room_id: str) -> str:
        self._rooms[user_id] = room_id
        return room_id

    async def _direct_map(self) -> dict[str, list[str]]:
        resp = await self.client.list_direct_rooms()
        return dict(resp.rooms) if isinstance(resp, DirectRoomsResponse) else {}

    async def _save(self, listed: dict[str, list[str]], user_id: str, room_id: str) -> None:
        """Record the room in m.direct so clients (and a restarted bot) know it is direct."""
        rooms = listed.setdefault(user_id, [])
        if room_id in rooms:
            return
        rooms.append(room_id)
        me = quote(self.client.user_id, safe="")
        path = f"/_matrix/client/v3/user/{me}/account_data/m.direct"
        headers = {
            "Authorization": f"Bearer {self.client.access_token}",
            "Content-Type": "application/json",
        }
        resp = await self.client.send("PUT", path, json.dumps(listed), headers)
        await resp.read()
        if resp.status != 200:
            log.warning("could not record the direct room %s in m.direct: %s", room_id, resp.status)
