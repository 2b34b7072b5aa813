"""The Chat port: what a feature may ask of a chat platform, and what it answers.

Each platform adapter implements it by translating to native calls. No
business rule lives behind this interface. tests/contract runs one suite
against every implementation (the recording chat, Matrix on Synapse, Discord
through discord.py); a behaviour that differs by platform is written here.

Failures (bot/core/errors.py). A method either does what it says or raises
one of these; native errors (discord.HTTPException, nio error responses,
aiohttp errors) never leave an adapter:

- `Forbidden`: the bot lacks a permission, power level or membership. Nothing
  was done; retrying cannot help until a person fixes it. The message names
  what to grant. (Discord also posts that hint in the class's teacher channel,
  at most hourly per permission, except for `hide`, whose caller tells.)
- `Gone`: the target no longer exists (a deleted channel, thread or root
  message). Matrix rarely says so: a room the bot is not in is `Forbidden`.
- `Unavailable`: transient (server error, rate limit, network). The call may
  be repeated later with the same `Outgoing.key` and still posts at most once.
- `ChatError`: anything else the platform refuses (a malformed or oversized
  request); retrying unchanged will not help.

Idempotency: a post with `Outgoing.key` appears at most once however often
it is repeated, while the platform remembers the key (Matrix: the
transaction id, per bot device, about 24 hours; Discord: the nonce, a few
minutes); the Delivery row (bot/deliveries.py) covers longer gaps. A post
without a key may appear once per call.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from bot.core.accounts import AccountSyntax
from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, Role, UserRef

OnPosted = Callable[[MessageRef], Awaitable[object]]  # told where a message now is


class Chat(Protocol):
    """One connected chat platform."""

    platform: Platform

    @property
    def accounts(self) -> AccountSyntax:
        """How this platform writes an account in message text (mentions, user ids), for
        a feature that must find them without knowing the platform (bot/core/accounts.py)."""
        ...

    async def start(self) -> None:
        """Connect and begin receiving events."""
        ...

    async def stop(self) -> None:
        """Disconnect cleanly."""
        ...

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        """Post `out` in the channel (or its thread) and return its (first) message.

        At most once per `out.key`: a repeat returns the message already posted.
        Text too long for one message is split (Discord: 2000 characters); the
        reference is to the first part. `out.mentions` notify those people only;
        nothing in the text ever pings anyone else. Raises Forbidden (may not post
        there), Gone (Discord: channel or thread deleted), Unavailable, ChatError."""
        ...

    async def send_poll(
        self,
        channel: ChannelRef,
        question: str,
        options: list[str],
        out: Outgoing,
        posted: OnPosted | None = None,
    ) -> MessageRef:
        """Post a poll of `question` with `options`, at most once per `out.key`.

        Discord: a native poll (24 h; votes arrive as PollVoted). Matrix: the question
        and numbered options as text, with the bot's own 1️⃣, 2️⃣, … reactions ready to
        tap (votes arrive as PollVoted too). `posted` is awaited as soon as the poll exists,
        before any option can be tapped, so the earliest vote finds it recorded. Raises as
        `send`."""
        ...

    async def open_thread(self, root: MessageRef, title: str) -> ChannelRef:
        """Start a discussion thread on `root` (a message the bot posted) and return where
        to post in it. Opening it again returns the same thread (e.g. after a crash).

        Matrix needs no call (replies to the root form the thread). Raises Forbidden
        (Discord: Create Public Threads), Gone (Discord: the root was deleted),
        Unavailable, ChatError."""
        ...

    async def close_thread(self, thread: ChannelRef, notice: Outgoing) -> None:
        """End a thread's discussion window: post `notice` in it (once per its key), then,
        on Discord, archive and lock it. Matrix cannot lock a thread: people can still
        reply after the notice. Raises as `send` (Discord: Manage Threads to lock)."""
        ...

    async def rename_thread(self, thread: ChannelRef, name: str) -> None:
        """Give a thread a new name (a held name is replaced); nothing on a platform whose
        threads have no names."""
        ...

    async def hide(self, message: MessageRef, reason: str) -> None:
        """Remove a message from the class's view (Matrix: redact; Discord: delete).

        Returns once nobody can see it any more: a message already gone (deleted by
        its author, or hidden before) or unknown counts as hidden and returns normally,
        so calling it again is safe. Raises Forbidden when the bot may not remove it
        (Matrix: power level below the room's redact level; Discord: Manage Messages)
        and Unavailable on a transient failure; then the message is still visible, so
        the caller keeps it pending, tells the teacher and tries again later. Never
        tells anyone itself."""
        ...

    async def repost_as(self, channel: ChannelRef, author: UserRef, out: Outgoing) -> MessageRef:
        """Post text (and `out.media`) on behalf of `author` (approved messages), naming them.

        Discord: through the channel's webhook, under the author's name and avatar;
        webhooks take no nonce, so a repeat posts again: only the caller's Delivery
        row keeps it once. Matrix: a notice from the bot that starts with the author's
        name (at most once per key), then the media again. Raises as `send` (Discord:
        Manage Webhooks)."""
        ...

    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        """Tell one person something, privately: only `user` (and the bot) can read `out`.

        Discord: a direct message; if their DMs are closed, a short pointer in `channel`
        mentioning them (not `out`'s text). Matrix: the one-to-one room with them; until
        they have joined it, a short pointer in `channel`; if no direct room can be
        opened, `out` itself in `channel`, mentioning them. At most once per `out.key`.
        Never raises Forbidden or Gone: when the pointer is refused too, it logs and
        returns (a student not told must not hold back the teacher's review). Raises
        Unavailable on a transient failure."""
        ...

    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        """Send `out` to one person in their direct conversation with the bot (found, or
        opened once: later calls use the same one); at most once per `out.key`.

        Discord allows it only to people who share a server with the bot and accept
        its DMs: otherwise Forbidden. Matrix opens the room with an invite that they
        must accept to read it (Forbidden if the homeserver refuses to open it).
        Raises Unavailable, ChatError."""
        ...

    async def ask_decision(self, channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        """Post a flag in the teacher channel with Approve / Reject controls; `out.media`
        (a held picture) is shown there too, copied while the original still exists.

        At most once per `out.key`. Discord: an embed with Approve, Reject and Reject
        with reason… buttons (a picture that cannot be attached is named instead).
        Matrix: a notifying m.text with the bot's ✅ and ❌ reactions ready to tap,
        the picture right after it. Decisions with these controls arrive as Decided.
        Raises as `send`."""
        ...

    async def edit(self, message: MessageRef, out: Outgoing) -> MessageRef:
        """Show `out.text` in place of the text of `message`, a message the bot itself posted
        with `send` or `ask_decision` (a review keeps its Approve / Reject controls; nobody is
        notified again). At most once per `out.key`. Returns the message that now shows the
        text (`message` itself). Raises when the edit cannot be made (the platform refuses, or
        the message is gone), never failing silently: the caller then posts the text anew, so
        nothing is lost."""
        ...

    async def kept_media(self, review: MessageRef, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """Handles for `media` that still work after the student's message is gone (the
        copies shown with the review), for reposting it once approved. An item without
        a copy (a sticker, a file too big), or a review that cannot be read, keeps its
        original handle (reposting then names it instead). Raises Unavailable."""
        ...

    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        """Create the private teacher channel for a class and let its teachers in (Matrix:
        invited, with power level 50). Each call creates a new one: the caller keeps
        the one it made. Raises Forbidden (Discord: Manage Channels), Unavailable,
        ChatError."""
        ...

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        """Why students could read `channel` (with the exact fix), or None if only teachers can.

        Read from what the bot knows of the platform (Matrix: its synced room state;
        Discord: the guild cache); never raises. A channel the bot cannot see is a
        problem, not an error."""
        ...

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        """The people with the teacher role in a class channel (Matrix: power level 50 or
        more, room creators included; Discord: Manage Channels or the teacher role);
        never the bot. Read from the bot's cache: an unknown channel has none."""
        ...

    async def role(self, classroom: ChannelRef, user: UserRef) -> Role:
        """The role the class channel gives `user` now (teacher or student), wherever they
        act: in the teacher channel too, so a teacher demoted in the class is one no more."""
        ...

    async def readers(self, channel: ChannelRef) -> list[UserRef]:
        """Everyone but the bot who can read `channel` (members and invited people)."""
        ...

    async def remove(self, channel: ChannelRef, user: UserRef, reason: str) -> None:
        """Take `user` out of `channel` (the teacher channel); raises if the platform refuses
        or cannot, so the caller knows the channel may still be readable."""
        ...

    async def members(self, classroom: ChannelRef) -> list[UserRef]:
        """Everyone in a class channel the platform knows of now (not bots), once per name
        they go by (display name; on Discord also the username and global name), so names
        can be kept in class. Never raises for a channel it cannot see: an empty list."""
        ...

    async def catch_up(self, channel: ChannelRef, after: str | None, since: datetime) -> int:
        """Hand over (as `MessagePosted`, oldest first) what was posted in `channel` (or its
        thread) after message `after`, or after `since` when there is no such message, that
        the platform will not deliver by itself; a bounded number, the newest. Returns how
        many were handed over. A platform that replays what it missed returns 0.

        Discord without Read Message History: tells the teacher (hint) and returns 0."""
        ...
