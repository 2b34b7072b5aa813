"""Encrypted messages the bot cannot decrypt yet: ask for the key, wait a little, decide.

A message whose room key has not reached the bot's device arrives as a
``MegolmEvent``. The bot asks the sender's devices for the key and keeps trying to
decrypt it for a short grace period; a key that comes (late, or forwarded) makes it an
ordinary message. One still unreadable then is content the class may see and nobody
checked, so it goes on as ``MessageUnreadable`` (removed, teacher and student told).
Ciphertext that does not decrypt with a key the bot holds is garbage from a broken or
hostile device: logged and ignored (no client can show it either).

Each waiting message is also a ``LockedEvent`` row, written before the sync moves past it
and deleted once it is settled: a bot killed during the wait (no ``stop``) settles it after
the restart, with what is left of its grace period.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from nio import (
    AsyncClient,
    EncryptionError,
    Event,
    LocalProtocolError,
    MegolmEvent,
    RoomGetEventResponse,
)

from bot.db.locked import LockedEvents

log = logging.getLogger(__name__)
LOOK_EVERY = 0.25  # seconds between decryption attempts during the grace period

Readable = Callable[[str, Event], Awaitable[None]]
Unreadable = Callable[[str, MegolmEvent], Awaitable[None]]


class Undecryptable:
    """Waits out the grace period of each message that came without its key."""

    def __init__(
        self,
        client: AsyncClient,
        grace: float,
        readable: Readable,
        unreadable: Unreadable,
        locked: LockedEvents | None = None,
    ) -> None:
        self.client, self.grace = client, grace
        self.readable, self.unreadable = readable, unreadable
        self.locked = locked
        self._waiting: dict[str, asyncio.Task[None]] = {}
        self._pending: dict[str, tuple[str, MegolmEvent]] = {}

    def holds_key(self, room_id: str, ev: MegolmEvent) -> bool:
        """Whether the bot holds the session the event names (one that came with it and
        still did not decrypt it is garbage)."""
        olm = self.client.olm
        if olm is None:
            return False
        held = olm.inbound_group_store.get(room_id, ev.sender_key, ev.session_id)
        return held is not None

    async def arrived(self, room_id: str, ev: MegolmEvent) -> None:
        if ev.event_id in self._waiting:
            return
        if self.holds_key(room_id, ev):
            log.warning(
                "ignoring %s from %s in %s: its ciphertext does not decrypt with the key it "
                "names (a faulty or hostile device)",
                ev.event_id,
                ev.sender,
                room_id,
            )
            return
        ev.room_id = room_id
        log.info("no key yet for %s from %s in %s; asking for it", ev.event_id, ev.sender, room_id)
        if self.locked is not None:  # before the sync moves past it (a fault: not handled)
            await self.locked.add(room_id, ev.event_id)
        await self._track(room_id, ev, self.grace)

    async def _track(self, room_id: str, ev: MegolmEvent, grace: float) -> None:
        await self._ask(ev)
        task = asyncio.create_task(self._wait(room_id, ev, grace), name=f"key-for-{ev.event_id}")
        self._waiting[ev.event_id] = task
        self._pending[ev.event_id] = (room_id, ev)

        def done(_t: asyncio.Task[None]) -> None:
            self._waiting.pop(ev.event_id, None)
            self._pending.pop(ev.event_id, None)

        task.add_done_callback(done)

    async def _ask(self, ev: MegolmEvent) -> None:
        with contextlib.suppress(LocalProtocolError):  # asked already for this session
            await self.client.request_room_key(ev)

    async def _settled(self, event_id: str) -> None:
        if self.locked is None:
            return
        try:
            await self.locked.settled(event_id)
        except Exception:  # the row stays: the next start settles it again, keyed
            log.exception("could not note %s as settled", event_id)

    async def resume(self, now: datetime) -> int:
        """After a restart: the messages a killed bot was still waiting on get what is left
        of their grace period (fetched again, since the sync is past them). Returns how many."""
        if self.locked is None or self.client.olm is None:
            return 0
        resumed = 0
        for room_id, event_id, arrived_at in await self.locked.waiting():
            if event_id in self._waiting:
                continue
            resp = await self.client.room_get_event(room_id, event_id)
            if not isinstance(resp, RoomGetEventResponse):
                if getattr(resp, "status_code", "") in ("M_NOT_FOUND", "M_FORBIDDEN"):
                    await self._settled(event_id)  # gone (removed, or the room left us)
                else:  # the homeserver is having trouble: the next start tries again
                    log.warning("could not fetch the locked %s again: %s", event_id, resp)
                continue
            ev = resp.event
            if not isinstance(ev, MegolmEvent):  # redacted meanwhile: nothing to show
                await self._settled(event_id)
                continue
            ev.room_id = room_id
            left = self.grace - (now - arrived_at).total_seconds()
            log.info("%s still waits for its key after a restart (%.0f s left)", event_id, left)
            await self._track(room_id, ev, max(left, 0.0))
            resumed += 1
        return resumed

    async def _wait(self, room_id: str, ev: MegolmEvent, grace: float) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        try:
            while True:
                decrypted = self._decrypt(ev)
                if decrypted is not None:
                    log.info("the key for %s came; handling it", ev.event_id)
                    await self.readable(room_id, decrypted)
                    await self._settled(ev.event_id)
                    return
                if loop.time() >= deadline:
                    break
                await asyncio.sleep(min(LOOK_EVERY, max(deadline - loop.time(), 0.0)))
            log.warning(
                "%s from %s in %s is still unreadable after %.0f s; removing it",
                ev.event_id,
                ev.sender,
                room_id,
                grace,
            )
            await self.unreadable(room_id, ev)
            await self._settled(ev.event_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("handling the undecryptable %s failed", ev.event_id)

    def _decrypt(self, ev: MegolmEvent) -> Event | None:
        if self.client.olm is None or not self.holds_key(ev.room_id or "", ev):
            return None  # the key has not come (trying would only log nio's warning)
        try:
            found = self.client.decrypt_event(ev)
        except (EncryptionError, LocalProtocolError):
            return None
        return None if isinstance(found, MegolmEvent) else found

    async def stop(self, drain: float = 10.0) -> None:
        """A stopping bot cuts the grace periods short: the sync token is past these messages,
        so a restarted bot would never see them again. Each is handled now, as readable if
        its key came, else as unreadable (removed, teacher and student told)."""
        pending = list(self._pending.values())
        tasks = list(self._waiting.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

        async def settle(room_id: str, ev: MegolmEvent) -> None:
            decrypted = self._decrypt(ev)
            if decrypted is not None:
                await self.readable(room_id, decrypted)
            else:
                log.warning("stopping: %s from %s is still unreadable; removing it", ev.event_id,
                            ev.sender)  # fmt: skip
                await self.unreadable(room_id, ev)
            await self._settled(ev.event_id)

        if pending:
            done = asyncio.gather(*(settle(r, e) for r, e in pending), return_exceptions=True)
            try:
                await asyncio.wait_for(done, drain)
            except TimeoutError:
                log.error("stopping: %d unreadable message(s) could not be settled", len(pending))
