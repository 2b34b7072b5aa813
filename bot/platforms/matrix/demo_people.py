"""The demo's people as Matrix clients (`make run`): the teacher making the class room and
typing the set-up commands, students joining, everyone accepting pending invites. The demo
itself (`bot/demo.py`) says what they do; this is how they do it on Matrix."""

from __future__ import annotations

from nio import AsyncClient, JoinError, RoomCreateResponse, RoomGetStateEventResponse, SyncResponse

from bot.localserver import Account, LocalHomeserver


def _client(hs: LocalHomeserver, account: Account) -> AsyncClient:
    client = AsyncClient(hs.base_url, account.user_id, device_id=account.device_id)
    client.restore_login(account.user_id, account.device_id, account.access_token)
    return client


async def create_room(
    hs: LocalHomeserver, creator: Account, name: str, topic: str, invite: list[str], bot_id: str
) -> str:
    """A room made by `creator` with `invite` invited and the bot a moderator; its id."""
    client = _client(hs, creator)
    try:
        resp = await client.room_create(
            name=name,
            topic=topic,
            invite=invite,
            power_level_override={"users": {bot_id: 50}},  # the creator is the top admin
        )
        assert isinstance(resp, RoomCreateResponse), resp
        return str(resp.room_id)
    finally:
        await client.close()


async def join(hs: LocalHomeserver, account: Account, room_id: str) -> None:
    client = _client(hs, account)
    try:
        await client.join(room_id)
    finally:
        await client.close()


async def say(hs: LocalHomeserver, account: Account, room_id: str, text: str) -> None:
    client = _client(hs, account)
    try:
        await client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": text})
    finally:
        await client.close()


async def accept_invites(hs: LocalHomeserver, people: list[Account]) -> int:
    """Join every room the people are invited to, as a newcomer would tap "accept"."""
    joined = 0
    for account in people:
        client = _client(hs, account)
        try:
            resp = await client.sync(timeout=0, full_state=True)
            if isinstance(resp, SyncResponse):
                for room_id in resp.rooms.invite:
                    if not isinstance(await client.join(room_id), JoinError):
                        joined += 1
        finally:
            await client.close()
    return joined


async def room_names(hs: LocalHomeserver, account: Account, room_ids: list[str]) -> dict[str, str]:
    """The rooms' names as `account`'s Matrix client shows them."""
    client = _client(hs, account)
    try:
        names = {}
        for room_id in room_ids:
            resp = await client.room_get_state_event(room_id, "m.room.name")
            name = resp.content.get("name") if isinstance(resp, RoomGetStateEventResponse) else ""
            names[room_id] = str(name or room_id)
        return names
    finally:
        await client.close()
