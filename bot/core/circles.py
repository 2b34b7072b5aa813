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
