"""Held messages being removed right now, so the teacher's review can be made ready
meanwhile and go out the moment the platform has answered the removal.

The class stops seeing a held message first: the platform is asked to remove it as
soon as screening holds it (``EarlyRemoval``, before the hold is recorded), and the
review is posted only after the platform answered, never alongside (both would share
the homeserver and the removal would finish later). The review does not wait for the
removal's delivery record, nor for the reads it needs (done while removing).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial

from bot.core.model import MessageRef
from bot.core.ports import Chat

HIDE_REASON = "held for the teacher"


class EarlyRemoval:
    """Asks the platform to remove a held message the moment screening holds it, before
    the hold is recorded. Removing a message twice is harmless (the port's contract), so a
    crash before the record only means the message is handed over, held and removed again;
    the recorded removal (``FlagEffects.hide_first``) waits for this answer."""

    def __init__(self, chat: Chat, message: MessageRef) -> None:
        self.chat, self.message = chat, message
        self._asked: asyncio.Future[None] | None = None

    def start(self) -> None:
        if self._asked is None:
            self._asked = asyncio.ensure_future(self.chat.hide(self.message, HIDE_REASON))
            self._asked.add_done_callback(_retrieved)  # its error is the removal's to report

    @property
    def started(self) -> bool:
        return self._asked is not None

    async def answered(self) -> None:
        """The platform's answer (raises its refusal)."""
        assert self._asked is not None, "start() first"
        await asyncio.shield(self._asked)


def _retrieved(asked: asyncio.Future[None]) -> None:
    if not asked.cancelled():
        asked.exception()  # an error nobody awaits (the hold was not recorded) is not logged


class Removal:
    """One held message's removal: answered once the platform has answered it (done or
    refused), done once it is recorded (True if removed, False if the platform refused)."""

    def __init__(self) -> None:
        self.done: asyncio.Future[bool] | None = None
        self._answered = asyncio.Event()
        self._asked = False

    def asking(self) -> None:
        """The platform is being asked to remove the message now."""
        self._asked = True

    def answer(self) -> None:
        """The platform has answered (or the removal ended without asking it)."""
        self._answered.set()

    async def answered(self) -> None:
        """Return once the platform has answered the removal. A removal that failed before
        it asked (the database did not answer) raises its error, so nothing goes first."""
        await self._answered.wait()
        if not self._asked and self.done is not None and self.done.done():
            self.done.result()


class Removals:
    """The removals in progress, by flag."""

    def __init__(self) -> None:
        self._by_flag: dict[int, Removal] = {}

    def start(self, flag_id: int, remove: Callable[[Removal], Awaitable[bool]]) -> Awaitable[bool]:
        """Run ``remove`` now on its own task; returns its outcome to await (a caller that
        is cancelled leaves the removal running)."""
        removal = Removal()
        done = asyncio.ensure_future(remove(removal))
        removal.done = done
        self._by_flag[flag_id] = removal
        done.add_done_callback(partial(self._finished, flag_id, removal))
        return asyncio.shield(done)

    def get(self, flag_id: int) -> Removal | None:
        """The flag's removal if one is in progress."""
        return self._by_flag.get(flag_id)

    def _finished(self, flag_id: int, removal: Removal, done: asyncio.Future[bool]) -> None:
        removal.answer()
        if self._by_flag.get(flag_id) is removal:
            del self._by_flag[flag_id]
