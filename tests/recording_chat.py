"""An in-memory chat platform that records what the bot posts (the edge we cannot run here).

It keeps the Chat contract (bot/core/ports.py) like the real adapters: a
repeated post with the same idempotency key is dropped, hiding a message that
is already gone succeeds, and each failure the contract names can be
simulated with `refuse` (Forbidden, Gone, Unavailable, ChatError), so
features are tested against what a platform really answers.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from bot.core.errors import ChatError, Forbidden
from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, Role, UserRef
from bot.core.ports import OnPosted
from bot.platforms.accounts import MATRIX_ACCOUNTS

EVERY_CALL = "*"


@dataclass
class Posted:
    """One thing the bot did on the platform (or, for action "said", a person posted)."""

    action: str
    channel: ChannelRef
    text: str
    key: str | None
    id: str
    to: str | None = None
    options: list[str] = field(default_factory=list)
    media: tuple[Media, ...] = ()
    name: str = ""  # whose name a repost shows


class RecordingChat:
    """A Chat that keeps every post in `posts`; `crash_on` simulates a crash, `refuse`
    a platform's refusal of a call."""

    platform = Platform.MATRIX
    accounts = MATRIX_ACCOUNTS

    def __init__(self, teachers: list[UserRef] | None = None) -> None:
        self.posts: list[Posted] = []
        self.by_key: dict[str, Posted] = {}
        self._ids = itertools.count(1)
        self._teachers = teachers or []
        self.crash_on: str | None = None
        self.problems: dict[str, str] = {}  # channel id -> why students could read it
        self.hide_refused = ""  # set: removing messages fails with Forbidden(this text)
        self.refusals: dict[str, ChatError] = {}  # Chat method name (or "*") -> its error
        self.gone: set[str] = set()  # ids of messages nobody can see any more
        self.edit_refused = ""  # set: editing messages fails with this error
        self.in_channel: dict[str, list[UserRef]] = {}  # channel id -> who can read it
        self.caught_up: list[tuple[ChannelRef, str | None, datetime]] = []  # catch_up calls
        self.people: dict[str, list[UserRef]] = {}  # channel id -> members the platform lists

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    # ---- simulating the platform ----

    def refuse(self, method: str, error: ChatError | None) -> None:
        """From now on, every call of `method` (or of any method: "*") raises `error`
        before doing anything; None stops refusing."""
        if error is None:
            self.refusals.pop(method, None)
        else:
            self.refusals[method] = error

    def _check(self, method: str) -> None:
        error = self.refusals.get(method) or self.refusals.get(EVERY_CALL)
        if error is not None:
            raise error

    def person_says(self, channel: ChannelRef, user: UserRef, text: str) -> MessageRef:
        """Someone posts a message on the platform (not through the bot)."""
        posted = Posted("said", channel, text, None, f"$p{next(self._ids)}", to=user.id)
        self.posts.append(posted)
        return MessageRef(channel, posted.id)

    def visible(self, channel: ChannelRef) -> list[Posted]:
        """What people in the channel (or exactly that thread) can read, oldest first."""
        shown = {"said", "send", "poll", "close", "repost", "review"}
        return [
            p
            for p in self.posts
            if p.action in shown and p.channel == channel and p.id not in self.gone
        ]

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

    # ---- the Chat port ----

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        self._check("send")
        return MessageRef(channel, self._post("send", channel, out).id)

    async def send_poll(
        self,
        channel: ChannelRef,
        question: str,
        options: list[str],
        out: Outgoing,
        posted: OnPosted | None = None,
    ) -> MessageRef:
        self._check("send_poll")
        poll = MessageRef(channel, self._post("poll", channel, out, options=options).id)
        if posted is not None:
            await posted(poll)
        return poll

    async def open_thread(self, root: MessageRef, title: str) -> ChannelRef:
        self._check("open_thread")
        return root.channel.in_thread(root.id)

    async def close_thread(self, thread: ChannelRef, notice: Outgoing) -> None:
        """Like Matrix: a closing notice; the thread is not locked."""
        self._check("close_thread")
        self._post("close", thread, notice)

    async def rename_thread(self, thread: ChannelRef, name: str) -> None:
        self.posts.append(Posted("rename", thread, name, None, thread.thread or thread.id))

    async def hide(self, message: MessageRef, reason: str) -> None:
        """Gone from view; a message already gone (or unknown) counts as hidden."""
        if self.hide_refused:  # what a platform says without the permission to remove
            raise Forbidden(self.hide_refused)
        self._check("hide")
        self.gone.add(message.id)
        self.posts.append(Posted("hide", message.channel, reason, None, message.id))

    async def repost_as(self, channel: ChannelRef, author: UserRef, out: Outgoing) -> MessageRef:
        self._check("repost_as")
        posted = self._post("repost", channel, out, to=author.id, name=author.label)
        return MessageRef(channel, posted.id)

    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        self._check("tell")
        self._post("tell", channel, out, to=user.id)

    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        self._check("dm")
        channel = ChannelRef(self.platform, f"dm:{user.id}")
        return MessageRef(channel, self._post("dm", channel, out, to=user.id).id)

    async def ask_decision(self, channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        """The review, with Approve / Reject (its `options`)."""
        self._check("ask_decision")
        posted = self._post("review", channel, out, options=["approve", "reject"])
        return MessageRef(channel, posted.id)

    async def edit(self, message: MessageRef, out: Outgoing) -> MessageRef:
        """An edit of the bot's own message: recorded as "edit" with the message's id."""
        if self.edit_refused:  # what a platform says when the message is gone
            raise LookupError(self.edit_refused)
        if not any(p.id == message.id and p.action != "edit" for p in self.posts):
            raise LookupError(f"no message {message.id} to edit")
        if out.key and out.key in self.by_key:
            return message
        if self.crash_on and out.key and self.crash_on in out.key:
            self.crash_on = None
            raise ConnectionError("the bot crashed here")
        posted = Posted("edit", message.channel, out.text, out.key, message.id)
        self.posts.append(posted)
        if out.key:
            self.by_key[out.key] = posted
        return message

    def shown(self, message_id: str) -> str:
        """What a message says now: its latest edit, else what was posted."""
        said = [p.text for p in self.posts if p.id == message_id and p.action != "hide"]
        return said[-1]

    async def kept_media(self, review: MessageRef, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """The copies shown with the review (the student's originals are gone)."""
        self._check("kept_media")
        return tuple(Media(m.kind, m.name, f"{review.id}/{i}") for i, m in enumerate(media))

    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        self._check("create_teacher_channel")
        return ChannelRef(classroom.platform, classroom.id + "-teachers")

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        return self.problems.get(channel.id)

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        return list(self._teachers)

    async def role(self, classroom: ChannelRef, user: UserRef) -> Role:
        teacher = any(t.id == user.id for t in self._teachers)
        return Role.TEACHER if teacher else Role.STUDENT

    async def readers(self, channel: ChannelRef) -> list[UserRef]:
        return list(self.in_channel.get(channel.id, []))

    async def remove(self, channel: ChannelRef, user: UserRef, reason: str) -> None:
        readers = self.in_channel.get(channel.id, [])
        self.in_channel[channel.id] = [r for r in readers if r.id != user.id]
        self.posts.append(Posted("remove", channel, reason, None, "", to=user.id))

    async def members(self, classroom: ChannelRef) -> list[UserRef]:
        """The people a test put in the class (`people`) and its teachers; when a test
        names nobody, unknown (empty)."""
        listed = self.people.get(classroom.id, [])
        return [*self._teachers, *listed] if listed else []

    async def catch_up(self, channel: ChannelRef, after: str | None, since: datetime) -> int:
        """Records what was asked; like Matrix, nothing is ever missed here."""
        self.caught_up.append((channel, after, since))
        return 0
