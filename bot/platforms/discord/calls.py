"""Running a declared command for a Discord interaction: who, where, values, then dispatch."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import discord

from bot.core.commands import Command, Invocation, Kind, Registry, Reply, convert
from bot.core.dispatch import Dispatcher
from bot.core.errors import UserError
from bot.core.events import Decided
from bot.core.model import Actor, MessageRef, Platform
from bot.platforms.discord.people import actor_of, channel_ref
from bot.platforms.discord.replies import answer
from bot.platforms.discord.slash import member_lookup, read_files, to_text

log = logging.getLogger(__name__)


class CommandCalls:
    """Turns slash commands and decision clicks into dispatcher calls and answers them."""

    def __init__(self, dispatcher: Dispatcher, registry: Registry, teacher_role: str) -> None:
        self.dispatcher = dispatcher
        self.registry = registry
        self.teacher_role = teacher_role

    def actor(self, interaction: discord.Interaction) -> Actor:
        """The caller, with their role from their permissions where they typed."""
        return actor_of(interaction.user, interaction.permissions, self.teacher_role)

    async def slash(
        self, interaction: discord.Interaction, command: Command, values: dict[str, Any]
    ) -> None:
        """A slash command callback: convert the option values, run, answer."""
        await answer(interaction, self._run_slash(interaction, command, values))

    async def _run_slash(
        self, interaction: discord.Interaction, command: Command, values: dict[str, Any]
    ) -> Reply:
        where = channel_ref(interaction.channel, interaction.channel_id)
        actor = await self.dispatcher.resolve(self.actor(interaction), where)
        args: dict[str, Any] = {}
        # a refused caller hears the refusal, not a complaint about their values
        if actor.role >= command.role:
            try:
                files = await read_files(command, values)
                args = {**self.convert(command, values), **files}
            except UserError as e:
                return Reply(e.message, private=True)
        return await self.run(interaction, command, args, actor)

    @staticmethod
    def convert(command: Command, values: dict[str, Any]) -> dict[str, Any]:
        """Option values → handler arguments with the shared conversion (same errors)."""
        lookup = member_lookup(values)
        args: dict[str, Any] = {}
        for p in command.params:
            value = values.get(p.name)
            if p.kind is Kind.FILE:
                continue  # read by read_files
            args[p.name] = (
                p.default
                if value is None
                else convert(p, to_text(p, value), lookup, Platform.DISCORD)
            )
        return args

    async def run(
        self,
        interaction: discord.Interaction,
        command: Command,
        args: dict[str, Any],
        actor: Actor | None = None,
    ) -> Reply:
        """Dispatch a command as the interaction's caller, in the interaction's channel."""
        inv = Invocation(
            command=command,
            actor=actor or self.actor(interaction),
            channel=channel_ref(interaction.channel, interaction.channel_id),
            args=args,
            prefix="/",
        )
        return await self.dispatcher.command(inv, "/")

    async def decide(
        self, interaction: discord.Interaction, item: int, approve: bool, reason: str = ""
    ) -> None:
        """A decision control (a button, the reason form) on review `item`: a Decided
        request, whose answer is for the clicker only."""
        where = channel_ref(interaction.channel, interaction.channel_id)
        message = interaction.message
        review = None if message is None else MessageRef(where, str(message.id))
        decided = Decided(review, where, self.actor(interaction), approve, item, reason)
        chat = interaction.client.chat  # type: ignore[attr-defined]

        async def privately() -> Reply:
            reply = await self.dispatcher.request(chat, decided)
            return replace(reply or Reply(""), private=True)

        await answer(interaction, privately())
