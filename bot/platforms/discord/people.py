"""Who someone is in a class: native member → neutral Actor, channel → ChannelRef."""

from __future__ import annotations

import discord

from bot.core.model import Actor, ChannelRef, Platform, Role, UserRef


def user_ref(user: discord.abc.User) -> UserRef:
    """The neutral reference for a Discord user, named as the class sees them."""
    return UserRef(Platform.DISCORD, str(user.id), user.display_name)


def is_teacher(member: discord.Member, permissions: discord.Permissions, teacher_role: str) -> bool:
    """Manage Channels where they are, or the configured teacher role by name."""
    if permissions.manage_channels:
        return True
    wanted = teacher_role.casefold()
    return bool(wanted) and any(r.name.casefold() == wanted for r in member.roles)


def actor_of(
    user: discord.abc.User, permissions: discord.Permissions | None, teacher_role: str
) -> Actor:
    """The Actor for a user acting in a channel; non-members (DMs, webhooks) are students."""
    role = Role.STUDENT
    if isinstance(user, discord.Member) and permissions is not None:
        role = Role.TEACHER if is_teacher(user, permissions, teacher_role) else Role.STUDENT
    return Actor(user_ref(user), role)


def channel_ref(channel: object, channel_id: int | None = None) -> ChannelRef:
    """A thread becomes (parent channel, thread); anything else is the channel itself."""
    if isinstance(channel, discord.Thread):
        return ChannelRef(Platform.DISCORD, str(channel.parent_id), str(channel.id))
    cid = getattr(channel, "id", None) or channel_id
    return ChannelRef(Platform.DISCORD, str(cid))
