"""Guild-level things: the class's teachers, the private teacher channel, the repost webhook."""

from __future__ import annotations

import re

import discord

from bot.core.errors import UserError
from bot.core.model import ChannelRef, Platform, Role, UserRef
from bot.platforms.discord.people import is_teacher, user_ref
from bot.platforms.discord.permissions import PermissionHints, topic_marker

Target = discord.Role | discord.Member | discord.Object
WEBHOOK_NAME = "readaloud"
TEACHER_ACCESS = discord.PermissionOverwrite(
    view_channel=True, send_messages=True, read_message_history=True, embed_links=True
)


class Rooms:
    """Looks up and creates guild objects for the Chat adapter (no business rules)."""

    def __init__(self, client: discord.Client, hints: PermissionHints, teacher_role: str) -> None:
        self.client = client
        self.hints = hints
        self.teacher_role = teacher_role
        self._webhooks: dict[int, discord.Webhook] = {}

    async def channel(self, ref: ChannelRef) -> discord.TextChannel:
        """The class channel itself (from the cache, else fetched)."""
        native = self.client.get_channel(int(ref.id)) or await self.client.fetch_channel(
            int(ref.id)
        )
        if not isinstance(native, discord.TextChannel):
            raise TypeError(f"channel {ref.id} is not a text channel")
        return native

    def teachers(self, classroom: ChannelRef) -> list[UserRef]:
        """Members with Manage Channels in the class channel or the teacher role (not bots)."""
        native = self.client.get_channel(int(classroom.id))
        if not isinstance(native, discord.TextChannel):
            return []
        return [
            user_ref(m)
            for m in native.guild.members
            if not m.bot and is_teacher(m, native.permissions_for(m), self.teacher_role)
        ]

    def members(self, classroom: ChannelRef) -> list[UserRef]:
        """Everyone who can read the class channel (not bots), once per name they go by."""
        native = self.client.get_channel(int(classroom.id))
        if not isinstance(native, discord.TextChannel):
            return []
        found: list[UserRef] = []
        for m in native.members:  # the cached members who can view the channel
            if m.bot:
                continue
            names = dict.fromkeys(n for n in (m.display_name, m.name, m.global_name, m.nick) if n)
            found += [UserRef(Platform.DISCORD, str(m.id), n) for n in names]
        return found

    async def create_teacher_channel(
        self, classroom: ChannelRef, name: str, teachers: list[UserRef]
    ) -> ChannelRef:
        """A private text channel next to the class: hidden from @everyone, open to teachers."""
        room = await self.channel(classroom)
        guild = room.guild
        overwrites: dict[Target, discord.PermissionOverwrite] = {
            guild.default_role: discord.PermissionOverwrite(view_channel=False),
            guild.me: discord.PermissionOverwrite(
                view_channel=True, send_messages=True, embed_links=True, read_message_history=True
            ),
        }
        for t in teachers:
            member = guild.get_member(int(t.id))
            overwrites[member or discord.Object(int(t.id), type=discord.Member)] = TEACHER_ACCESS
        role = discord.utils.find(
            lambda r: r.name.casefold() == self.teacher_role.casefold(), guild.roles
        )
        if role is not None:
            overwrites[role] = TEACHER_ACCESS
        try:
            created = await guild.create_text_channel(
                _slug(name),
                overwrites=overwrites,
                category=room.category,
                topic=f"{name}: held messages wait here. {topic_marker(classroom)}",
                reason="readaloud class setup",
            )
        except discord.Forbidden:
            raise await self.hints.forbidden(
                classroom, "Manage Channels", "create the private teacher channel"
            ) from None
        return ChannelRef(Platform.DISCORD, str(created.id))

    def role(self, classroom: ChannelRef, user: UserRef) -> Role:
        """Teacher by their permissions in the class channel (or the teacher role)."""
        native = self.client.get_channel(int(classroom.id))
        if not isinstance(native, discord.TextChannel):
            return Role.STUDENT
        member = native.guild.get_member(int(user.id))
        if member is None or member.bot:
            return Role.STUDENT
        teacher = is_teacher(member, native.permissions_for(member), self.teacher_role)
        return Role.TEACHER if teacher else Role.STUDENT

    def readers(self, channel: ChannelRef) -> list[UserRef]:
        """Members (not bots) who can view the channel."""
        native = self.client.get_channel(int(channel.id))
        if not isinstance(native, discord.TextChannel):
            return []
        return [
            user_ref(m)
            for m in native.guild.members
            if not m.bot and native.permissions_for(m).view_channel
        ]

    async def remove(self, channel: ChannelRef, user: UserRef, reason: str) -> None:
        """Drop the member's own access to the channel (what class setup gave teachers);
        access through a role or @everyone is the teacher's to change."""
        native = self.client.get_channel(int(channel.id))
        if not isinstance(native, discord.TextChannel):
            return
        member = native.guild.get_member(int(user.id))
        if member is None:
            return
        if member not in native.overwrites:
            raise UserError(
                f"{member.display_name} can read #{native.name} through a role; "
                "change the channel's permissions."
            )
        try:
            await native.set_permissions(member, overwrite=None, reason=reason)
        except discord.Forbidden:
            raise await self.hints.forbidden(
                channel, "Manage Roles", f"remove {member.display_name} from #{native.name}"
            ) from None

    async def private_problem(self, classroom: ChannelRef, channel: ChannelRef) -> str | None:
        """Who besides teachers and bots can read `channel`, and how to fix it."""
        if not self.client.is_ready():  # members and permissions are not known yet
            raise RuntimeError("not connected to Discord yet")
        room = await self.channel(classroom)
        native = room.guild.get_channel(int(channel.id))
        if not isinstance(native, discord.TextChannel):
            return "I cannot see that channel. Pick a text channel I can read, or leave it out."
        if native.permissions_for(room.guild.default_role).view_channel:
            return (
                f"Everyone can read #{native.name}. In its settings → Permissions, turn off "
                "View Channel for @everyone (and allow your teachers), then run /class setup again."
            )
        readers = [
            m.display_name
            for m in room.guild.members
            if not m.bot
            and native.permissions_for(m).view_channel
            and not is_teacher(m, room.permissions_for(m), self.teacher_role)
        ]
        if readers:
            shown = ", ".join(sorted(readers)[:5])
            return (
                f"Students can read #{native.name} ({shown}). In its settings → Permissions, "
                "remove their access, then run /class setup again."
            )
        return None

    async def webhook(self, channel: ChannelRef) -> discord.Webhook:
        """The bot's "readaloud" webhook on the class channel (threads use the parent's)."""
        parent = int(channel.id)
        if parent in self._webhooks:
            return self._webhooks[parent]
        room = await self.channel(channel.room)
        me = self.client.user
        hook = discord.utils.find(
            lambda w: w.name == WEBHOOK_NAME and w.token is not None and w.user == me,
            await room.webhooks(),
        )
        if hook is None:
            hook = await room.create_webhook(name=WEBHOOK_NAME, reason="reposting approved posts")
        self._webhooks[parent] = hook
        return hook

    def avatar(self, channel: ChannelRef, author: UserRef) -> str | None:
        """The student's avatar URL if the bot knows them."""
        native = self.client.get_channel(int(channel.id))
        guild = getattr(native, "guild", None)
        member = guild.get_member(int(author.id)) if guild else None
        return member.display_avatar.url if member else None


def _slug(name: str) -> str:
    """Discord text channel names are lower-case words joined by hyphens."""
    slug = re.sub(r"[^\w]+", "-", name.lower(), flags=re.UNICODE).strip("-")
    return slug[:100] or "teachers"
