"""Encrypted messages the bot cannot decrypt yet: ask for the key, wait a little, decide.

A message whose room key has not reached the bot's device arrives as a
``MegolmEvent``. The bot asks the sender's devices for the key and keeps trying to
decrypt it for a short grace period; a key that comes (late, or forwarded) makes it an
ordinary message. One still unreadable then is content the class may see and nobody
checked, so it goes on as ``MessageUnreadable`` (removed, teacher and student told).
Ciphertext that does not decrypt with a key the bot holds is garbage from a broken or
hostile device: logged and ignored (no client can show it either).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from nio import AsyncClient, EncryptionError, Event, LocalProtocolError, MegolmEvent

log = logging.getLogger(__name__)
LOOK_EVERY = 0.25  # seconds between decryption attempts during the grace period

Readable = Callable[[str, Event], Awaitable[None]]
Unreadable = Callable[[str, MegolmEvent], Awaitable[None]]


class Undecryptable:
    """Waits out the grace period of each message that came without its key."""

    def __init__(
        self, client: AsyncClient, grace: float, readable: Readable, unreadable: Unreadable
    ) -> None:
        self.client, self.grace = client, grace
        self.readable, self.unreadable = readable, unreadable
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
        with contextlib.suppress(LocalProtocolError):  # asked already for this session
            await self.client.request_room_key(ev)
        task = asyncio.create_task(self._wait(room_id, ev), name=f"key-for-{ev.event_id}")
        self._waiting[ev.event_id] = task
        self._pending[ev.event_id] = (room_id, ev)

        def done(_t: asyncio.Task[None]) -> None:
            self._waiting.pop(ev.event_id, None)
            self._pending.pop(ev.event_id, None)

        task.add_done_callback(done)

    async def _wait(self, room_id: str, ev: MegolmEvent) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.grace
        try:
            while True:
                decrypted = self._decrypt(ev)
                if decrypted is not None:
                    log.info("the key for %s came; handling it", ev.event_id)
                    await self.readable(room_id, decrypted)
                    return
                if loop.time() >= deadline:
                    break
                await asyncio.sleep(min(LOOK_EVERY, max(deadline - loop.time(), 0.0)))
            log.warning(
                "%s from %s in %s is still unreadable after %.0f s; removing it",
                ev.event_id,
                ev.sender,
                room_id,
                self.grace,
            )
            await self.unreadable(room_id, ev)
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

        if pending:
            done = asyncio.gather(*(settle(r, e) for r, e in pending), return_exceptions=True)
            try:
                await asyncio.wait_for(done, drain)
            except TimeoutError:
                log.error("stopping: %d unreadable message(s) could not be settled", len(pending))
