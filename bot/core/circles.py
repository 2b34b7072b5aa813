"""What one class shares with the other classes of its circle, as it travels.

The same values move between classes of one installation (cogs/circles) and between
installations over a Matrix circle room (bot/platforms/matrix). They carry a class's label
and a student's first name (or the class's alias) only: never an account id, handle,
avatar or last name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class SharedPost:
    """A student's post offered to a circle: one per post, delivered once per partner."""

    uid: str  # stable and unique everywhere: "<installation id>:<post number>"
    circle_uid: str  # the circle's id everywhere: "<installation that made it>:<number>"
    from_class: str  # the sending class everywhere: "<installation id>:<class number>"
    class_label: str  # "Room 12 (Wellington, NZ)"
    first_name: str  # "Aroha", or the class's alias for the student
    chapter: int  # the chapter whose discussion it came from (partners get it from then)
    kind: str  # "thought" | "summary" | "prediction" | "answer"
    text: str


@dataclass(frozen=True, slots=True)
class Retraction:
    """A shared post taken back (hidden or rejected where it came from): every copy goes."""

    uid: str
    circle_uid: str


class CircleTransport(Protocol):
    """Carries posts and retractions to the classes of other installations."""

    async def offer(self, post: SharedPost) -> None:
        """Send `post` to every other installation of its circle (at most once each)."""

    async def retract(self, retraction: Retraction) -> None:
        """Take back a post everywhere it was sent."""


# ---- between installations: what a circle room carries (cogs/circles/remote*.py) ----

WIRE_VERSION = 1
# the kinds of circle events: a post, its retraction, a class joining or leaving, an
# acknowledgement of what arrived, several posts and retractions in one event (``posts``,
# `BATCHED`); and, between two bots only, a join request and answer
ROOM_KINDS = ("post", "retract", "member", "ack", "posts")
BATCHED = ("post", "retract")  # the kinds a ``posts`` event carries, each a list entry
MAX_BATCH = 50  # entries in one ``posts`` event
ASK_KINDS = ("join", "answer")


@dataclass(frozen=True, slots=True)
class WireEvent:
    """A circle event that passed the adapter's schema check (kind, version, field types
    and sizes). Who sent it is the homeserver's word; whether that sender may say it (a
    partner installation of that circle) is the circles feature's check."""

    kind: str
    room_id: str
    sender: str  # the sending installation's bot (Matrix user id)
    event_id: str
    content: dict[str, object]


class CircleWire(Protocol):
    """How the circles feature reaches other installations (a Matrix account's rooms)."""

    @property
    def me(self) -> str:
        """This installation's bot address as partners see it (``@readaloud:school-a``)."""

    async def open_room(self, circle_uid: str) -> str:
        """A new invite-only circle room; returns its id."""

    async def invite(self, room_id: str, bot: str) -> None:
        """Let another installation's bot into a circle room."""

    async def enter(self, room_id: str) -> None:
        """Join a circle room this bot was invited to."""

    async def send(self, room_id: str, kind: str, content: dict[str, object], key: str) -> str:
        """Send one circle event; the same `key` is the same transaction (sent once)."""

    async def ask(self, bot: str, content: dict[str, object], key: str) -> str:
        """Open a two-bot room with `bot` and send it a join request; returns the room."""

    async def answer(self, room_id: str, content: dict[str, object], key: str) -> None:
        """Answer a join request in its two-bot room, then leave it."""
