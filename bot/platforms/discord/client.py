"""The discord.py client: intents, slash commands and buttons at start, native events in."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import Any

import discord
from discord import app_commands

from bot.core.dispatch import Dispatcher
from bot.core.errors import NotHandled
from bot.core.events import (
    Connected,
    Event,
    MessagePosted,
    PollVoted,
    RoomChanged,
    ThreadNamed,
)
from bot.core.model import Actor, MessageRef, Platform, Role, UserRef
from bot.platforms.discord import direct, slash
from bot.platforms.discord.calls import CommandCalls
from bot.platforms.discord.decisions import FlagButton, on_reason
from bot.platforms.discord.media import Sizes, media_of
from bot.platforms.discord.people import actor_of, channel_ref
from bot.platforms.discord.spool import RetrySpool
from bot.platforms.discord.visible import embeds_text, visible_text
from bot.platforms.reactions import translated

log = logging.getLogger(__name__)
HUMAN_MESSAGES = (discord.MessageType.default, discord.MessageType.reply)
CATCH_UP_LIMIT = 200  # messages read per channel after a new gateway session, the newest


def intents() -> discord.Intents:
    """Only what the read-aloud needs (members and message content are privileged)."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    wanted.members = True
    wanted.message_content = True
    wanted.guild_messages = True
    wanted.guild_reactions = True
    wanted.guild_polls = True
    wanted.dm_messages = True  # guest authors write to the bot directly
    return wanted


