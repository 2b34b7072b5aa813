"""Class commands: setup and help."""

from __future__ import annotations

from bot.core.commands import (
    NAME_CHARS,
    Command,
    Invocation,
    Kind,
    Param,
    Registry,
    Reply,
)
from bot.core.help import render_help
from bot.core.model import Role
from cogs.classroom.service import ClassroomService


def declare(classes: ClassroomService, registry_ref: list[Registry]) -> list[Command]:
    """The class commands. `registry_ref` holds the finished registry for help."""

    async def setup(inv: Invocation) -> Reply:
        info, created = await classes.setup(
            inv.channel,
            inv.actor,
            inv.args["timezone"],
            inv.args["name"] or "",
            inv.args["teachers"],
        )
        lines = [f'This room is now the class "{info.name}" (timezone {info.timezone}).']
        if created:
            lines.append("I made a private teacher room and invited you: held messages go there.")
        elif inv.args["teachers"] is not None:
            lines.append("Held messages will go to the private teacher channel you named.")
        lines.append(f'Next: {inv.prefix}readaloud book "Title" chapters=12')
        return Reply("\n".join(lines))

    async def help_(inv: Invocation) -> Reply:
        topic = inv.args.get("topic") or ""
        return Reply(render_help(registry_ref[0], inv.actor.role, inv.prefix, topic), private=True)

    return [
        Command(
            ("class", "setup"),
            "make this room a class with a private teacher room",
            Role.TEACHER,
            setup,
            (
                Param(
                    "timezone", Kind.TIMEZONE, "the class's timezone", required=False, default="UTC"
                ),
                Param("name", Kind.TEXT, "the class's name", required=False, max_length=NAME_CHARS),
                Param(
                    "teachers",
                    Kind.CHANNEL,
                    "an existing private channel for teachers (made for you if left out)",
                    required=False,
                ),
            ),
        ),
        Command(
            ("help",),
            "what you can do here",
            Role.STUDENT,
            help_,
            (
                Param(
                    "topic",
                    Kind.WORD,
                    "one part: setup, plan, session, mod or author",
                    required=False,
                    max_length=40,
                ),
            ),
        ),
    ]
