"""Circle rooms on Matrix: the `CircleWire` of one bot account, and the inbound side.

A circle room (``m.room.create`` type ``org.readaloud.circle``) is invite-only, not
encrypted (for now), and shows members only what was sent after they joined. A two-bot
room for a join request has type ``org.readaloud.circle.ask``. Nothing from either is
ever handed to the class features: the room's events are schema-checked here
(``circle_events.py``) and the valid ones go to the circles feature; everything else
is logged and dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from nio import AsyncClient, JoinError, RoomCreateError, RoomInviteError, RoomPreset

from bot.core.circles import WIRE_VERSION, WireEvent
from bot.platforms.matrix.circle_events import (
    ASK_ROOM_TYPE,
    PREFIX,
    ROOM_TYPE,
    checked,
    entries,
    event_type,
)
from bot.platforms.matrix.client import RoomUpdate
from bot.platforms.matrix.outbound import send_event
from bot.platforms.matrix.txn import txn_id

log = logging.getLogger(__name__)
Arrived = Callable[[list[WireEvent]], Awaitable[None]]
HIDDEN_HISTORY = {"type": "m.room.history_visibility", "state_key": "",
                  "content": {"history_visibility": "joined"}}  # fmt: skip
NO_GUESTS = {"type": "m.room.guest_access", "state_key": "",
             "content": {"guest_access": "forbidden"}}  # fmt: skip


class CircleError(RuntimeError):
    """The homeserver refused a circle room step."""


class MatrixCircleRoom:
    """Circle rooms of one bot account (`CircleWire`), and their events coming in."""

    def __init__(
        self, client: Callable[[], AsyncClient], connected: Callable[[], bool] = lambda: True
    ) -> None:
        self._client = client  # the chat's client, once it is connected
        self.connected = connected
        self.on_room: Arrived | None = None  # posts, retractions, members, acks
        self.on_ask: Arrived | None = None  # join requests and answers
        self.known: set[str] = set()  # rooms known to be circle rooms (before state is)
        self._asks: set[str] = set()

    @property
    def me(self) -> str:
        return str(self._client().user_id)

    # ---- CircleWire ----

    async def open_room(self, circle_uid: str) -> str:
        resp = await self._client().room_create(
            name="Reading circle", room_type=ROOM_TYPE, preset=RoomPreset.private_chat,
            initial_state=[HIDDEN_HISTORY, NO_GUESTS],
        )  # fmt: skip
        if isinstance(resp, RoomCreateError):
            raise CircleError(f"creating the circle room for {circle_uid}: {resp.message}")
        self.known.add(resp.room_id)
        return str(resp.room_id)

    async def invite(self, room_id: str, bot: str) -> None:
        resp = await self._client().room_invite(room_id, bot)
        if isinstance(resp, RoomInviteError) and "already" not in (resp.message or ""):
            raise CircleError(f"inviting {bot} to {room_id}: {resp.message}")

    async def enter(self, room_id: str) -> None:
        self.known.add(room_id)
        resp = await self._client().join(room_id)
        if isinstance(resp, JoinError):
            raise CircleError(f"joining the circle room {room_id}: {resp.message}")

    async def send(self, room_id: str, kind: str, content: dict[str, object], key: str) -> str:
        if not self.connected():
            raise CircleError("the Matrix account is not connected")
        body = {"v": WIRE_VERSION, **content}
        return await send_event(self._client(), room_id, event_type(kind), body, txn_id(key))

    async def ask(self, bot: str, content: dict[str, object], key: str) -> str:
        """The request is the room's state, so the other bot reads it as it joins (over
        federation a joining server gets the room's state, not its earlier messages)."""
        request = {"type": event_type("join"), "state_key": "",
                   "content": {"v": WIRE_VERSION, **content}}  # fmt: skip
        resp = await self._client().room_create(
            room_type=ASK_ROOM_TYPE, preset=RoomPreset.private_chat, invite=[bot],
            initial_state=[NO_GUESTS, request],
        )  # fmt: skip
        if isinstance(resp, RoomCreateError):
            raise CircleError(f"asking {bot}: {resp.message}")
        self._asks.add(resp.room_id)
        return str(resp.room_id)

    async def answer(self, room_id: str, content: dict[str, object], key: str) -> None:
        await self.send(room_id, "answer", content, key)
        await self._client().room_leave(room_id)

    # ---- inbound (bot/platforms/matrix/inbound.py hands these rooms here) ----

    def claims(self, room_id: str) -> bool:
        """Whether `room_id` is a circle room or a join request room (never a class)."""
        if room_id in self.known or room_id in self._asks:
            return True
        room = self._client().rooms.get(room_id)
        return room is not None and room.room_type in (ROOM_TYPE, ASK_ROOM_TYPE)

    def _is_ask(self, room_id: str) -> bool:
        if room_id in self._asks:
            return True
        room = self._client().rooms.get(room_id)
        return room is not None and room.room_type == ASK_ROOM_TYPE

    async def room(self, room_id: str, update: RoomUpdate) -> None:
        """One sync's events of a circle room: the valid circle events, in order, to the
        circles feature; anything else is dropped (and logged if it is not room state)."""
        me, ask = self.me, self._is_ask(room_id)
        log.debug("circle room %s (%s): %d events", room_id, "ask" if ask else "circle",
                  len(update.timeline))  # fmt: skip
        valid: list[WireEvent] = []
        seen: set[str] = set()
        # a join request is the ask room's state (see `ask`); nothing else is read from state
        for ev in [*(update.state if ask else []), *update.timeline]:
            source: dict[str, Any] = ev.source if isinstance(ev.source, dict) else {}
            ev_type = str(source.get("type", ""))
            if ev.sender == me or ev.event_id in seen:
                continue
            seen.add(ev.event_id)
            if "state_key" in source and not (ask and ev_type == event_type("join")):
                continue
            try:
                kind, content = checked(ev_type, source.get("content"), in_ask_room=ask)
            except ValueError as e:
                level = logging.WARNING if ev_type.startswith(PREFIX) else logging.INFO
                log.log(level, "circle room %s: dropped %s from %s (%s)", room_id,
                        ev.event_id, ev.sender, e)  # fmt: skip
                continue
            if kind != "posts":
                valid.append(WireEvent(kind, room_id, ev.sender, ev.event_id, content))
                continue
            for n, entry in enumerate(entries(content)):  # each entry as its own event
                if isinstance(entry, ValueError):
                    log.warning("circle room %s: dropped entry %d of %s from %s (%s)",
                                room_id, n, ev.event_id, ev.sender, entry)  # fmt: skip
                else:
                    kind, content = entry
                    valid.append(WireEvent(kind, room_id, ev.sender, f"{ev.event_id}#{n}", content))
        handler = self.on_ask if ask else self.on_room
        if valid and handler is not None:
            await handler(valid)