class ReadAloudClient(discord.Client):
    """A Discord connection that hands everything to the dispatcher as neutral events."""

    def __init__(
        self,
        calls: CommandCalls,
        dispatcher: Dispatcher,
        chat: Any,
        teacher_role: str,
        retries: RetrySpool,
    ) -> None:
        super().__init__(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
        self.calls = calls
        self.dispatcher = dispatcher
        self.chat = chat  # the DiscordChat handed to features with each event
        self.teacher_role = teacher_role
        self.retries = retries  # events kept on disk while the database is down
        self.sizes = Sizes()  # of attachments seen, so a file too big to copy is not fetched
        self.tree: app_commands.CommandTree[ReadAloudClient] = app_commands.CommandTree(self)
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]

    async def setup_hook(self) -> None:
        """After login: commands from the declarations, buttons that outlive restarts."""
        slash.build(self.tree, self.calls.registry, self.calls.slash)
        self.add_dynamic_items(FlagButton)
        synced = await self.tree.sync()
        log.info("discord: %d slash commands registered", len(synced))

    async def deliver(self, event: Event) -> None:
        """Hand an event to the features; one that meets a storage fault is kept on disk and
        retried until it is handled (Discord will not hand it over again)."""
        try:
            await self.dispatcher.event(self.chat, event)
        except NotHandled as e:
            log.warning("keeping a %s until the database answers: %s", type(event).__name__, e)
            self.retries.keep(event)

    async def on_ready(self) -> None:
        """A new gateway session (start-up, or a reconnect that could not resume), with the
        guilds and members cached: Discord does not replay what was posted before it, so the
        features are told to catch up. (A resumed session replays; no READY then.)"""
        await self.deliver(Connected())

    async def catch_up(self, channel_id: int, after: discord.Object) -> int:
        """Hand over the messages posted in a channel or thread after `after` (the newest
        CATCH_UP_LIMIT, oldest first) exactly as live ones; returns how many were handed over.
        Raises discord.Forbidden without Read Message History."""
        channel = self.get_channel(channel_id)
        if channel is None:  # an archived thread is not in the cache
            try:
                channel = await self.fetch_channel(channel_id)
            except discord.HTTPException:
                log.warning("cannot see channel %s; not catching up there", channel_id)
                return 0
        if not isinstance(channel, discord.TextChannel | discord.Thread):
            return 0
        # newest first, so that in a busy channel the last messages are the ones read
        history = channel.history(limit=CATCH_UP_LIMIT, after=after, oldest_first=False)
        missed = [message async for message in history]
        handed = 0
        for message in reversed(missed):
            if self._connection._get_message(message.id) is not None:
                continue  # delivered live in this session (it is in the message cache)
            if await self._posted(message, posted_at=message.created_at):
                handed += 1
        return handed

    async def on_message(self, message: discord.Message) -> None:
        if message.guild is None and isinstance(message.channel, discord.DMChannel):
            await direct.on_direct_message(self, message)
            return
        await self._posted(message)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edited message is screened again: a clean post must not become a rude one.
        An update without a new edit time only adds link previews: screened when they show
        new text. Updates that change nothing the class sees are skipped."""
        before, after = payload.cached_message, payload.message
        edited_at = payload.data.get("edited_timestamp")
        if edited_at and "content" in payload.data:
            if before is None or visible_text(before) != visible_text(after):
                await self._posted(after, revision=str(edited_at))
            return
        shown = embeds_text(after)
        if shown and (before is None or embeds_text(before) != shown):
            digest = hashlib.sha256(shown.encode()).hexdigest()[:16]
            await self._posted(after, revision=f"embeds:{digest}")

    async def _posted(
        self, message: discord.Message, revision: str = "", posted_at: datetime | None = None
    ) -> bool:
        """A person's message in a guild channel becomes a MessagePosted (True), live or
        caught up; bots, webhooks and system messages are skipped (False)."""
        if message.guild is None or message.author.bot or message.webhook_id is not None:
            return False
        if message.type not in HUMAN_MESSAGES or not isinstance(message.author, discord.Member):
            return False
        channel = await self._channel(message.guild, message.channel.id)
        if channel is None:
            return False
        permissions = channel.permissions_for(message.author)
        actor = actor_of(message.author, permissions, self.teacher_role)
        where = MessageRef(channel_ref(channel), str(message.id))
        self.sizes.note(message)
        media = media_of(message)  # a picture or sticker without words is a message too
        text = visible_text(message)  # forwarded words, poll, embeds: the class sees them
        posted = MessagePosted(where, actor, text, revision, media, posted_at)
        await self.deliver(posted)
        return True

    async def on_thread_create(self, thread: discord.Thread) -> None:
        """A thread someone started: its name is visible text."""
        await self._thread_named(thread)

    async def on_thread_update(self, before: discord.Thread, after: discord.Thread) -> None:
        if before.name != after.name:  # renamed (by its owner, as far as Discord says)
            await self._thread_named(after)

    async def _thread_named(self, thread: discord.Thread) -> None:
        """A person's thread name becomes a ThreadNamed; the bot's own threads are skipped."""
        if self.user is None or thread.owner_id in (None, self.user.id):
            return
        owner: discord.Member | discord.Object | None = thread.guild.get_member(thread.owner_id)
        if owner is None:
            try:
                owner = await thread.guild.fetch_member(thread.owner_id)
            except discord.HTTPException:  # unknown: screened as a student's, never skipped
                owner = discord.Object(thread.owner_id)
        if isinstance(owner, discord.Member):
            if owner.bot:
                return
            actor = actor_of(owner, thread.permissions_for(owner), self.teacher_role)
        else:
            actor = Actor(UserRef(Platform.DISCORD, str(owner.id)), Role.STUDENT)
        await self.deliver(ThreadNamed(channel_ref(thread), actor, thread.name))

    async def on_raw_reaction_add(self, payload: discord.RawReactionActionEvent) -> None:
        member = payload.member
        if payload.guild_id is None or member is None or member.bot:
            return
        channel = await self._channel(member.guild, payload.channel_id)
        if channel is None:
            return
        actor = actor_of(member, channel.permissions_for(member), self.teacher_role)
        target = MessageRef(channel_ref(channel), str(payload.message_id))
        # a numbered reaction is a vote, a ✅ / ❌ a decision, as on Matrix
        await self.deliver(translated(target, actor, str(payload.emoji)))

    async def on_raw_poll_vote_add(self, payload: discord.RawPollVoteActionEvent) -> None:
        guild = self.get_guild(payload.guild_id or 0)
        member = guild.get_member(payload.user_id) if guild else None
        if guild is None or member is None or member.bot:
            return
        channel = await self._channel(guild, payload.channel_id)
        if channel is None:
            return
        actor = actor_of(member, channel.permissions_for(member), self.teacher_role)
        target = MessageRef(channel_ref(channel), str(payload.message_id))
        # Discord numbers answers from 1, in the order they were added
        await self.deliver(PollVoted(target, actor, payload.answer_id - 1))

    async def _channel(
        self, guild: discord.Guild, channel_id: int
    ) -> discord.TextChannel | discord.Thread | None:
        """A text channel or thread from the cache, else asked for (never silently skipped)."""
        found = guild.get_channel_or_thread(channel_id)
        if found is None:
            try:
                found = await guild.fetch_channel(channel_id)
            except discord.HTTPException:
                log.warning("cannot see channel %s; its events are ignored", channel_id)
                return None
        return found if isinstance(found, discord.TextChannel | discord.Thread) else None

    # who may read a channel changed: the features look at it now (the teacher room's privacy)
    async def on_guild_channel_update(
        self, _before: discord.abc.GuildChannel, after: discord.abc.GuildChannel
    ) -> None:
        await self.deliver(RoomChanged(Platform.DISCORD, channel_ref(after)))

    async def on_member_update(self, before: discord.Member, after: discord.Member) -> None:
        if before.roles != after.roles:  # may touch every channel of the server
            await self.deliver(RoomChanged(Platform.DISCORD))

    async def on_guild_role_update(self, before: discord.Role, after: discord.Role) -> None:
        if before.permissions != after.permissions:
            await self.deliver(RoomChanged(Platform.DISCORD))

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await on_reason(interaction, self.calls)

    async def _on_tree_error(
        self, interaction: discord.Interaction, error: app_commands.AppCommandError
    ) -> None:
        log.error("slash command failed: %s", error, exc_info=error)
