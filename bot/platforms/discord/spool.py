"""Discord events that met a storage fault, kept on disk until they are handled.

Discord does not hand an event over again, and the database is what is down, so
the neutral event is appended to a JSON-lines file in the bot's data dir
(fsynced) and tried again until the features handle it; a line marks it done.
At start the file is read back and what is not done is handed over again
(handling is idempotent: a message already screened is not screened twice).
"""

from __future__ import annotations

import asyncio
import dataclasses
import enum
import json
import logging
import os
import types
import typing
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.core import events
from bot.core.errors import NotHandled

log = logging.getLogger(__name__)

RETRY_FIRST, RETRY_MAX = 0.5, 5.0
KINDS: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        events.MessagePosted,
        events.CommandTyped,
        events.ReactionAdded,
        events.PollVoted,
        events.Decided,
        events.ThreadNamed,
        events.DirectMessage,
        events.Connected,
    )
}


def encode(value: Any) -> Any:
    """A neutral value as JSON (dataclasses by field, enums by value, times as ISO)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [encode(v) for v in value]
    return value


def decode(kind: Any, raw: Any) -> Any:
    """The neutral value of type `kind` that `encode` turned into `raw`."""
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        if raw is None:
            return None
        kind = next(a for a in typing.get_args(kind) if a is not type(None))
        origin = typing.get_origin(kind)
    if origin is tuple:
        return tuple(decode(typing.get_args(kind)[0], v) for v in raw)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind)
        fields = {f.name for f in dataclasses.fields(kind) if f.init}
        return kind(**{k: decode(hints[k], v) for k, v in raw.items() if k in fields})
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(raw)
    if kind is datetime:
        return datetime.fromisoformat(raw)
    return raw


class RetrySpool:
    """An append-only list of unhandled events, retried in order until each is handled."""

    def __init__(self, path: Path, handle: Callable[[events.Event], Awaitable[None]]) -> None:
        self.path = path
        self.handle = handle
        self.pending: dict[str, events.Event] = {}
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def load(self) -> int:
        """Read back what an earlier run left unhandled; returns how many."""
        if not self.path.exists():
            return 0
        for line in self.path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
                if "done" in entry:
                    self.pending.pop(entry["done"], None)
                else:
                    self.pending[entry["id"]] = decode(KINDS[entry["kind"]], entry["event"])
            except (ValueError, KeyError, TypeError):  # a line cut short by a crash
                log.warning("skipping an unreadable line in %s", self.path)
        if not self.pending:
            self._truncate()
        return len(self.pending)

    def keep(self, event: events.Event) -> None:
        """Write `event` down (on disk before this returns) and retry it until handled."""
        entry_id = uuid.uuid4().hex
        kind = type(event).__name__
        self._append({"id": entry_id, "kind": kind, "event": encode(event)})
        self.pending[entry_id] = event
        self._wake.set()

    def start(self, ready: Callable[[], Awaitable[object]]) -> None:
        """Retry in the background once `ready()` returns (the platform is connected)."""
        self._task = asyncio.create_task(self._retry_forever(ready), name="discord-retries")
        if self.pending:
            self._wake.set()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _retry_forever(self, ready: Callable[[], Awaitable[object]]) -> None:
        await ready()
        delay = RETRY_FIRST
        while True:
            await self._wake.wait()
            self._wake.clear()
            while self.pending:
                entry_id, event = next(iter(self.pending.items()))
                try:
                    await self.handle(event)
                except NotHandled as e:
                    log.warning("an event is still waiting for the database (%s); "
                                "retrying in %.1f s", e, delay)  # fmt: skip
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, RETRY_MAX)
                    continue
                except Exception:
                    log.exception("handling a kept %s failed; dropping it", type(event).__name__)
                delay = RETRY_FIRST
                self.done(entry_id)

    def done(self, entry_id: str) -> None:
        """Mark a kept event handled; the file is emptied once nothing waits."""
        self.pending.pop(entry_id, None)
        if self.pending:
            self._append({"done": entry_id})
        else:
            self._truncate()

    def _append(self, entry: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(entry, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    def _truncate(self) -> None:
        if self.path.exists():
            with self.path.open("r+b") as f:
                f.truncate(0)
                f.flush()
                os.fsync(f.fileno())
