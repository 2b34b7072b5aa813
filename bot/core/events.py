"""Neutral events that adapters produce from native platform events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.core.model import Actor, ChannelRef, Media, MessageRef, UserRef


@dataclass(frozen=True, slots=True)
class MessagePosted:
    """Someone posted a plain (non-command) message in a channel the bot watches.

    ``revision``: "" when first posted; for an edit that keeps the message's id
    (Discord), the edit's version, so the new text is screened once more.
    ``posted_at``: when it was posted, for a message handed over late (caught up after a
    restart); None for one that arrives as it is posted."""

    message: MessageRef
    actor: Actor
    text: str
    revision: str = ""
    media: tuple[Media, ...] = ()  # pictures, files, stickers it carries
    posted_at: datetime | None = None

    @property
    def channel(self) -> ChannelRef:
        return self.message.channel


@dataclass(frozen=True, slots=True)
class CommandTyped:
    """A command typed as a visible chat message; its words are screened like any message."""

    message: MessageRef
    actor: Actor
    text: str


@dataclass(frozen=True, slots=True)
class ReactionAdded:
    """Someone reacted to a message with `key` (an emoji, or on Matrix any text).

    ``reaction``: the reaction itself, where the platform lets a reaction carry text the
    class sees (Matrix), so it can be screened and removed; None elsewhere."""

    target: MessageRef
    actor: Actor
    key: str
    reaction: MessageRef | None = None


@dataclass(frozen=True, slots=True)
class PollVoted:
    """Someone chose option `option` (0-based) in a native platform poll."""

    target: MessageRef
    actor: Actor
    option: int


@dataclass(frozen=True, slots=True)
class MessageShared:
    """A student's message is now visible to the class (allowed, or approved by the teacher)."""

    classroom_id: int
    channel: ChannelRef
    author: UserRef
    text: str


@dataclass(frozen=True, slots=True)
class EncryptedRoom:
    """The bot sees a room it cannot read because encryption is on."""

    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class DirectMessage:
    """Someone wrote to the bot one-to-one (not a command); `reply_to` is the message they
    answered, if their platform says so."""

    message: MessageRef
    actor: Actor
    text: str
    reply_to: str | None = None

    @property
    def channel(self) -> ChannelRef:
        return self.message.channel


@dataclass(frozen=True, slots=True)
class ThreadNamed:
    """A person created a thread or renamed one (Discord threads have names; Matrix threads
    have none): the name is visible text. `actor` is who the thread belongs to."""

    thread: ChannelRef
    actor: Actor
    name: str


@dataclass(frozen=True, slots=True)
class Connected:
    """The platform connected afresh and will not replay what was posted while the bot was
    away (a new Discord gateway session); features catch up through `Chat.catch_up`."""


@dataclass(frozen=True, slots=True)
class BotRemoved:
    """The bot was removed from a channel (kicked, banned, or the channel is gone to it)."""

    channel: ChannelRef


@dataclass(frozen=True, slots=True)
class BotReturned:
    """The bot is in a channel again after an invite (it may have been removed before)."""

    channel: ChannelRef


Event = (
    MessagePosted
    | CommandTyped
    | ReactionAdded
    | PollVoted
    | EncryptedRoom
    | DirectMessage
    | ThreadNamed
    | Connected
    | BotRemoved
    | BotReturned
)
