"""Neutral events that adapters produce from native platform events."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.model import Actor, Attachment, ChannelRef, Media, MessageRef, Platform, UserRef


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
    """Someone chose option `option` (0-based) in a poll the bot posted (`target`), however
    the platform lets them vote (Discord: its native poll; Matrix: a numbered reaction). The
    adapter cannot tell a poll from other messages: `target` may be no poll at all."""

    target: MessageRef
    actor: Actor
    option: int


@dataclass(frozen=True, slots=True)
class Decided:
    """A teacher approved or rejected a review item with the platform's own controls (a
    button, the reason form, a ✅ / ❌ reaction) rather than by typing a command.

    ``review``: the message the control is on (None when the platform does not say);
    ``item``: the item's number where the control carries it (a Discord button), else None
    and the item is the one `review` shows. The adapter cannot tell a review from other
    messages: `review` may be no review at all. ``reason``: for the student ("" for none)."""

    review: MessageRef | None
    channel: ChannelRef
    actor: Actor
    approve: bool
    item: int | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True)
class FileUploaded:
    """Someone uploaded a file (`name`, `media` its handle) in a channel; `read` fetches it as
    a small text Attachment (raises UserError when it is too big or not text). ``prefix``:
    how commands are typed there (for hints in the answer)."""

    message: MessageRef
    actor: Actor
    name: str
    media: Media
    read: Callable[[], Awaitable[Attachment]] = field(compare=False, repr=False)
    prefix: str = "!"

    @property
    def channel(self) -> ChannelRef:
        return self.message.channel


@dataclass(frozen=True, slots=True)
class MessageShared:
    """A student's message is now visible to the class (allowed, or approved by the teacher).

    ``message_id``: the message the class sees (the student's own, or the bot's repost of
    an approved one); ``approved``: a teacher approved it (it was held first)."""

    classroom_id: int
    channel: ChannelRef
    author: UserRef
    text: str
    message_id: str = ""
    approved: bool = False


@dataclass(frozen=True, slots=True)
class MessageUnreadable:
    """Someone posted an encrypted message the bot still cannot decrypt after a grace
    period (no key came): unscreened content the class may see."""

    message: MessageRef
    actor: Actor

    @property
    def channel(self) -> ChannelRef:
        return self.message.channel


@dataclass(frozen=True, slots=True)
class EncryptionReset:
    """The bot's encryption keys were lost (its crypto store unreadable or missing) and it
    started afresh: as device `device` if it could log in anew (`new_device`), else it
    cannot read encrypted rooms until it is given a new login. Teachers should know."""

    platform: Platform
    device: str
    new_device: bool


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


@dataclass(frozen=True, slots=True)
class RoomChanged:
    """Who is in a channel, or what they (or the bot) may do there, changed: a member
    joined, left or was invited, a role or power level or a channel's permissions were
    edited. `channel` None: something that touches every channel of the platform (a
    Discord server's role)."""

    platform: Platform
    channel: ChannelRef | None = None


Event = (
    MessagePosted
    | CommandTyped
    | ReactionAdded
    | PollVoted
    | Decided
    | MessageUnreadable
    | EncryptionReset
    | DirectMessage
    | ThreadNamed
    | Connected
    | BotRemoved
    | BotReturned
    | RoomChanged
)

# events whose actor waits for an answer (`Dispatcher.request`): a click, an upload
Request = Decided | FileUploaded
