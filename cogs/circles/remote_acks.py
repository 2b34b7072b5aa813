"""Acknowledging what arrived from other installations: gathered for a moment per room and
sent as one ``ack`` event (a busy circle would otherwise send as many acks as posts).
Lost in a crash or a stop, they are sent again when the unacknowledged posts come again
(a replayed post is acknowledged too)."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable

from bot.core.circles import CircleWire
from bot.db.tables import CircleLink

log = logging.getLogger(__name__)
ACK_DELAY = 1.0  # seconds acknowledgements are gathered before one is sent


class Acks:
    """The acknowledgements this installation owes, per circle room."""

    def __init__(self, wire: Callable[[], CircleWire | None], delay: float = ACK_DELAY) -> None:
        self.wire = wire
        self.delay = delay
        # room -> (link id, circle uid, post ids, retracted ids) to acknowledge
        self._acks: dict[str, tuple[int, str, list[str], list[str]]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def later(self, link: CircleLink, uids: list[str], retracted: list[str]) -> None:
        """Owe these; sent with the others of the room within `delay` seconds."""
        ack = self._acks.setdefault(link.room_id, (link.id, link.circle_uid, [], []))
        ack[2].extend(u for u in uids if u not in ack[2])
        ack[3].extend(u for u in retracted if u not in ack[3])
        if link.room_id not in self._tasks:
            task = asyncio.get_running_loop().create_task(self._after(link.room_id))
            self._tasks[link.room_id] = task

    async def _after(self, room_id: str) -> None:
        try:
            await asyncio.sleep(self.delay)
        finally:
            self._tasks.pop(room_id, None)
        await self._send(room_id)

    async def _send(self, room_id: str) -> None:
        found = self._acks.pop(room_id, None)
        wire = self.wire()
        if found is None or wire is None:
            return
        link_id, circle_uid, uids, retracted = found
        digest = hashlib.sha256("\0".join([*uids, "|", *retracted]).encode()).hexdigest()
        content: dict[str, object] = {"circle": circle_uid, "uids": uids, "retracted": retracted}
        try:
            await wire.send(room_id, "ack", content, f"circle:ack:{link_id}:{digest[:32]}")
        except Exception as e:  # (also: the bot is stopping) the posts come again
            log.warning("acknowledging circle posts in %s failed (%s); they come again",
                        room_id, e or type(e).__name__)  # fmt: skip

    async def stop(self) -> None:
        """A stopping bot drops what it gathered (its platform is gone by now)."""
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()
        self._acks.clear()

    async def flush(self) -> None:
        """Send the gathered acknowledgements now (tests; a stopping bot)."""
        for task in list(self._tasks.values()):
            task.cancel()
        self._tasks.clear()
        for room_id in list(self._acks):
            await self._send(room_id)
