"""The circle events' schema on Matrix, checked strictly before anything reads them.

Types ``org.readaloud.circle.<kind>`` with ``"v": 1``; every field has a type and a size
limit, unknown fields are refused, and so is an event larger than `MAX_BYTES`. A refused
event is logged and dropped: nothing of it is ever shown.

A ``posts`` event carries several posts and retractions (``entries``, each the content of
a ``post`` or ``retract`` event with its ``type``), so a busy circle is not held to one
event per post; each entry is checked on its own (`entries`): a bad one is dropped, the
others still count.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from bot.core.circles import ASK_KINDS, BATCHED, MAX_BATCH, ROOM_KINDS, WIRE_VERSION

log = logging.getLogger(__name__)
PREFIX = "org.readaloud.circle."
ROOM_TYPE = "org.readaloud.circle"  # m.room.create type of a circle room
ASK_ROOM_TYPE = "org.readaloud.circle.ask"  # ... of a two-bot room for a join request
MAX_BYTES = 16_000
POST_KINDS = ("thought", "summary", "prediction", "answer")

_ID = (str, 255)
_MEMBER: dict[str, tuple[type, int]] = {
    "class": _ID, "installation": _ID, "label": (str, 200), "platform": (str, 20),
    "chapter": (str, 80),
}  # fmt: skip
# kind -> field -> (type, size limit); fields ending in "?" may be left out
SCHEMA: dict[str, dict[str, tuple[type, int]]] = {
    "post": {
        "circle": _ID, "uid": _ID, "from_class": _ID, "class_label": (str, 200),
        "first_name": (str, 60), "chapter": (int, 100_000), "kind": (str, 20),
        "text": (str, 4000),
    },
    "retract": {"circle": _ID, "uid": _ID},
    "member": {"circle": _ID, **_MEMBER, "left": (bool, 0)},
    "ack": {"circle": _ID, "uids": (list, 500), "retracted": (list, 500)},
    "posts": {"circle": _ID, "entries": (list, MAX_BATCH)},
    "join": {"code": (str, 40), **_MEMBER, "book": (str, 255)},
    "answer": {
        "ok": (bool, 0), "reason?": (str, 20), "circle?": _ID, "room?": _ID,
        "name?": (str, 80), "book?": (str, 255), "members?": (list, 200),
    },
}  # fmt: skip


def event_type(kind: str) -> str:
    return PREFIX + kind


def checked(ev_type: str, content: Any, *, in_ask_room: bool) -> tuple[str, dict[str, Any]]:
    """(kind, content) of a valid circle event; raises ValueError saying what is wrong."""
    if not ev_type.startswith(PREFIX):
        raise ValueError(f"not a circle event: {ev_type[:80]}")
    kind = ev_type.removeprefix(PREFIX)
    allowed = ASK_KINDS if in_ask_room else ROOM_KINDS
    if kind not in allowed or kind not in SCHEMA:
        raise ValueError(f"unknown or misplaced circle event kind {kind[:40]!r}")
    if not isinstance(content, dict):
        raise ValueError("content is not an object")
    if len(json.dumps(content, ensure_ascii=False).encode()) > MAX_BYTES:
        raise ValueError("content too large")
    if content.get("v") != WIRE_VERSION:
        raise ValueError(f"unsupported schema version {content.get('v')!r}")
    spec = SCHEMA[kind]
    fields = {name.rstrip("?"): (name.endswith("?"), rule) for name, rule in spec.items()}
    extra = set(content) - set(fields) - {"v"}
    if extra:
        raise ValueError(f"unknown fields {sorted(extra)[:5]}")
    for name, (optional, (typ, limit)) in fields.items():
        if name not in content:
            if optional:
                continue
            raise ValueError(f"missing field {name}")
        _field(name, content[name], typ, limit)
    if kind == "post" and content["kind"] not in POST_KINDS:
        raise ValueError(f"unknown post kind {content['kind']!r}")
    if kind == "ack" and not all(
        isinstance(u, str) and 0 < len(u) <= 255 for u in (*content["uids"], *content["retracted"])
    ):
        raise ValueError("ack uids must be short strings")
    if kind == "answer":
        for member in content.get("members", []):
            if not isinstance(member, dict) or set(member) != set(_MEMBER):
                raise ValueError("answer members must be class descriptions")
            for name, (typ, limit) in _MEMBER.items():
                _field(name, member[name], typ, limit)
    return kind, {k: v for k, v in content.items() if k != "v"}


def entries(batch: dict[str, Any]) -> list[tuple[str, dict[str, Any]] | ValueError]:
    """The entries of a checked ``posts`` event, in order: (kind, content) of each valid
    one, the reason for each refused one (the wrong shape, or another circle's)."""
    found: list[tuple[str, dict[str, Any]] | ValueError] = []
    for entry in batch["entries"]:
        try:
            if not isinstance(entry, dict) or entry.get("type") not in BATCHED:
                raise ValueError("a batch entry must be a post or a retraction")
            content = {k: v for k, v in entry.items() if k != "type"}
            kind, content = checked(
                event_type(entry["type"]), {"v": WIRE_VERSION, **content}, in_ask_room=False
            )
            if content["circle"] != batch["circle"]:
                raise ValueError("a batch entry names another circle")
            found.append((kind, content))
        except ValueError as e:
            found.append(e)
    return found


def _field(name: str, value: Any, typ: type, limit: int) -> None:
    # bool is an int in Python: a chapter must not be True
    if not isinstance(value, typ) or (typ is int and isinstance(value, bool)):
        raise ValueError(f"field {name} must be {typ.__name__}")
    if isinstance(value, int) and not isinstance(value, bool) and not 0 <= value <= limit:
        raise ValueError(f"field {name} out of range")
    if isinstance(value, str | list) and len(value) > limit:
        raise ValueError(f"field {name} too long")
    identifies = name in ("circle", "uid", "from_class", "class", "installation", "code")
    if isinstance(value, str) and identifies and not value.strip():
        raise ValueError(f"field {name} is empty")
