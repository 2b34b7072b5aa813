"""The Chat port: what a feature may ask of a chat platform.

Each platform adapter implements it by translating to native calls. No
business rule lives behind this interface.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, UserRef

OnPosted = Callable[[MessageRef], Awaitable[object]]  # told where a message now is


class Chat(Protocol):
    """One connected chat platform."""

    platform: Platform

    async def start(self) -> None:
        """Connect and begin receiving events."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        """Post `out` in the channel (or its thread); at most once per `out.key`."""
        ...

    async def send_poll(
        self,
        channel: ChannelRef,
        question: str,
        options: list[str],
        out: Outgoing,
        posted: OnPosted | None = None,
    ) -> MessageRef:
        """Post a poll (native where the platform has one, else numbered reactions);
        `posted` is awaited as soon as the poll exists, before any option can be tapped, so
        the earliest vote finds it recorded."""
        ...

    async def open_thread(self, root: MessageRef, title: str) -> ChannelRef:
        """Start a discussion thread on `root` and return where to post in it."""
        ...

    async def close_thread(self, thread: ChannelRef, notice: Outgoing) -> None:
        """End a thread's discussion window (archive/lock, or a closing notice)."""
        ...

    async def rename_thread(self, thread: ChannelRef, name: str) -> None:
        """Give a thread a new name (a held name is replaced); nothing on a platform whose
        threads have no names."""
        ...

    async def hide(self, message: MessageRef, reason: str) -> None:
        """Remove a message from the class's view (redact/delete)."""
        ...

    async def repost_as(self, channel: ChannelRef, author: UserRef, out: Outgoing) -> MessageRef:
        """Post text (and `out.media`) on behalf of `author` (approved messages), naming them."""
        ...

    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        """Tell one person something, as privately as the platform allows."""
        ...

    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        """Send `out` to one person in a direct conversation (found or opened once)."""
        ...

    async def ask_decision(self, channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        """Post a flag in the teacher channel with Approve / Reject controls; `out.media`
        (a held picture) is shown there too, copied while the original still exists."""
        ...

    async def kept_media(self, review: MessageRef, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """Handles for `media` that still work after the student's message is gone (the
        copies shown with the review), for reposting it once approved."""
        ...

    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        """Create the private teacher channel for a class and let its teachers in."""
        ...

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        """Why students could read `channel` (with the exact fix), or None if only teachers can."""
        ...

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        """The people with the teacher role in a class channel."""
        ...

    async def members(self, classroom: ChannelRef) -> list[UserRef]:
        """The people (not bots) who are in a class channel; empty when the platform cannot
        list them."""
        ...

    async def catch_up(self, channel: ChannelRef, after: str | None, since: datetime) -> int:
        """Hand over (as `MessagePosted`, oldest first) what was posted in `channel` (or its
        thread) after message `after`, or after `since` when there is no such message, that
        the platform will not deliver by itself; a bounded number, the newest. Returns how
        many were handed over. A platform that replays what it missed returns 0."""
        ...
