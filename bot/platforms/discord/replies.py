"""Answering an interaction with a neutral Reply: private replies are ephemeral."""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import Awaitable

import discord

from bot.core.commands import Reply
from bot.platforms.discord.outbound import LIMIT, NO_PINGS, split

log = logging.getLogger(__name__)
# Discord drops an interaction that is not answered within 3 s; stay safely below.
ANSWER_WITHIN = 2.0


async def answer(interaction: discord.Interaction, work: Awaitable[Reply]) -> None:
    """Run `work` and show its Reply; defer first when it takes long."""
    task = asyncio.ensure_future(work)
    done, _ = await asyncio.wait({task}, timeout=ANSWER_WITHIN)
    deferred = False
    if not done:
        await interaction.response.defer(thinking=True)
        deferred = True
    reply = await task
    try:
        await show(interaction, reply, deferred)
    except discord.HTTPException:
        log.exception("could not answer interaction %s", interaction.id)


async def show(interaction: discord.Interaction, reply: Reply, deferred: bool = False) -> None:
    """Send the Reply as the interaction's answer (split if long); an empty Reply (the
    channel already shows what happened) is acknowledged without a message."""
    if not reply.text and reply.attachment is None:
        await _acknowledge(interaction, deferred)
        return
    parts = split(reply.text) or ["(nothing to show)"]
    if deferred and reply.private:
        # the "thinking…" placeholder is public; replace it with a private answer
        await interaction.delete_original_response()
    elif deferred:
        await interaction.edit_original_response(content=parts[0], allowed_mentions=NO_PINGS)
        parts = parts[1:]
    elif not interaction.response.is_done():
        await interaction.response.send_message(
            parts[0], ephemeral=reply.private, allowed_mentions=NO_PINGS
        )
        parts = parts[1:]
    for part in parts:
        assert len(part) <= LIMIT
        await interaction.followup.send(part, ephemeral=reply.private, allowed_mentions=NO_PINGS)
    if reply.attachment is not None:
        data = io.BytesIO(reply.attachment.text.encode())
        file = discord.File(data, filename=reply.attachment.filename)
        await interaction.followup.send(file=file, ephemeral=reply.private)


async def _acknowledge(interaction: discord.Interaction, deferred: bool) -> None:
    """Answer an interaction without showing anything (a button or a form: a silent
    acknowledgement; a command: its placeholder removed)."""
    quiet = (discord.InteractionType.component, discord.InteractionType.modal_submit)
    if interaction.type in quiet and not deferred:
        await interaction.response.defer()
        return
    if not deferred and not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True)
    await interaction.delete_original_response()
