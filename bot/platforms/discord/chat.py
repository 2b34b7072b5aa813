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
from bot.core.errors import Forbidden, Gone
from bot.core.model import ChannelRef, Media, MessageRef, Outgoing, Platform, Role, UserRef
from bot.core.names import reposted
from bot.core.ports import OnPosted
from bot.platforms.accounts import DISCORD_ACCOUNTS
from bot.platforms.discord import media as files
from bot.platforms.discord.calls import CommandCalls
from bot.platforms.discord.client import ReadAloudClient
from bot.platforms.discord.decisions import decision_view
from bot.platforms.discord.direct import send_dm
from bot.platforms.discord.errors import translated
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
DM_FALLBACK = (
    "I have a private message for you, but I can't send you direct messages. "
    "You can allow them in this server's Privacy Settings, or ask your teacher."
)


class DiscordChat:
    """One Discord bot: receives through the gateway, posts through the `Chat` port."""

    platform = Platform.DISCORD
    accounts = DISCORD_ACCOUNTS

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

    @translated("post a message")
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

    @translated("post a poll")
    async def send_poll(
        self,
        channel: ChannelRef,
        question: str,
        options: list[str],
        out: Outgoing,
        posted: OnPosted | None = None,
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
        where = MessageRef(channel, str(sent.id))
        if posted is not None:
            await posted(where)
        return where

    @translated("open the discussion thread")
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

    @translated("close the thread")
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

    @translated("remove a message")
    async def hide(self, message: MessageRef, reason: str) -> None:
        """Delete the message; one already gone counts as hidden. Without permission it
        raises Forbidden naming Manage Messages: the message is still visible, and the
        caller (which keeps it pending and retries) tells the teacher, once."""
        where = message.channel
        try:
            await self.client.http.delete_message(
                int(where.thread or where.id), int(message.id), reason=reason
            )
        except discord.NotFound:
            return  # deleted by its author or hidden before: nobody can see it
        except discord.Forbidden:
            raise self.hints.explain(where, "Manage Messages", "remove a held message") from None

    @translated("share an approved message")
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

    @translated("tell someone privately")
    async def tell(self, user: UserRef, channel: ChannelRef, out: Outgoing) -> None:
        """A direct message; if the student's DMs are closed, a short note in the channel
        (refused too: logged, not raised)."""
        try:
            dm = await self.client.create_dm(discord.Object(int(user.id)))
            for i, part in enumerate(split(out.text)):
                await dm.send(part, **nonce(out.key, i), allowed_mentions=NO_PINGS)
            return
        except (discord.Forbidden, discord.NotFound):
            log.info("DMs to %s are closed; telling them in the channel", user.id)
        key = f"{out.key}:fallback" if out.key else None
        fallback = Outgoing(DM_FALLBACK, key=key, notice=False, mentions=(user,))
        try:
            await self.send(channel, fallback)
        except (Forbidden, Gone) as e:  # the teacher's review must not wait on this
            log.warning("could not tell %s anything: %s", user.id, e)

    @translated("send a direct message")
    async def dm(self, user: UserRef, out: Outgoing) -> MessageRef:
        """In the user's DM channel; Discord allows it only if they share a server with the bot."""
        return await send_dm(self.client, user, out)

    @translated("show a held message")
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

    @translated("edit a review")
    async def edit(self, message: MessageRef, out: Outgoing) -> MessageRef:
        """Edit the bot's own message: a review's embed gets the new text (its title and
        buttons stay), a plain message its new first 2000 characters; nobody is pinged.
        Raises Gone when the message is gone, Forbidden, Unavailable (ports.py)."""
        where = message.channel
        target = self.client.get_partial_messageable(int(where.thread or where.id))
        posted = await target.fetch_message(int(message.id))
        if posted.embeds:
            embed = posted.embeds[0].copy()
            embed.description = out.text[:4096]
            await posted.edit(embed=embed, allowed_mentions=NO_PINGS)
        else:
            await posted.edit(content=split(out.text.strip())[0], allowed_mentions=NO_PINGS)
        return message

    @translated("read the review's copies")
    async def kept_media(self, review: MessageRef, media: tuple[Media, ...]) -> tuple[Media, ...]:
        """The review message's copies of `media` (the student's message is gone by now)."""
        return await files.kept(self.client.http, review, media)

    @translated("create the teacher channel")
    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        made = await self.rooms.create_teacher_channel(classroom, name, teachers)
        self.hints.remember(classroom, made)
        return made

    @translated("check who can read the teacher channel")
    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        problem = await self.rooms.private_problem(classroom, channel)
        # the features check the class's teacher channel (at set-up, on each new session):
        # the permission hints go there while it is private, whoever made it
        self.hints.remember(classroom, None if problem else channel)
        return problem

    async def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        return self.rooms.teachers(classroom)

    async def role(self, classroom: ChannelRef, user: UserRef) -> Role:
        return self.rooms.role(classroom, user)

    async def readers(self, channel: ChannelRef) -> list[UserRef]:
        return self.rooms.readers(channel)

    async def remove(self, channel: ChannelRef, user: UserRef, reason: str) -> None:
        await self.rooms.remove(channel, user, reason)

    async def members(self, classroom: ChannelRef) -> list[UserRef]:
        return self.rooms.members(classroom)

    @translated("check what was posted while I was away")
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
