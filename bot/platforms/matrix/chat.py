"""MatrixChat: the Chat port on Matrix, plus start/stop of the client and sync loop."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from nio import (
    AsyncClient,
    LoginResponse,
    RoomKickError,
    RoomRedactError,
)
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.config import MatrixSettings
from bot.core.clock import Clock, SystemClock
from bot.core.commands import Registry
from bot.core.dispatch import Dispatcher
from bot.core.errors import ChatError, Forbidden, Gone, Unavailable
from bot.core.events import EncryptionReset
from bot.core.followups import FollowUps
from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, Role, UserRef
from bot.core.names import reposted
from bot.core.ports import OnPosted
from bot.core.quoting import lines_of, quoted
from bot.db.handled import HandledEvents
from bot.db.locked import LockedEvents
from bot.platforms.accounts import MATRIX_ACCOUNTS
from bot.platforms.matrix import crypto, media, teacher_room
from bot.platforms.matrix.circle_room import MatrixCircleRoom
from bot.platforms.matrix.circles_only import CirclesOnly
from bot.platforms.matrix.client import SyncLoop
from bot.platforms.matrix.device import Reset, logged_in
from bot.platforms.matrix.direct import DirectRooms
from bot.platforms.matrix.inbound import Inbound
from bot.platforms.matrix.outbound import (
    MatrixSendError,
    edit_content,
    message_content,
    react,
    refusal,
    send_event,
    translated,
)
from bot.platforms.matrix.rooms import Rooms
from bot.platforms.matrix.tokens import TokenStore
from bot.platforms.matrix.txn import txn_id
from bot.platforms.reactions import APPROVE, NUMBER_KEYS, REJECT

log = logging.getLogger(__name__)
FIRST_SYNC_WAIT = 30.0  # seconds start() waits for the rooms' state
FOLLOW_UPS_DRAIN = 5.0  # seconds a stopping bot gives the reviews still being posted
DM_POINTER = "I've sent you a private message 📬 (accept my invite to read it)."


def _sub(key: str | None, part: str) -> str | None:
    """A delivery key for one part of a keyed post (None stays None)."""
    return f"{key}:{part}" if key else None


class MatrixChat:
    """One Matrix bot account: receives through the sync loop, posts through `Chat`."""

    platform = Platform.MATRIX
    accounts = MATRIX_ACCOUNTS

    def __init__(
        self,
        settings: MatrixSettings,
        *,
        access_token: str = "",
        password: str = "",
        pickle_key: str = "",
        sessionmaker: async_sessionmaker[Any],
        dispatcher: Dispatcher,
        registry: Registry,
        store_path: Path | None = None,
        max_wait: float = 60.0,
        on_fatal: Callable[[str], None] = lambda reason: None,
        follow_ups: FollowUps | None = None,
        clock: Clock | None = None,
        circles_only: bool = False,
    ) -> None:
        self.settings = settings
        # an account for circles between schools alone: no class, nothing but circle rooms
        self.circles_only = circles_only
        self._clock = clock or SystemClock()  # when events were handled, the sync token saved
        self._follow_ups = follow_ups or FollowUps()
        self._on_fatal = on_fatal
        self.user_id = settings.user_id
        self._access_token = access_token
        self._password = password
        self._pickle_key = pickle_key
        self._sessionmaker = sessionmaker
        self._dispatcher = dispatcher
        self._registry = registry
        self._store_path = store_path
        self._max_wait = max_wait
        self._client: AsyncClient | None = None
        self._loop: SyncLoop | None = None
        self._inbound: Inbound | None = None
        self.rooms: Rooms | None = None
        self._direct: DirectRooms | None = None
        self.reset: Reset | None = None  # the encryption keys were lost at this start
        # circle rooms between installations (cogs/circles/remote.py attaches to it)
        self.circle_room = MatrixCircleRoom(lambda: self.client, lambda: self._client is not None)

    # ---- lifecycle ----

    async def start(self) -> None:
        """Log in (retrying while the homeserver is unreachable), start syncing, and return
        once the first sync has brought the rooms' state (or after FIRST_SYNC_WAIT)."""
        client, self.reset = await logged_in(
            self.settings,
            access_token=self._access_token,
            password=self._password,
            store=Path(self._store_path or self.settings.crypto_store),
            pickle_key=self._pickle_key,
            max_wait=self._max_wait,
        )
        self._client, self.user_id = client, client.user_id
        log.info("end-to-end encryption %s", "on" if client.olm is not None else "off")
        self.rooms = Rooms(client)
        if self.circles_only:  # never a class: circle rooms alone (circles_only.py)
            parts = CirclesOnly(client, self.circle_room).parts
        else:
            self._inbound = self._classes_inbound(client, self.rooms)
            parts = self._inbound.parts
        tokens = TokenStore(self._sessionmaker, client.user_id, self._clock)
        self._loop = SyncLoop(
            client,
            tokens,
            parts,
            observe=self.rooms.observe,
            max_wait=self._max_wait,
            relogin=self._relogin if self._password else None,
            on_fatal=self._on_fatal,
        )
        await self._loop.start()
        try:  # members and power levels known before the features look at any room
            await asyncio.wait_for(self._loop.synced.wait(), FIRST_SYNC_WAIT)
        except TimeoutError:
            log.warning("no first sync after %s s; teacher rooms wait for a check", FIRST_SYNC_WAIT)
        if self._inbound is None:
            return  # circles only: no class to resume anything for, or to tell
        try:  # what a killed bot was still waiting on gets the rest of its grace period
            await self._inbound.undecryptable.resume(self._clock.now())
        except Exception:
            log.exception("could not look again at the messages waiting for their key")
        if self.reset is not None:  # the teachers hear it once the rooms are known
            told = EncryptionReset(self.platform, self.reset.device, self.reset.new_device)
            await self._dispatcher.event(self, told)

    def _classes_inbound(self, client: AsyncClient, rooms: Rooms) -> Inbound:
        """What hands the classes' rooms (and circle rooms) to the features."""
        m, value = self.settings, self.platform.value
        return Inbound(
            self, client, rooms, self._dispatcher, self._registry, m.command_prefix,
            HandledEvents(self._sessionmaker, value, self._clock), self._follow_ups,
            self.circle_room, grace=m.undecryptable_grace_seconds,
            locked=LockedEvents(self._sessionmaker, value, self._clock),
        )  # fmt: skip

    async def _relogin(self) -> bool:
        """Log in again with the configured password, keeping the same device (so keyed
        transaction ids keep deduplicating)."""
        resp = await self.client.login(self._password, device_name="readaloud")
        return isinstance(resp, LoginResponse)

    async def stop(self) -> None:
        if self._inbound is not None:
            await self._inbound.undecryptable.stop()
        if self._loop is not None:
            # first with the sync still running: a follow-up may wait for a sync (a direct
            # room just opened must come in one before a key can be shared in it)
            await self._follow_ups.drain(FOLLOW_UPS_DRAIN)
            await self._loop.stop()
            self._loop = None
            await self._follow_ups.stop(FOLLOW_UPS_DRAIN)  # the rest is resumed at start
        if self._client is not None:
            await self._client.close()
            self._client = None

    async def wait_idle(self) -> None:
        """Return once every event on the server at call time has been handled."""
        assert self._loop is not None, "start() first"
        await self._loop.wait_idle()
        await self._follow_ups.idle()

    @property
    def client(self) -> AsyncClient:
        assert self._client is not None, "start() first"
        return self._client

    # ---- the Chat port ----

    @translated
    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        """Post `out`; the txn id comes from `out.key`, so a retried post appears once."""
        content = message_content(channel, out)
        event_id = await send_event(
            self.client, channel.id, "m.room.message", content, txn_id(out.key)
        )
        return MessageRef(channel, event_id)

    async def open_thread(self, root: MessageRef, title: str) -> ChannelRef:
        """Matrix threads need no event of their own: replies to the root form the thread."""
        return root.channel.in_thread(root.id)

    @translated
    async def close_thread(self, thread: ChannelRef, notice: Outgoing) -> None:
        await self.send(thread, notice)

    async def rename_thread(self, thread: ChannelRef, name: str) -> None:
        """A Matrix thread is a reply chain with no name of its own: nothing to rename."""

    @translated
    async def hide(self, message: MessageRef, reason: str) -> None:
        """Redact the event (the same txn id each time). One already redacted, or unknown
        to a bot with moderator power, is accepted by the homeserver; M_NOT_FOUND (what a
        bot without that power hears for a missing event) counts as hidden too."""
        resp = await self.client.room_redact(
            message.channel.id, message.id, reason=reason, tx_id=txn_id(f"redact:{message.id}")
        )
        if isinstance(resp, RoomRedactError):
            if resp.status_code == "M_NOT_FOUND":
                return  # nothing left to see
            hint = " (the bot needs moderator power, level 50, in this room to remove messages)"
            raise refusal(resp, f"redacting {message.id}", hint)

    @translated
    async def repost_as(self, channel: ChannelRef, author: UserRef, out: Outgoing) -> MessageRef:
        """Matrix cannot post as someone else: a message starting with their name, marked as
        a student's, then their picture or file again. A text of several lines is quoted
        under the name, so none of its lines reads like a line of the bot's."""
        name = reposted(author.label)
        if not out.text:
            text = f"{name} shared:"
        elif len(lines := lines_of(out.text)) > 1:
            text = f"{name}:\n{quoted(out.text)}"
        else:
            text = f"{name}: {lines[0].strip() if lines else out.text.strip()}"
        posted = await self.send(channel, dataclasses.replace(out, text=text))
        await media.show(self.client, channel, out.media, out.key)
        return posted

    @translated
    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        """Privately, in the one-to-one room with them: classmates never read why a message
        was held. Until they have joined that room, a short pointer in the channel says
        where to look; if no direct room can be opened, the note goes in the channel."""
        private = dataclasses.replace(out, key=_sub(out.key, "dm"), mentions=())
        try:
            sent = await self._direct_rooms().send(user, private)
        except Unavailable:
            raise
        except ChatError as e:
            log.warning("no direct room with %s (%s); telling them in the channel", user.id, e)
            mentions = out.mentions if user in out.mentions else (user, *out.mentions)
            await self._in_channel(user, channel, dataclasses.replace(out, mentions=mentions))
            return
        if not self._direct_rooms().joined(sent.channel.id, user.id):
            pointer = Outgoing(DM_POINTER, key=_sub(out.key, "pointer"), mentions=(user,))
            await self._in_channel(user, channel, pointer)

    async def _in_channel(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        try:
            await self.send(channel, out)
        except (Forbidden, Gone) as e:  # the teacher's review must not wait on this
            log.warning("could not tell %s anything: %s", user.id, e)

    @translated
    async def send_poll(
        self,
        channel: ChannelRef,
        question: str,
        options: list[str],
        out: Outgoing,
        posted: OnPosted | None = None,
    ) -> MessageRef:
        """Matrix polls are not in the stable spec: numbered options, each with the bot's own
        numbered reaction ready to tap (votes arrive as PollVoted, ``reactions.py``)."""
        keys = NUMBER_KEYS[: len(options)]
        lines = [question, *(f"{key} {option}" for key, option in zip(keys, options, strict=False))]
        poll = await self.send(channel, dataclasses.replace(out, text="\n".join(lines)))
        if posted is not None:  # recorded before the numbers appear: no vote comes too early
            await posted(poll)
        await react(self.client, poll, keys, out.key)
        return poll

    @translated
    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        """In the one-to-one room with `user` (found, or opened with an is_direct invite)."""
        return await self._direct_rooms().send(user, out)

    @translated
    async def ask_decision(self, channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        """Post the flag as m.text (teachers get notified) with ✅ / ❌ ready to tap; a
        held picture or file is shown right after it."""
        posted = await self.send(channel, dataclasses.replace(out, notice=False))
        await media.show(self.client, channel, out.media, out.key)
        await react(self.client, posted, (APPROVE, REJECT), out.key)
        return posted

    async def edit(self, message: MessageRef, out: Outgoing) -> MessageRef:
        """An m.replace edit of the bot's own event (txn id from `out.key`, so a retried
        edit appears once); reactions stay on the original event. Raises as `send` does."""
        content = edit_content(message.channel, message.id, out)
        await send_event(
            self.client, message.channel.id, "m.room.message", content, txn_id(out.key)
        )
        return message

    async def kept_media(self, review: MessageRef, items: tuple[Media, ...]) -> tuple[Media, ...]:
        """The homeserver keeps the file when the student's event is redacted."""
        return items

    @translated
    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        """A private, invite-only room, encrypted unless ``matrix.encrypt_rooms`` is off;
        teachers invited with power level 50 (``teacher_room.py``)."""
        room_id = await teacher_room.create(
            self.client, classroom.id, name, [t.id for t in teachers], self._encryption()
        )
        return ChannelRef(Platform.MATRIX, room_id)

    def _encryption(self) -> list[dict[str, Any]]:
        """The initial state that makes a room the bot opens encrypted (when it can)."""
        on = self.settings.encrypt_rooms and self.client.olm is not None
        return [dict(crypto.ENCRYPTION_STATE)] if on else []

    def _direct_rooms(self) -> DirectRooms:
        self._direct = self._direct or DirectRooms(self.client, self._encryption())
        return self._direct

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        assert self.rooms is not None, "start() first"
        return self.rooms.private_problem(classroom.id, channel.id)

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        assert self.rooms is not None, "start() first"
        return self.rooms.teachers(classroom.id)

    async def members(self, classroom: ChannelRef) -> list[UserRef]:
        """The class room's members as the sync knows them (display names), not the bot."""
        if self.rooms is None:
            return []
        ids = self.rooms.members(classroom.id)
        return [self.rooms.user(classroom.id, u) for u in ids if u != self.user_id]

    async def role(self, classroom: ChannelRef, user: UserRef) -> Role:
        """From the power level in the class room (teacher from 50 up)."""
        return self._rooms.role(classroom.id, user.id)

    async def readers(self, channel: ChannelRef) -> list[UserRef]:
        """Joined and invited members of the room, except the bot."""
        rooms = self._rooms
        return [
            rooms.user(channel.id, uid)
            for uid in rooms.members(channel.id)
            if uid != self.client.user_id
        ]

    async def remove(self, channel: ChannelRef, user: UserRef, reason: str) -> None:
        """Kick them (an invite is withdrawn the same way)."""
        resp = await self.client.room_kick(channel.id, user.id, reason)
        if isinstance(resp, RoomKickError):
            raise MatrixSendError(
                f"removing {user.id} from {channel.id} failed: {resp.status_code} {resp.message}"
            )
        # the room's state says so from now on, before the next sync carries the leave
        room = self.client.rooms.get(channel.id)
        if room is not None:
            room.remove_member(user.id)

    @property
    def _rooms(self) -> Rooms:
        assert self.rooms is not None, "start() first"
        return self.rooms

    async def catch_up(self, channel: ChannelRef, after: str | None, since: datetime) -> int:
        """Nothing to do: the sync token delivers what was posted while the bot was away."""
        return 0
