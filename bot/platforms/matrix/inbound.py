"""Native Matrix events → neutral events and command calls.

Each room's part of a batch is one job on that room's lane (``handover.py``):
rooms are handled concurrently, the events of one room in order, and the slow
posts that follow a hold run behind the room's next events (``FollowUps``).
Nothing here decides anything: commands go to the dispatcher, other
messages and reactions become neutral events (a numbered reaction a vote, a ✅ / ❌ a
decision: ``bot/platforms/reactions.py``), and a teacher's uploaded file is offered to
the features first (a season plan), else it is a message like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Awaitable
from functools import partial
from typing import TYPE_CHECKING, TypeVar

from nio import (
    AsyncClient,
    BadEvent,
    Event,
    JoinError,
    MegolmEvent,
    PowerLevelsEvent,
    ReactionEvent,
    RoomEncryptedFile,
    RoomEncryptedMedia,
    RoomEncryptionEvent,
    RoomGetEventResponse,
    RoomHistoryVisibilityEvent,
    RoomJoinRulesEvent,
    RoomMemberEvent,
    RoomMessageEmote,
    RoomMessageFile,
    RoomMessageMedia,
    RoomMessageNotice,
    RoomMessageText,
    RoomMessageUnknown,
    StickerEvent,
    UnknownEvent,
)

from bot.core.commands import Invocation, Registry, Reply
from bot.core.dispatch import Dispatcher
from bot.core.errors import NotHandled, UserError
from bot.core.events import (
    BotRemoved,
    BotReturned,
    CommandTyped,
    FileUploaded,
    MessagePosted,
    MessageUnreadable,
    RoomChanged,
)
from bot.core.followups import FollowUps
from bot.core.lanes import Job
from bot.core.model import Actor, ChannelRef, MessageRef, Platform
from bot.core.textcommand import is_command, parse
from bot.db.handled import HandledEvents
from bot.db.locked import LockedEvents
from bot.platforms.matrix import attachments, direct, extensible, files, media
from bot.platforms.matrix.client import Batch, RoomUpdate
from bot.platforms.matrix.event_kinds import relation, stale, thread_root, typed_command
from bot.platforms.matrix.handover import Part
from bot.platforms.matrix.readable import edited_text, shown_text, strip_reply_fallback
from bot.platforms.matrix.replies import Replies
from bot.platforms.matrix.rooms import Rooms, room_named
from bot.platforms.matrix.undecryptable import Undecryptable
from bot.platforms.reactions import translated

if TYPE_CHECKING:
    from bot.platforms.matrix.chat import MatrixChat
    from bot.platforms.matrix.circle_room import MatrixCircleRoom

log = logging.getLogger(__name__)
# state events that change who is in a room, who may join or read it, or what they may do
ROOM_CHANGES = (RoomMemberEvent, PowerLevelsEvent, RoomJoinRulesEvent, RoomHistoryVisibilityEvent)

RECENT = 10_000
T = TypeVar("T")


class Inbound:
    """Turns each batch of events into dispatcher calls, at most once per event id."""

    def __init__(
        self,
        chat: MatrixChat,
        client: AsyncClient,
        rooms: Rooms,
        dispatcher: Dispatcher,
        registry: Registry,
        prefix: str,
        handled: HandledEvents,
        follow_ups: FollowUps | None = None,
        circles: MatrixCircleRoom | None = None,
        grace: float = 15.0,
        locked: LockedEvents | None = None,
    ) -> None:
        self.chat = chat
        self.circles = circles  # circle rooms: never a class, handed over whole
        self.follow_ups = follow_ups or FollowUps()
        self.handled = handled
        self.client = client
        self.rooms = rooms
        self.dispatcher = dispatcher
        self.registry = registry
        self.prefix = prefix
        self._recent: deque[str] = deque(maxlen=RECENT)
        self._seen: set[str] = set()
        self.replies = Replies(chat, client)
        self.undecryptable = Undecryptable(client, grace, self._event, self._unreadable, locked)

    def parts(self, batch: Batch) -> list[Part]:
        """What to do in each room for this batch: join invites, note a removal, and
        (unless this is the first-ever sync) handle every room's events."""
        parts: list[Part] = [(room_id, partial(self._join, room_id)) for room_id in batch.invites]
        parts += [(room_id, partial(self._removed, room_id)) for room_id in batch.left]
        if not batch.backlog:
            parts += [
                (room_id, self._room_part(room_id, update, batch.first))
                for room_id, update in batch.rooms.items()
            ]
        return [(room_id, partial(self._behind, job)) for room_id, job in parts]

    def _room_part(self, room_id: str, update: RoomUpdate, first: bool) -> Job:
        if self.circles is not None and self.circles.claims(room_id):
            return partial(self.circles.room, room_id, update)
        return partial(self._room, room_id, update, first)

    async def _behind(self, job: Job) -> None:
        with self.follow_ups.behind():  # a hold's review and note do not block the room
            await job()

    async def handle(self, batch: Batch) -> None:
        """Handle a whole batch now (history handed over again): rooms concurrently, each
        in order; raises NotHandled if a room met a storage fault."""
        by_room: dict[str, list[Job]] = {}
        for room_id, job in self.parts(batch):
            by_room.setdefault(room_id, []).append(job)

        async def in_order(jobs: list[Job]) -> None:
            for job in jobs:
                await job()

        results = await asyncio.gather(
            *(in_order(jobs) for jobs in by_room.values()), return_exceptions=True
        )
        for r in results:
            if isinstance(r, BaseException) and not isinstance(r, NotHandled):
                log.error("handling a room's events failed", exc_info=r)
        unhandled = [r for r in results if isinstance(r, NotHandled)]
        if unhandled:
            raise unhandled[0]

    async def _removed(self, room_id: str) -> None:
        await self.dispatcher.event(self.chat, BotRemoved(ChannelRef(Platform.MATRIX, room_id)))

    async def _join(self, room_id: str) -> None:
        for attempt in range(3):
            try:
                resp = await self.client.join(room_id)
            except Exception as e:
                resp = JoinError(str(e))
            if not isinstance(resp, JoinError):
                log.info("joined %s after an invite", room_id)
                back = BotReturned(ChannelRef(Platform.MATRIX, room_id))
                await self.dispatcher.event(self.chat, back)
                return
            log.warning("joining %s failed (attempt %d): %s", room_id, attempt + 1, resp.message)
            await asyncio.sleep(0.5 * 2**attempt)

    async def _room(self, room_id: str, update: RoomUpdate, first: bool) -> None:
        await self._timeline(room_id, update)
        if not first and any(
            isinstance(ev, ROOM_CHANGES) for ev in (*update.state, *update.timeline)
        ):  # who is there, or what they may do, changed: the features look at the room
            await self.dispatcher.event(self.chat, RoomChanged(Platform.MATRIX, self._ref(room_id)))

    @staticmethod
    def _ref(room_id: str) -> ChannelRef:
        return ChannelRef(Platform.MATRIX, room_id)

    async def _timeline(self, room_id: str, update: RoomUpdate) -> None:
        fresh = [ev for ev in update.timeline if ev.event_id not in self._seen]
        if not fresh:
            return
        # the bot's own events are never recorded (nothing to act on but encryption)
        theirs = [ev.event_id for ev in fresh if ev.sender != self.client.user_id]
        before = await self._storage(self.handled.which(theirs)) if theirs else set()
        handled: list[str] = []
        try:
            for ev in fresh:
                if ev.event_id not in before:
                    await self._handle_once(room_id, ev)
                    if ev.sender != self.client.user_id:
                        handled.append(ev.event_id)
                self._remember(ev.event_id)
        except NotHandled:
            with contextlib.suppress(Exception):
                await self.handled.record(handled)
            raise
        await self._storage(self.handled.record(handled))

    async def _handle_once(self, room_id: str, ev: Event) -> None:
        """One event; a command is marked handled before it runs, so it runs at most once."""
        if ev.sender != self.client.user_id and typed_command(ev, self.registry, self.prefix):
            await self._storage(self.handled.record([ev.event_id]))
        try:
            await self._event(room_id, ev)
        except NotHandled:
            raise
        except Exception:
            log.exception("handling Matrix event %s in %s failed", ev.event_id, room_id)

    async def _storage(self, step: Awaitable[T]) -> T:
        """A storage fault while keeping the record means the event is not handled yet."""
        try:
            return await step
        except Exception as e:
            if self.dispatcher.transient(e):
                raise NotHandled(str(e)) from e
            raise

    def _remember(self, event_id: str) -> None:
        if len(self._recent) == self._recent.maxlen:
            self._seen.discard(self._recent[0])
        self._recent.append(event_id)
        self._seen.add(event_id)

    async def _event(self, room_id: str, ev: Event) -> None:
        if isinstance(ev, RoomEncryptionEvent):  # nio encrypts what the bot posts from now on
            log.info("encryption is on in %s", room_id)
            return
        if ev.sender == self.client.user_id:
            return
        if isinstance(ev, MegolmEvent):
            await self._storage(self.undecryptable.arrived(room_id, ev))
        elif isinstance(ev, ReactionEvent):
            room = ChannelRef(Platform.MATRIX, room_id)
            target, own = MessageRef(room, ev.reacts_to), MessageRef(room, ev.event_id)
            actor = self._actor(room_id, ev.sender)
            await self.dispatcher.event(self.chat, translated(target, actor, ev.key, own))
        elif isinstance(ev, RoomMessageText | RoomMessageEmote | RoomMessageNotice):
            await self._message(room_id, ev)
        elif isinstance(ev, RoomMessageFile | RoomEncryptedFile) and await self._upload(
            room_id, ev
        ):
            return
        elif isinstance(ev, RoomMessageMedia | RoomEncryptedMedia | StickerEvent):
            await self._media(room_id, ev)
        elif isinstance(ev, RoomMessageUnknown | UnknownEvent | BadEvent):
            await self._other(room_id, ev)

    async def _media(self, room_id: str, ev: media.Shown) -> None:
        """A picture, video, sound, sticker or file: screening cannot read it, so the
        class's media rule decides (held for the teacher by default). A two-person class
        room is still the class; a room that is no class (a guest author's) is not screened.
        An encrypted file is downloaded and decrypted first: one that does not decrypt
        cannot be checked at all, like a message without its key."""
        content = ev.source.get("content", {})
        if attachments.is_encrypted(content):
            try:
                await attachments.fetch(self.client, content)
            except attachments.AttachmentUnreadable as e:
                log.warning("the file in %s does not decrypt (%s)", ev.event_id, e)
                await self._unreadable(room_id, ev)
                return
        caption, item = media.media_of(ev)
        channel = ChannelRef(Platform.MATRIX, room_id, thread_root(content))
        where = MessageRef(channel, ev.event_id)
        event = MessagePosted(where, self._actor(room_id, ev.sender), caption, media=(item,))
        await self.dispatcher.event(self.chat, event)

    async def _other(self, room_id: str, ev: RoomMessageUnknown | UnknownEvent | BadEvent) -> None:
        """A location, a poll, a custom msgtype or event type: what it shows is screened,
        and what screening cannot judge (a place, a vote, unreadable content) waits."""
        source = ev.source if isinstance(ev.source, dict) else {}
        content = source.get("content", {})
        event_type = str(source.get("type", ""))
        seen = extensible.shown(
            event_type,
            content,
            state="state_key" in source,
            malformed=isinstance(ev, BadEvent),
        )
        if seen is None:
            return
        content = content if isinstance(content, dict) else {}
        channel = ChannelRef(Platform.MATRIX, room_id, thread_root(content))
        where = MessageRef(channel, ev.event_id)
        event = MessagePosted(where, self._actor(room_id, ev.sender), seen.text, media=seen.media)
        await self.dispatcher.event(self.chat, event)

    async def _upload(self, room_id: str, ev: RoomMessageFile | RoomEncryptedFile) -> bool:
        """A teacher's uploaded file is offered to the features (a season plan is imported);
        True if one answered. Anyone else's file is media, whatever its name or claimed type
        says: screened, never answered."""
        actor = self._actor(room_id, ev.sender)
        if not actor.is_teacher:
            return False
        channel = ChannelRef(Platform.MATRIX, room_id, thread_root(ev.source.get("content", {})))
        _, item = media.media_of(ev)
        read = partial(files.read_upload, self.client, ev)
        where = MessageRef(channel, ev.event_id)
        upload = FileUploaded(where, actor, item.name, item, read, self.prefix)
        reply = await self.dispatcher.request(self.chat, upload)
        if reply is None:
            return False
        await self._reply(channel, actor, reply, ev.event_id)
        return True

    async def _message(self, room_id: str, ev: RoomMessageText | RoomMessageEmote) -> None:
        content = ev.source.get("content", {})
        # typed: the plain text (for commands); shown: everything a client shows (screened)
        typed, shown = strip_reply_fallback(ev.body, content), shown_text(content)
        thread = thread_root(content)
        if relation(content).get("rel_type") == "m.replace":
            new = content.get("m.new_content", {})
            new = new if isinstance(new, dict) else {}
            typed, shown = str(new.get("body", "")), edited_text(content)
            thread = await self._thread_of(room_id, relation(content).get("event_id"))
        channel = ChannelRef(Platform.MATRIX, room_id, thread)
        actor = self._actor(room_id, ev.sender)
        if is_command(self.registry, typed, self.prefix):
            # the class sees what was typed, so its words are screened too
            said = CommandTyped(MessageRef(channel, ev.event_id), actor, shown)
            await self.dispatcher.event(self.chat, said)
            if stale(ev):  # history brought back (a rejoin, a back-fill): never run late
                log.info("not running %s's command %s from history", ev.sender, ev.event_id)
                return
            await self._command(channel, actor, typed, ev.event_id)
        else:
            message = MessageRef(channel, ev.event_id)
            # in a one-to-one room it is a direct message (guest authors), else a class post
            event = direct.posted(self.client, message, actor, shown, content)
            await self.dispatcher.event(self.chat, event)

    async def _command(self, channel: ChannelRef, actor: Actor, body: str, event_id: str) -> None:
        try:
            find_user = partial(self.rooms.find_user, channel.id)
            command, args = parse(
                self.registry, body, self.prefix, find_user, Platform.MATRIX, room_named
            )
            invocation = Invocation(command, actor, channel, args)
            reply = await self.dispatcher.command(invocation, self.prefix)
        except UserError as e:
            reply = await self.dispatcher.refusal(actor, channel, e.message)
        await self._reply(channel, actor, reply, event_id)

    async def _reply(self, channel: ChannelRef, actor: Actor, reply: Reply, event_id: str) -> None:
        if not reply.text and reply.attachment is None:
            return  # nothing to add (a decision's own notice already answers it)
        # a private answer goes where only the caller or the teachers read (replies.py)
        await self.replies.deliver(channel, actor, reply, event_id)

    async def _thread_of(self, room_id: str, event_id: str | None) -> str | None:
        """The thread an edited message belongs to (edits do not repeat the relation)."""
        if not event_id:
            return None
        resp = await self.client.room_get_event(room_id, event_id)
        if isinstance(resp, RoomGetEventResponse):
            return thread_root(resp.event.source.get("content", {}))
        return None

    async def _unreadable(self, room_id: str, ev: Event) -> None:
        """Still no key after the grace period: the features deal with it like anything
        that cannot be checked."""
        channel = ChannelRef(Platform.MATRIX, room_id, thread_root(ev.source.get("content", {})))
        where = MessageRef(channel, ev.event_id)
        await self.dispatcher.event(
            self.chat, MessageUnreadable(where, self._actor(room_id, ev.sender))
        )

    def _actor(self, room_id: str, user_id: str) -> Actor:
        return Actor(self.rooms.user(room_id, user_id), self.rooms.role(room_id, user_id))
