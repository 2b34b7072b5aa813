"""When Discord says 403: tell the teacher which permission to grant, once in a while.

The teacher channel is the one the features last found private for the class
(`remember`: a channel the teacher chose, or the one the bot made), checked at class
set-up and on every new gateway session; until then, the channel whose topic carries
the marker the bot wrote when it created one. A hint is only posted where the bot's
own permissions there (discord.py's `permissions_for`) let it.
"""

from __future__ import annotations

import logging
import time

import discord

from bot.core.errors import Forbidden
from bot.core.model import ChannelRef

log = logging.getLogger(__name__)
REPEAT_AFTER = 3600.0  # seconds between two hints about the same missing permission


def topic_marker(classroom: ChannelRef) -> str:
    return f"(readaloud:{classroom.id})"


class PermissionHints:
    """Posts 'please give me X' in the teacher channel and turns the 403 into `Forbidden`."""

    def __init__(self, client: discord.Client) -> None:
        self.client = client
        self._last: dict[tuple[str, str], float] = {}
        self._teachers: dict[str, int] = {}  # class channel id → its teacher channel's id

    def remember(self, classroom: ChannelRef, teachers: ChannelRef | None) -> None:
        """`teachers` is the class's private teacher channel now (None: no longer private)."""
        if teachers is None:
            self._teachers.pop(classroom.id, None)
        else:
            self._teachers[classroom.id] = int(teachers.id)

    def teacher_channel(self, channel: ChannelRef) -> discord.TextChannel | None:
        """The teacher channel of the class that `channel` belongs to, if the bot can see it."""
        native = self.client.get_channel(int(channel.id))
        guild: discord.Guild | None = getattr(native, "guild", None)
        if guild is None:
            return None
        known = guild.get_channel(self._teachers.get(channel.id, 0))
        if isinstance(known, discord.TextChannel):
            return known
        marker = topic_marker(channel.room)
        for candidate in guild.text_channels:
            if candidate.topic and candidate.topic.endswith(marker):
                return candidate
        return None

    @staticmethod
    def explain(channel: ChannelRef, permission: str, doing: str) -> Forbidden:
        """The error to raise, naming the permission, without telling anyone."""
        return Forbidden(
            f"I could not {doing} in <#{channel.thread or channel.id}>: I need the "
            f"**{permission}** permission there. Please give it to my role in Server "
            "Settings → Roles (or in the channel's permissions)."
        )

    async def forbidden(self, channel: ChannelRef, permission: str, doing: str) -> Forbidden:
        """Tell the teacher (at most hourly per permission, counted from when they were
        told: a refusal while no teacher channel is known, at start, tells nobody and does
        not count) and return the error to raise."""
        error = self.explain(channel, permission, doing)
        text = error.message
        key = (channel.id, permission)
        now = time.monotonic()
        if now - self._last.get(key, -REPEAT_AFTER) >= REPEAT_AFTER:
            self._last[key] = now  # before posting: two refusals at once tell once
            if not await self._post(channel, text):
                del self._last[key]
        return error

    async def _post(self, channel: ChannelRef, text: str) -> bool:
        """Post the hint in the teacher channel; False if there is none the bot may post in."""
        teachers = self.teacher_channel(channel)
        if teachers is None or str(teachers.id) == channel.id:
            log.warning("discord permission missing (no teacher channel to tell): %s", text)
            return False
        mine = teachers.permissions_for(teachers.guild.me)
        if not (mine.view_channel and mine.send_messages):
            log.warning("discord permission missing (may not post in #%s): %s", teachers, text)
            return False
        try:
            await teachers.send(text)
        except discord.HTTPException:
            log.warning("could not tell the teachers about a missing permission: %s", text)
        return True
