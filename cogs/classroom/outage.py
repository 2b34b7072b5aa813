"""While the database is not answering, students' messages wait unhandled (the platform hands
them over again); after a while the teachers are told once, and told again when it is back."""

from __future__ import annotations

import logging
import time

from sqlalchemy import text

from bot.core.dispatch import Chats
from bot.core.events import EncryptionReset
from bot.core.model import Outgoing
from bot.core.ports import Chat
from bot.features import Faults
from cogs.classroom.service import ClassroomService

log = logging.getLogger(__name__)
TELL_AFTER = 60.0  # seconds of outage before teachers hear about it

DOWN = (
    "⚠️ I can't reach my database right now, so new messages in the class wait for me and "
    "are not checked yet. Nothing is lost: I'll check every one of them as soon as it is back, "
    "and tell you here."
)
BACK = "✅ My database is back. The messages that waited are being checked now."
KEYS_NEW_DEVICE = (
    "🔐 I lost my encryption keys (my key store could not be read), so I started again as a "
    "new device ({device}). Encrypted messages sent to my old device are unreadable to me; "
    "anything in the class I could not read is removed and its author asked to send it again."
)
KEYS_NO_LOGIN = (
    "🔐 I lost my encryption keys (my key store could not be read) and cannot start again as "
    "a new device without a new login, so I cannot read encrypted rooms for now. Please ask "
    "whoever runs me to give me a new access token or my password."
)


class StorageOutage:
    """Looks (on a timer) whether events have been waiting for the database too long."""

    def __init__(
        self,
        faults: Faults,
        classes: ClassroomService,
        chats: Chats,
        after: float = TELL_AFTER,
    ) -> None:
        self.faults = faults  # the dispatcher: since when events waited for the database
        self.classes = classes
        self.chats = chats
        self.after = after
        self._told: float | None = None  # the outage (its start) the teachers were told about
        self._probe_failed: float | None = None  # first time the database did not answer

    async def _answers(self) -> bool:
        try:
            async with self.classes.sessionmaker() as db:
                await db.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def check(self) -> None:
        """Tell every known teacher room once per outage, and once when it is over."""
        since = self.faults.faulted_since
        if since is None and not await self._answers():
            since = self._probe_failed = self._probe_failed or time.monotonic()
        elif since is None:
            self._probe_failed = None
        if since is None:
            if self._told is not None:
                await self._tell(BACK, f"storage-back:{self._told}")
                self._told = None
            return
        if self._told is None and time.monotonic() - since >= self.after:
            log.error(
                "the database has not answered for %.0f s; telling the teachers",
                time.monotonic() - since,
            )
            self._told = since
            await self._tell(DOWN, f"storage-down:{since}")

    async def encryption_reset(self, chat: Chat, ev: EncryptionReset) -> None:
        """The bot's keys were lost on `chat`'s platform: its teacher rooms hear it once."""
        await self.classes.remember_teacher_rooms()
        text = KEYS_NEW_DEVICE.format(device=ev.device) if ev.new_device else KEYS_NO_LOGIN
        for class_id, room in list(self.classes.known_teacher_rooms.items()):
            if room.platform != chat.platform:
                continue
            try:
                await chat.send(room, Outgoing(text, key=f"keys-reset:{ev.device}:{class_id}"))
            except Exception:
                log.exception("telling teacher room %s about the lost keys failed", room.id)

    async def _tell(self, text: str, key: str) -> None:
        for class_id, room in list(self.classes.known_teacher_rooms.items()):
            try:
                out = Outgoing(text, key=f"{key}:{class_id}")
                await self.chats[room.platform].send(room, out)
            except Exception:
                log.exception("telling teacher room %s about the database failed", room.id)
