"""Where a command's answer is posted on Matrix, which has no replies only one person sees.

A public answer goes where the command was typed. A private one goes where only the
caller (or the class's teachers) can read it: a teacher's in the class's teacher room
(the dispatcher names it in `Reply.teacher_channel`), anyone else's in their direct
room with the bot. The class room gets a short pointer at most.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nio import AsyncClient

from bot.core.commands import Reply
from bot.core.model import Actor, ChannelRef, Outgoing
from bot.platforms.matrix import direct, files

if TYPE_CHECKING:
    from bot.platforms.matrix.chat import MatrixChat

IN_TEACHER_ROOM = "I've answered you in the teacher room."


class Replies:
    """Posts command answers for one bot account."""

    def __init__(self, chat: MatrixChat, client: AsyncClient) -> None:
        self.chat = chat
        self.client = client

    async def deliver(self, channel: ChannelRef, actor: Actor, reply: Reply, event_id: str) -> None:
        """Post `reply` to the command typed as `event_id` in `channel` (once per command)."""
        key = f"matrix-reply:{event_id}"
        if not reply.private or self._private_here(channel, reply):
            mentions = (actor.user,) if reply.private else ()
            await self._post(channel, Outgoing(reply.text, key=key, mentions=mentions), reply)
            return
        if reply.teacher_channel is not None:
            out = Outgoing(reply.text, key=key, mentions=(actor.user,))
            await self._post(reply.teacher_channel, out, reply)
            pointer = Outgoing(IN_TEACHER_ROOM, key=f"{key}:pointer", mentions=(actor.user,))
            await self.chat.send(channel, pointer)
            return
        out = Outgoing(reply.text, key=key)
        if reply.attachment is None:
            await self.chat.tell(actor.user, channel, out)
            return
        posted = await self.chat.dm(actor.user, out)
        await files.send_file(self.client, posted.channel, reply.attachment, key)

    def _private_here(self, channel: ChannelRef, reply: Reply) -> bool:
        """Typed where only the caller (a direct room) or only teachers can read."""
        if reply.teacher_channel is not None and channel.id == reply.teacher_channel.id:
            return True
        return direct.is_direct(self.client, channel.id)

    async def _post(self, channel: ChannelRef, out: Outgoing, reply: Reply) -> None:
        await self.chat.send(channel, out)
        if reply.attachment is not None:
            await files.send_file(self.client, channel, reply.attachment, out.key or "")
