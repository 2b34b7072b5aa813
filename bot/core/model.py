"""Neutral value types shared by every feature and every platform adapter."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Platform(enum.StrEnum):
    """Where a classroom lives."""

    MATRIX = "matrix"
    DISCORD = "discord"


class Role(enum.IntEnum):
    """What a person may do in a class; higher includes lower."""

    STUDENT = 0
    AUTHOR = 1
    TEACHER = 2


@dataclass(frozen=True, slots=True)
class UserRef:
    """A person on a platform. `name` is what the class sees (display name)."""

    platform: Platform
    id: str
    name: str = ""

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """A class channel/room, optionally a thread inside it.

    Matrix: `id` is the room id and `thread` the thread root event id.
    Discord: `id` is the channel id and `thread` the thread channel id.
    """

    platform: Platform
    id: str
    thread: str | None = None

    def in_thread(self, thread: str | None) -> ChannelRef:
        return ChannelRef(self.platform, self.id, thread)

    @property
    def room(self) -> ChannelRef:
        """The channel itself, outside any thread."""
        return ChannelRef(self.platform, self.id, None)


@dataclass(frozen=True, slots=True)
class MessageRef:
    """A message that exists on a platform."""

    channel: ChannelRef
    id: str


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something, and their role in the class where they did it."""

    user: UserRef
    role: Role

    @property
    def is_teacher(self) -> bool:
        return self.role >= Role.TEACHER


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message the bot wants to post.

    `key` is the delivery key: the same key never posts twice (Matrix
    transaction id / Discord nonce are derived from it).
    """

    text: str
    key: str | None = None
    notice: bool = True
    mentions: tuple[UserRef, ...] = ()
    media: tuple[Media, ...] = ()  # pictures or files shown with the text


@dataclass(frozen=True, slots=True)
class Media:
    """A picture, video, sound, sticker or file in someone's message.

    `ref` is the platform's own handle for showing it again (features never read it)."""

    kind: str  # image | video | audio | sticker | file | location | poll | content
    name: str
    ref: str

    def describe(self) -> str:
        return f"{self.kind} “{self.name}”" if self.name else self.kind


MAX_ATTACHMENT_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class Attachment:
    """A small text file a person gave the bot (a season plan), or one the bot sends back."""

    filename: str
    text: str

    @classmethod
    def from_bytes(cls, filename: str, data: bytes) -> Attachment:
        """Decode an uploaded file, refusing what is too big or not text."""
        from bot.core.errors import UserError

        if len(data) > MAX_ATTACHMENT_BYTES:
            raise UserError(f"{filename} is too big; a plan file is at most 64 KB.")
        try:
            return cls(filename, data.decode("utf-8-sig"))
        except UnicodeDecodeError:
            raise UserError(f"{filename} is not a text file; send the .toml plan file.") from None
