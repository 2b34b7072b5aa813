"""Sending what waits for a circle room: as few events as the homeserver's rate needs.

One send at a time per room; whatever was queued while it was out goes in the next one,
as soon as it returns (no fixed delay: a lone post goes at once, as its own ``post``
event, the shape every installation reads). Several waiting posts and retractions go as
one ``posts`` event (`MAX_BATCH` entries at most, under the event size limit), keyed by
what it carries; the receiving side ignores a post id it has seen, so a batch sent again
after a crash with other entries (a new key) doubles nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from bot.core.circles import MAX_BATCH
from bot.db.tables import CircleOutbox

MAX_BATCH_BYTES = 14_000  # of entries in one event (the receiving check allows 16,000)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One circle room event to send: its kind, content, transaction key, and the outbox
    rows it carries (marked sent once the homeserver took it)."""

    kind: str
    content: dict[str, object]
    key: str
    row_ids: list[int]


def pack(circle_uid: str, rows: list[CircleOutbox]) -> list[Outgoing]:
    """The events for these waiting rows (in queued order): one entry per (post id, kind)
    whatever the number of installations waiting for it, at its latest attempt."""
    groups: dict[tuple[str, str], list[CircleOutbox]] = {}
    for row in sorted(rows, key=lambda r: r.id):
        groups.setdefault((row.post_uid, row.kind), []).append(row)
    events: list[Outgoing] = []
    chunk: list[list[CircleOutbox]] = []
    size = 0
    for same in groups.values():
        entry_size = len(json.dumps(same[0].content, ensure_ascii=False).encode()) + 20
        if chunk and (len(chunk) >= MAX_BATCH or size + entry_size > MAX_BATCH_BYTES):
            events.append(_event(circle_uid, chunk))
            chunk, size = [], 0
        chunk.append(same)
        size += entry_size
    if chunk:
        events.append(_event(circle_uid, chunk))
    return events


def _event(circle_uid: str, chunk: list[list[CircleOutbox]]) -> Outgoing:
    ids = [r.id for same in chunk for r in same]
    tags = [(same[0].kind, same[0].post_uid, max(r.attempt for r in same)) for same in chunk]
    if len(chunk) == 1:  # a lone post or retraction: its own event, as before batches
        (kind, uid, attempt), alone = tags[0], chunk[0][0].content
        return Outgoing(kind, dict(alone), f"circle:{kind}:{uid}:{attempt}", ids)
    digest = hashlib.sha256("\0".join(f"{k} {u} {a}" for k, u, a in tags).encode())
    entries = [{"type": same[0].kind, **same[0].content} for same in chunk]
    content: dict[str, object] = {"circle": circle_uid, "entries": entries}
    return Outgoing("posts", content, f"circle:posts:{digest.hexdigest()[:32]}", ids)


@dataclass
class _Room:
    asked: int = 0  # sends asked for (each a call that queued something)
    done: int = 0  # the asks covered by a send that returned
    busy: bool = False
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)


class Drains:
    """Per room: at most one send out at a time; a caller returns once a send that began
    after it asked has returned (so what it queued went, or that send raised to it)."""

    def __init__(self) -> None:
        self._rooms: dict[str, _Room] = {}

    async def run(self, room_id: str, send_waiting: Callable[[], Awaitable[None]]) -> None:
        """Have what waits for `room_id` sent: by this call, or by the one sending now."""
        room = self._rooms.setdefault(room_id, _Room())
        room.asked += 1
        mine = room.asked
        while room.done < mine:
            async with room.changed:
                await room.changed.wait_for(lambda: not room.busy)
                if room.done >= mine:
                    return
                room.busy, covered = True, room.asked
            try:
                await send_waiting()  # (raises to this caller: the resend timer tries again)
                room.done = max(room.done, covered)
            finally:
                room.busy = False
                async with room.changed:
                    room.changed.notify_all()
