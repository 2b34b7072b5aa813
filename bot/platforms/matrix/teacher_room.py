"""Opening a class's teacher room on Matrix: private, invite-only, encrypted when the bot's
rooms are, its teachers invited and raised to power level 50."""

from __future__ import annotations

from typing import Any

from nio import (
    AsyncClient,
    RoomCreateError,
    RoomGetStateEventResponse,
    RoomPreset,
    RoomPutStateError,
    RoomVisibility,
)

from bot.platforms.matrix.outbound import known_room, refusal
from bot.platforms.matrix.rooms import TEACHER_LEVEL


async def create(
    client: AsyncClient,
    classroom_id: str,
    name: str,
    teachers: list[str],
    extra_state: list[dict[str, Any]],
) -> str:
    """The new room's id, once the sync has brought it with its invited teachers."""
    resp = await client.room_create(
        visibility=RoomVisibility.private,
        name=name,
        preset=RoomPreset.private_chat,
        invite=teachers,
        initial_state=[
            {
                "type": "m.room.guest_access",
                "state_key": "",
                "content": {"guest_access": "forbidden"},
            },
            {
                "type": "org.readaloud.classroom",
                "state_key": "",
                "content": {"room_id": classroom_id},
            },
            *extra_state,
        ],
    )
    if isinstance(resp, RoomCreateError):
        raise refusal(resp, "creating the teacher room")
    await known_room(client, resp.room_id, teachers)  # the room key must reach them
    await grant(client, resp.room_id, teachers, TEACHER_LEVEL)
    return str(resp.room_id)


async def grant(client: AsyncClient, room_id: str, user_ids: list[str], level: int) -> None:
    """Raise users to `level`, keeping the rest of the power levels as the server made them
    (room version 12 forbids listing creators, older versions need them listed)."""
    current = await client.room_get_state_event(room_id, "m.room.power_levels")
    if not isinstance(current, RoomGetStateEventResponse):
        raise refusal(current, f"reading power levels of {room_id}")
    content = dict(current.content)
    users = dict(content.get("users", {}))
    users.update({uid: level for uid in user_ids if uid != client.user_id})
    content["users"] = users
    put = await client.room_put_state(room_id, "m.room.power_levels", content)
    if isinstance(put, RoomPutStateError):
        raise refusal(put, f"setting power levels in {room_id}")
