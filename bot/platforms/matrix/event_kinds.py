"""What kind of event a Matrix event is, as the inbound side asks: in a thread, typed as a
command, or history too old to run as one."""

from __future__ import annotations

import time
from typing import Any

from nio import Event, RoomMessageEmote, RoomMessageNotice, RoomMessageText

from bot.core.commands import Registry
from bot.core.textcommand import is_command

COMMAND_WINDOW_S = 300  # a command older than this when the bot sees it is history


def relation(content: dict[str, Any]) -> dict[str, Any]:
    rel = content.get("m.relates_to")
    return rel if isinstance(rel, dict) else {}


def thread_root(content: dict[str, Any]) -> str | None:
    """The thread root event id if the message is in a thread."""
    rel = relation(content)
    return rel.get("event_id") if rel.get("rel_type") == "m.thread" else None


def typed_command(ev: Event, registry: Registry, prefix: str) -> bool:
    """Whether a message was typed as one of the bot's commands (``!readaloud …``)."""
    if not isinstance(ev, RoomMessageText | RoomMessageEmote | RoomMessageNotice):
        return False
    return is_command(registry, ev.body or "", prefix)


def stale(ev: Event) -> bool:
    """Older than a command may be when it is run (history, not someone typing now)."""
    sent = getattr(ev, "server_timestamp", 0) or 0
    return sent > 0 and time.time() * 1000 - sent > COMMAND_WINDOW_S * 1000
