"""DiscordChat: the Chat port on Discord, plus start/stop of the gateway connection."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from pathlib import Path

import discord
from discord.utils import MISSING, time_snowflake

from bot.config import DiscordSettings
from bot.core.commands import Registry
from bot.core.dispatch import Dispatcher
from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, UserRef
from bot.core.names import reposted
from bot.platforms.discord import media as files
from bot.platforms.discord.calls import CommandCalls
from bot.platforms.discord.client import ReadAloudClient
from bot.platforms.discord.decisions import decision_view
from bot.platforms.discord.direct import send_dm
from bot.platforms.discord.outbound import (
    NO_PINGS,
    native_poll,
    nonce,
    pings,
    plain,
    split,
    webhook_name,
)
from bot.platforms.discord.permissions import PermissionHints
from bot.platforms.discord.rooms import Rooms
from bot.platforms.discord.spool import RetrySpool

log = logging.getLogger(__name__)
THREAD_EXISTS = 160004  # "A thread has already been created for this message"
RETRY_FILE = "discord-retry.jsonl"
DMS_CLOSED = 50007  # "Cannot send messages to this user"
DM_FALLBACK = (
    "I have a private message for you, but I can't send you direct messages. "
    "You can allow them in this server's Privacy Settings, or ask your teacher."
)


class DiscordChat:
    """One Discord bot: receives through the gateway, posts through the `Chat` port."""

    platform = Platform.DISCORD

    def __init__(
        self,
        settings: DiscordSettings,
        token: str,
        dispatcher: Dispatcher,
        registry: Registry,
        data_dir: Path = Path("var"),
    ) -> None:
        self.settings = settings
        self._token = token
        calls = CommandCalls(dispatcher, registry, settings.teacher_role)
        # events that met a storage fault wait on disk (the database is what is down)
        self.retries = RetrySpool(
            data_dir / RETRY_FILE, lambda event: dispatcher.event(self, event)
        )
        self.client = ReadAloudClient(calls, dispatcher, self, settings.teacher_role, self.retries)
        self.hints = PermissionHints(self.client)
        self.rooms = Rooms(self.client, self.hints, settings.teacher_role)
        self._task: asyncio.Task[None] | None = None

    # ---- lifecycle ----

    async def start(self) -> None:
        """Log in and connect in the background; returns at once. Events an earlier run
        could not handle are handed over again once the gateway is ready."""
        if kept := self.retries.load():
            log.info("discord: %d event(s) kept from an earlier run are handed over again", kept)
        self._task = asyncio.create_task(self._run(), name="discord-gateway")
        self.retries.start(self.client.wait_until_ready)

    async def _run(self) -> None:
        try:
            await self.client.start(self._token)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the Discord connection stopped; Discord classes are offline")

    async def wait_ready(self) -> None:
        """Return once the gateway has delivered the guilds (READY)."""
        await self.client.wait_until_ready()

    async def stop(self) -> None:
        await self.retries.stop()
        await self.client.close()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    # ---- the Chat port ----

    async def send(self, channel: ChannelRef, out: Outgoing) -> MessageRef:
        """Post `out` (split at 2000 chars); each part's nonce comes from `out.key`."""
        target = self.client.get_partial_messageable(int(channel.thread or channel.id))
        text = out.text
        mentioned = [u.id for u in out.mentions]
        if mentioned:
            text = " ".join(f"<@{u}>" for u in mentioned if f"<@{u}>" not in text) + " " + text
        first: discord.Message | None = None
        for i, part in enumerate(split(text.strip())):
            try:
                sent = await target.send(
                    part,
                    **nonce(out.key, i),
                    silent=out.notice,
                    allowed_mentions=pings(mentioned) if mentioned else NO_PINGS,
                )
            except discord.Forbidden:
                perm = "Send Messages in Threads" if channel.thread else "Send Messages"
                raise await self.hints.forbidden(channel, perm, "post a message") from None
            first = first or sent
        assert first is not None, "nothing to send"
        return MessageRef(channel, str(first.id))

    async def send_poll(
        self, channel: ChannelRef, question: str, options: list[str], out: Outgoing
    ) -> MessageRef:
        """A native Discord poll (votes come back as PollVoted); nonce from `out.key`."""
        target = self.client.get_partial_messageable(int(channel.thread or channel.id))
        poll, content = native_poll(question, options)
        try:
            sent = await target.send(
                content, poll=poll, **nonce(out.key), allowed_mentions=NO_PINGS
            )
        except discord.Forbidden:
            raise await self.hints.forbidden(channel, "Send Messages", "post a poll") from None
        return MessageRef(channel, str(sent.id))

    async def open_thread(self, root: MessageRef, title: str) -> ChannelRef:
        """A public thread on the root message (reused if one exists, e.g. after a crash)."""
        try:
            data = await self.client.http.start_thread_with_message(
                int(root.channel.id),
                int(root.id),
                name=title[:100],
                auto_archive_duration=1440,
                rate_limit_per_user=None,
                reason="read-aloud session",
            )
            thread_id = str(data["id"])
        except discord.Forbidden:
            raise await self.hints.forbidden(
                root.channel, "Create Public Threads", "open the discussion thread"
            ) from None
        except discord.HTTPException as e:
            if e.code != THREAD_EXISTS:
                raise
            thread_id = root.id  # a thread started from a message has the message's id
        return root.channel.in_thread(thread_id)

    async def close_thread(self, thread: ChannelRef, notice: Outgoing) -> None:
        """Post the closing notice, then archive and lock the thread."""
        await self.send(thread, notice)
        try:
            await self.client.http.edit_channel(
                int(thread.thread or thread.id), archived=True, locked=True, reason="session over"
            )
        except discord.Forbidden:
            raise await self.hints.forbidden(thread, "Manage Threads", "close the thread") from None

    async def rename_thread(self, thread: ChannelRef, name: str) -> None:
        """The thread keeps its messages; only its name changes (at most 100 characters)."""
        try:
            await self.client.http.edit_channel(
                int(thread.thread or thread.id), name=name[:100], reason="thread name screened"
            )
        except discord.Forbidden:
            raise await self.hints.forbidden(thread, "Manage Threads", "rename a thread") from None

    async def hide(self, message: MessageRef, reason: str) -> None:
        """Delete the message. Without permission, the teacher is told and the flow goes on."""
        where = message.channel
        try:
            await self.client.http.delete_message(
                int(where.thread or where.id), int(message.id), reason=reason
            )
        except discord.NotFound:
            pass  # already gone
        except discord.Forbidden:
            await self.hints.forbidden(where, "Manage Messages", "remove a held message")

    async def repost_as(self, channel: ChannelRef, author: UserRef, out: Outgoing) -> MessageRef:
        """Post through the channel's "readaloud" webhook under the student's name (clean,
        marked as a student's: a nickname cannot pass as staff) and avatar, with the pictures
        and files of `out.media` (from the review's copies) on the first part."""
        copies = await files.for_repost(self.client.http, out.media)
        text = " ".join([out.text, *copies.notes]).strip()
        try:
            hook = await self.rooms.webhook(channel)
            thread = discord.Object(int(channel.thread)) if channel.thread else MISSING
            sent: discord.Message | None = None
            for part in split(text) or [""]:
                msg = await hook.send(
                    part,
                    username=webhook_name(reposted(author.label)),
                    avatar_url=self.rooms.avatar(channel, author),
                    thread=thread,
                    allowed_mentions=NO_PINGS,
                    wait=True,
                    files=copies.files if copies.files and sent is None else MISSING,
                )
                sent = sent or msg
        except discord.Forbidden:
            raise await self.hints.forbidden(
                channel, "Manage Webhooks", "share an approved message"
            ) from None
        assert sent is not None
        return MessageRef(channel, str(sent.id))

    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        """A direct message; if the student's DMs are closed, a short note in the channel."""
        try:
            dm = await self.client.create_dm(discord.Object(int(user.id)))
            for i, part in enumerate(split(out.text)):
                await dm.send(part, **nonce(out.key, i), allowed_mentions=NO_PINGS)
            return
        except discord.Forbidden:
            log.info("DMs to %s are closed; telling them in the channel", user.id)
        key = f"{out.key}:fallback" if out.key else None
        fallback = Outgoing(DM_FALLBACK, key=key, notice=False, mentions=(user,))
        try:
            await self.send(channel, fallback)
        except Exception:
            log.exception("could not tell %s anything", user.id)

    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        """In the user's DM channel; Discord allows it only if they share a server with the bot."""
        return await send_dm(self.client, user, out)

    async def ask_decision(self, channel: ChannelRef, flag_id: int, out: Outgoing) -> MessageRef:
        """The flag as an embed with Approve / Reject / Reject-with-reason buttons, and copies
        of the held pictures and files attached (a file that cannot be copied is named)."""
        copies = await files.for_review(self.client.http, out.media, self.client.sizes)
        if copies.files:
            try:
                return await self._review(channel, flag_id, out, copies)
            except discord.Forbidden:  # no Attach Files: the review says so, without copies
                log.warning("cannot attach files in teacher channel %s", channel.id)
            copies = files.Copies(notes=[*copies.notes, files.NOT_ATTACHED])
        return await self._review(channel, flag_id, out, copies)

    async def _review(
        self, channel: ChannelRef, flag_id: int, out: Outgoing, copies: files.Copies
    ) -> MessageRef:
        target = self.client.get_partial_messageable(int(channel.thread or channel.id))
        embed = discord.Embed(
            title=f"Flag #{flag_id}",
            description=plain(out.text)[:4096],
            colour=discord.Colour.orange(),
        )
        if copies.notes:
            embed.add_field(name="Pictures and files", value="\n".join(copies.notes)[:1024])
        try:
            sent = await target.send(
                embed=embed,
                view=decision_view(flag_id),
                files=copies.files or MISSING,
                **nonce(out.key),
            )
        except discord.Forbidden:
            if copies.files:
                raise
            raise await self.hints.forbidden(
                channel, "Send Messages and Embed Links", "show a held message"
            ) from None
        return MessageRef(channel, str(sent.id))

    async def kept_media(self, review: MessageRef, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """The review message's copies of `media` (the student's message is gone by now)."""
        return await files.kept(self.client.http, review, media)

    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        return await self.rooms.create_teacher_channel(classroom, name, teachers)

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        return await self.rooms.private_problem(classroom, channel)

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        return self.rooms.teachers(classroom)

    async def catch_up(self, channel: ChannelRef, after: str | None, since: datetime) -> int:
        """Read the channel's (or thread's) history after message `after`, else after `since`,
        and hand the people's messages over like live ones (client.catch_up): a new gateway
        session never replays what was posted while the bot was away."""
        start = discord.Object(int(after) if after else time_snowflake(since))
        try:
            return await self.client.catch_up(int(channel.thread or channel.id), start)
        except discord.Forbidden:
            await self.hints.forbidden(
                channel, "Read Message History", "check what was posted while I was away"
            )
            return 0
