"""An in-memory chat platform that records what the bot posts (the edge we cannot run here).

Like real platforms it drops a repeated post with the same idempotency key.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, UserRef
from bot.core.ports import OnPosted


@dataclass
class Posted:
    """One thing the bot did on the platform."""

    action: str
    channel: ChannelRef
    text: str
    key: str | None
    id: str
    to: str | None = None
    options: list[str] = field(default_factory=list)
    media: tuple[Media, ...] = ()


class RecordingChat:
    """A Chat that keeps every post in `posts`; `fail_after` simulates a crash."""

    platform = Platform.MATRIX

    def __init__(self, teachers: list[UserRef] | None = None) -> None:
        self.posts: list[Posted] = []
        self.by_key: dict[str, Posted] = {}
        self._ids = itertools.count(1)
        self._teachers = teachers or []
        self.people: list[UserRef] = []  # the students in the class, when a test says
        self.crash_on: str | None = None
        self.problems: dict[str, str] = {}  # channel id -> why students could read it
        self.hide_refused = ""  # set: removing messages fails with this error
        self.caught_up: list[tuple[ChannelRef, str | None, datetime]] = []  # catch_up calls

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    def _post(self, action: str, channel: ChannelRef, out: Outgoing, **extra: object) -> Posted:
        if out.key and out.key in self.by_key:  # the platform drops the duplicate
            return self.by_key[out.key]
        if self.crash_on and out.key and self.crash_on in out.key:
            self.crash_on = None
            raise ConnectionError("the bot crashed here")
        posted = Posted(
            action,
            channel,
            out.text,
            out.key,
            f"$m{next(self._ids)}",
            media=out.media,
            **extra,  # type: ignore[arg-type]
        )
        self.posts.append(posted)
        if out.key:
            self.by_key[out.key] = posted
        return posted

    def texts(self, action: str | None = None) -> list[str]:
        return [p.text for p in self.posts if action is None or p.action == action]

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        return MessageRef(channel, self._post("send", channel, out).id)

    async def send_poll(
        self,
        channel: ChannelRef,
        question: str,
        options: list[str],
        out: Outgoing,
        posted: OnPosted | None = None,
    ) -> MessageRef:
        poll = MessageRef(channel, self._post("poll", channel, out, options=options).id)
        if posted is not None:
            await posted(poll)
        return poll

    async def open_thread(self, root: MessageRef, title: str) -> ChannelRef:
        return root.channel.in_thread(root.id)

    async def close_thread(self, thread: ChannelRef, notice: Outgoing) -> None:
        self._post("close", thread, notice)

    async def rename_thread(self, thread: ChannelRef, name: str) -> None:
        self.posts.append(Posted("rename", thread, name, None, thread.thread or thread.id))

    async def hide(self, message: MessageRef, reason: str) -> None:
        if self.hide_refused:  # what a platform says without the permission to remove
            raise PermissionError(self.hide_refused)
        self.posts.append(Posted("hide", message.channel, reason, None, message.id))

    async def repost_as(self, channel: ChannelRef, author: UserRef, out: Outgoing) -> MessageRef:
        return MessageRef(channel, self._post("repost", channel, out, to=author.id).id)

    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        self._post("tell", channel, out, to=user.id)

    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        channel = ChannelRef(self.platform, f"dm:{user.id}")
        return MessageRef(channel, self._post("dm", channel, out, to=user.id).id)

    async def ask_decision(self, channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        return MessageRef(channel, self._post("review", channel, out).id)

    async def kept_media(self, review: MessageRef, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """The copies shown with the review (the student's originals are gone)."""
        return tuple(Media(m.kind, m.name, f"{review.id}/{i}") for i, m in enumerate(media))

    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        return ChannelRef(classroom.platform, classroom.id + "-teachers")

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        return self.problems.get(channel.id)

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        return list(self._teachers)

    async def members(self, classroom: ChannelRef) -> list[UserRef]:
        """The class's people, when a test names them (else unknown: empty)."""
        return [*self._teachers, *self.people] if self.people else []

    async def catch_up(self, channel: ChannelRef, after: str | None, since: datetime) -> int:
        """Records what was asked; like Matrix, nothing is ever missed here."""
        self.caught_up.append((channel, after, since))
        return 0
