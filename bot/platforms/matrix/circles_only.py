"""The inbound side of a Matrix account that carries circles only.

An installation without a Matrix class account (one that runs only Discord) joins
circles between schools through a Matrix account of its own (``[circles]`` in the
configuration). That account is never a class: it joins the rooms it is invited to,
hands circle rooms and join-request rooms to the circles feature
(``circle_room.py``), and hands nothing else to anything. No command runs, no class
is set up, no direct message is read, and the features hear of no room it joins,
leaves or sees change; other rooms' events are dropped with a debug line.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from nio import AsyncClient, JoinError

from bot.platforms.matrix.circle_room import MatrixCircleRoom
from bot.platforms.matrix.client import Batch
from bot.platforms.matrix.handover import Part

log = logging.getLogger(__name__)
JOIN_ATTEMPTS = 3


class CirclesOnly:
    """Turns each batch into work for circle rooms alone (`SyncLoop`'s `parts_of`)."""

    def __init__(self, client: AsyncClient, circles: MatrixCircleRoom) -> None:
        self.client = client
        self.circles = circles

    def parts(self, batch: Batch) -> list[Part]:
        """Join invites; hand circle rooms' events (after the first-ever sync) over."""
        parts: list[Part] = [(room_id, partial(self._join, room_id)) for room_id in batch.invites]
        for room_id in batch.left:
            log.info("circles account: no longer in %s", room_id)
        if batch.backlog:
            return parts
        for room_id, update in batch.rooms.items():
            if self.circles.claims(room_id):
                parts.append((room_id, partial(self.circles.room, room_id, update)))
            elif update.timeline:
                log.debug(
                    "circles account: %s is no circle room; %d events ignored",
                    room_id,
                    len(update.timeline),
                )
        return parts

    async def _join(self, room_id: str) -> None:
        """Join as invited (a circle room's invite comes before its answer); nothing else
        hears of it."""
        for attempt in range(JOIN_ATTEMPTS):
            try:
                resp = await self.client.join(room_id)
            except Exception as e:
                resp = JoinError(str(e))
            if not isinstance(resp, JoinError):
                log.info("circles account: joined %s after an invite", room_id)
                return
            log.warning(
                "circles account: joining %s failed (attempt %d): %s",
                room_id,
                attempt + 1,
                resp.message,
            )
            await asyncio.sleep(0.5 * 2**attempt)
