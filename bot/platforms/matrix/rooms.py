"""Who is who in a room: display names, power levels and room creators.

nio keeps members and power levels; room creators are tracked here because
from room version 12 on the creators outrank everyone without appearing in
the power-levels event, and nio 0.26 does not know that.
"""

from __future__ import annotations

import math
import re

from nio import AsyncClient, RoomCreateEvent

from bot.core.commands import Param
from bot.core.errors import UserError
from bot.core.model import ChannelRef, Platform, Role, UserRef
from bot.platforms.matrix.client import Batch

TEACHER_LEVEL = 50
PRIVILEGED_CREATOR_VERSIONS = {"org.matrix.hydra.11"}
USER_ID = re.compile(r"^(?:https://matrix\.to/#/)?(@[^:\s/]+:[^\s/?]+)$")


def creators_are_privileged(room_version: str) -> bool:
    """Room version 12 and later give creators unlimited power."""
    if room_version in PRIVILEGED_CREATOR_VERSIONS:
        return True
    return room_version.isdigit() and int(room_version) >= 12


def localpart(user_id: str) -> str:
    return user_id[1:].split(":", 1)[0]


def room_named(param: Param, raw: str) -> ChannelRef:
    """The room a command names by its id (``!abcdef:example.org``), or how to find it."""
    raw = raw.strip()
    if not raw.startswith("!"):
        raise UserError(
            f"{param.name} must be a room id like !abcdef:example.org "
            "(room settings → Advanced → Internal room ID)"
        )
    return ChannelRef(Platform.MATRIX, raw)


class Rooms:
    """Looks up people in the rooms the bot has joined."""

    def __init__(self, client: AsyncClient) -> None:
        self.client = client
        self.creators: dict[str, set[str]] = {}

    def observe(self, batch: Batch) -> None:
        """Remember each room's creators from the create events a sync carried."""
        for room_id, update in batch.rooms.items():
            for ev in [*update.state, *update.timeline]:
                if isinstance(ev, RoomCreateEvent):
                    extra = ev.source.get("content", {}).get("additional_creators", [])
                    self.creators[room_id] = {ev.sender, *extra}

    def power(self, room_id: str, user_id: str) -> float:
        """The user's power level in the room (infinite for privileged creators)."""
        room = self.client.rooms.get(room_id)
        if room is None:
            return 0
        if creators_are_privileged(room.room_version) and user_id in self.creators.get(room_id, ()):
            return math.inf
        level: int = room.power_levels.get_user_level(user_id)
        return level

    def role(self, room_id: str, user_id: str) -> Role:
        """Teacher from power level 50 up, otherwise student."""
        return Role.TEACHER if self.power(room_id, user_id) >= TEACHER_LEVEL else Role.STUDENT

    def name(self, room_id: str, user_id: str) -> str:
        """The display name in this room, or the localpart if there is none."""
        room = self.client.rooms.get(room_id)
        member = room.users.get(user_id) if room else None
        return (member.display_name if member else None) or localpart(user_id)

    def user(self, room_id: str, user_id: str) -> UserRef:
        return UserRef(Platform.MATRIX, user_id, self.name(room_id, user_id))

    def members(self, room_id: str) -> list[str]:
        room = self.client.rooms.get(room_id)
        return list(room.users) if room else []

    def teachers(self, room_id: str) -> list[UserRef]:
        """Joined members with power level 50 or more, except the bot itself."""
        return [
            self.user(room_id, uid)
            for uid in self.members(room_id)
            if uid != self.client.user_id and self.power(room_id, uid) >= TEACHER_LEVEL
        ]

    def private_problem(self, class_room: str, room_id: str) -> str | None:
        """Who besides the class's teachers is in `room_id`, and how to fix it."""
        room = self.client.rooms.get(room_id)
        if room is None:
            return "I am not in that room. Invite me there first, then run class setup again."
        if room.join_rule == "public":
            return "Anyone can join that room. Make it invite-only, then run class setup again."
        readers = [
            self.name(room_id, uid)
            for uid in self.members(room_id)
            if uid != self.client.user_id and self.role(class_room, uid) < Role.TEACHER
        ]
        if readers:
            return (
                f"Students are in that room ({', '.join(sorted(readers)[:5])}). Remove them, "
                "or give them power level 50 in the class room if they are teachers."
            )
        return None

    def find_user(self, room_id: str, raw: str) -> UserRef:
        """A user named by id, matrix.to link, @localpart or display name, or a UserError."""
        raw = raw.strip()
        full = USER_ID.match(raw)
        if full:
            return self.user(room_id, full.group(1))
        wanted = raw.removeprefix("@").casefold()
        matches = [
            uid
            for uid in self.members(room_id)
            if wanted in (localpart(uid).casefold(), self.name(room_id, uid).casefold())
        ]
        if len(matches) == 1:
            return self.user(room_id, matches[0])
        if len(matches) > 1:
            raise UserError(
                f'Several people here are called "{raw}". Use their Matrix id, '
                "like @name:example.org."
            )
        raise UserError(
            f'I cannot find "{raw}" in this room. Use their Matrix id, like @name:example.org.'
        )
