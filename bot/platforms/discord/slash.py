"""Slash commands generated from the command declarations (one declaration, every platform).

The first word of a path becomes a command group (`/readaloud plan`), the
parameters become typed options, and values are converted with the shared
`convert` so a mistake reads the same as on Matrix.
"""

from __future__ import annotations

import inspect
import keyword
import zoneinfo
from collections import defaultdict
from collections.abc import Awaitable, Callable
from functools import cache
from typing import Any, Literal

import discord
from discord import app_commands

from bot.core.commands import Command, Kind, Param, Registry
from bot.core.errors import UserError
from bot.core.model import MAX_ATTACHMENT_BYTES, Attachment, Platform, Role, UserRef
from bot.platforms.discord.people import channel_ref, user_ref

Run = Callable[[discord.Interaction, Command, dict[str, Any]], Awaitable[None]]
GUILDS_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
# commands declared `direct` (guest authors) also work in a DM with the bot
WITH_DMS = app_commands.AppCommandContext(guild=True, dm_channel=True, private_channel=False)
TEACHER_PERMISSIONS = discord.Permissions(manage_channels=True)
GROUP_HELP = {
    "class": "set up this class",
    "readaloud": "books, plans, prompts and the calendar",
    "mod": "the review queue for held messages",
    "author": "guest authors and their answers",
    "circle": "classes reading one book together",
}
STRING_KINDS = {Kind.WORD, Kind.TEXT, Kind.DATE, Kind.TIME, Kind.TIMEZONE, Kind.WEEKDAYS}


def build(tree: app_commands.CommandTree[Any], registry: Registry, run: Run) -> None:
    """Add one slash command per declaration to `tree` (groups by first path word)."""
    by_group: dict[str, list[Command]] = defaultdict(list)
    for command in registry:
        if len(command.path) == 1:
            slash = _slash(command, command.path[0], run)
            if command.role >= Role.TEACHER:
                slash.default_permissions = TEACHER_PERMISSIONS
            tree.add_command(slash)
        else:
            by_group[command.path[0]].append(command)
    for word, commands in sorted(by_group.items()):
        # Discord hides commands per top-level command only: a group is hidden from
        # students when all of it is for teachers; the dispatcher checks every call anyway.
        teacher_only = all(c.role >= Role.TEACHER for c in commands)
        group = app_commands.Group(
            name=word,
            description=GROUP_HELP.get(word, f"{word} commands"),
            guild_only=not any(c.direct for c in commands),
            allowed_contexts=WITH_DMS if any(c.direct for c in commands) else GUILDS_ONLY,
            default_permissions=TEACHER_PERMISSIONS if teacher_only else None,
        )
        for command in commands:
            group.add_command(_slash(command, command.path[1], run))
        tree.add_command(group)


def _slash(command: Command, name: str, run: Run) -> app_commands.Command[Any, ..., None]:
    async def callback(interaction: discord.Interaction, **values: Any) -> None:
        await run(interaction, command, {py_names[k]: v for k, v in values.items()})

    # option names like "from" are Python keywords: a safe name in Python, renamed on Discord
    py_names = {_identifier(p.name): p.name for p in command.params}
    signature = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
    for p in command.params:
        signature.append(
            inspect.Parameter(
                _identifier(p.name),
                inspect.Parameter.KEYWORD_ONLY,
                annotation=_annotation(p),
                default=inspect.Parameter.empty if p.required else None,
            )
        )
    callback.__signature__ = inspect.Signature(signature)  # type: ignore[attr-defined]
    app_commands.describe(**{_identifier(p.name): p.help[:100] for p in command.params})(callback)
    app_commands.rename(**{k: v for k, v in py_names.items() if k != v})(callback)
    auto: dict[str, Any] = {
        _identifier(p.name): timezones for p in command.params if p.kind is Kind.TIMEZONE
    }
    auto |= {_identifier(p.name): _suggester(p) for p in command.params if p.suggest}
    if auto:
        app_commands.autocomplete(**auto)(callback)
    slash: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=name,
        description=command.help[:100],
        callback=callback,  # its real signature is set above
        allowed_contexts=WITH_DMS if command.direct else GUILDS_ONLY,
    )
    slash.guild_only = not command.direct
    return slash


def _identifier(name: str) -> str:
    return f"{name}_" if keyword.iskeyword(name) else name


def _annotation(p: Param) -> Any:
    if p.kind is Kind.INT:
        return app_commands.Range[int, p.minimum, None] if p.minimum is not None else int
    if p.kind is Kind.USER:
        return discord.Member
    if p.kind is Kind.CHOICE:
        return Literal[p.choices]
    if p.kind is Kind.FILE:
        return discord.Attachment
    if p.kind is Kind.CHANNEL:
        return discord.TextChannel
    assert p.kind in STRING_KINDS, p.kind
    return str


def to_text(p: Param, value: Any) -> str:
    """An option value as the text `convert` expects (members and channels become their id)."""
    if isinstance(value, discord.abc.User | discord.abc.GuildChannel):
        return str(value.id)
    return str(value)


def member_lookup(values: dict[str, Any]) -> Callable[[str], UserRef]:
    """Resolve a member option (its id) back to the member Discord sent with it."""
    members = {str(v.id): v for v in values.values() if isinstance(v, discord.abc.User)}

    def find(raw: str) -> UserRef:
        member = members.get(raw)
        return user_ref(member) if member else UserRef(Platform.DISCORD, raw)

    return find


@cache
def _all_timezones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones() | {"UTC"}))


def _suggester(p: Param) -> Callable[..., Awaitable[list[app_commands.Choice[str]]]]:
    """Autocomplete from the declaration's own suggestions (books, sessions of this class)."""
    assert p.suggest is not None
    suggest = p.suggest

    async def complete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        values = await suggest(channel_ref(interaction.channel, interaction.channel_id))
        typed = current.strip().casefold()
        found = [v for v in values if typed in v.casefold()]
        return [app_commands.Choice(name=v[:100], value=v[:100]) for v in found[:25]]

    return complete


async def timezones(
    interaction: discord.Interaction, current: str
) -> list[app_commands.Choice[str]]:
    """Timezone suggestions matching what was typed so far (Discord shows at most 25)."""
    typed = current.strip().lower().replace(" ", "_")
    found = [tz for tz in _all_timezones() if typed in tz.lower()]
    return [app_commands.Choice(name=tz, value=tz) for tz in found[:25]]


async def read_files(command: Command, values: dict[str, Any]) -> dict[str, Any]:
    """Attachment options read into neutral Attachments (small text files only)."""
    files: dict[str, Any] = {}
    for p in command.params:
        value = values.get(p.name)
        if p.kind is Kind.FILE:
            if value is None:
                files[p.name] = p.default
                continue
            if value.size > MAX_ATTACHMENT_BYTES:
                raise UserError(f"{value.filename} is too big; a plan file is at most 64 KB.")
            files[p.name] = Attachment.from_bytes(value.filename, await value.read())
    return files
