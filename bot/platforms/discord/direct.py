"""Direct messages on Discord: writing to one person, and reading what they write to the bot.

A bot can only open a DM with a user who shares a server with it (and has
not closed DMs from that server); see docs/authors.md. In a DM, `!` text
commands are parsed with the same core parser as Matrix (slash commands
declared `direct` work there too); other text becomes a DirectMessage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.core.commands import Invocation, Reply
from bot.core.errors import UserError
from bot.core.events import DirectMessage
from bot.core.model import ChannelRef, MessageRef, Outgoing, Platform, UserRef
from bot.core.textcommand import is_command, parse
from bot.platforms.discord.outbound import NO_PINGS, nonce, split
from bot.platforms.discord.people import actor_of

if TYPE_CHECKING:
    from bot.platforms.discord.client import ReadAloudClient

PREFIX = "!"
HUMAN = (discord.MessageType.default, discord.MessageType.reply)


async def send_dm(client: discord.Client, user: UserRef, out: Outgoing) -> MessageRef:
    """Post `out` in the user's DM channel (opened if needed); nonces come from `out.key`."""
    channel = await client.create_dm(discord.Object(int(user.id)))
    first: discord.Message | None = None
    for i, part in enumerate(split(out.text)):
        sent = await channel.send(part, **nonce(out.key, i), allowed_mentions=NO_PINGS)
        first = first or sent
    assert first is not None, "nothing to send"
    return MessageRef(ChannelRef(Platform.DISCORD, str(channel.id)), str(first.id))


def _user(raw: str) -> UserRef:
    return UserRef(Platform.DISCORD, raw.strip().removeprefix("<@").removeprefix("!").rstrip(">"))


async def on_direct_message(client: ReadAloudClient, message: discord.Message) -> None:
    """A DM to the bot: a `!` command, or a DirectMessage event (a reply, or help)."""
    if message.author.bot or message.type not in HUMAN:
        return
    channel = ChannelRef(Platform.DISCORD, str(message.channel.id))
    actor = actor_of(message.author, None, client.teacher_role)
    text = message.content.strip()
    if is_command(client.calls.registry, text, PREFIX):  # "!wow" is a message, not a command
        try:
            command, args = parse(client.calls.registry, text, PREFIX, _user)
            reply = await client.dispatcher.command(
                Invocation(command, actor, channel, args), PREFIX
            )
        except UserError as e:
            reply = Reply(e.message, private=True)
        await client.chat.send(channel, Outgoing(reply.text, key=f"discord-dm:{message.id}"))
        return
    ref = message.reference
    replied = str(ref.message_id) if ref is not None and ref.message_id else None
    event = DirectMessage(MessageRef(channel, str(message.id)), actor, text, replied)
    await client.deliver(event)
