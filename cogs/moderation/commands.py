"""Teacher commands for the review queue: queue, approve, reject, trust."""

from __future__ import annotations

from bot.core.commands import Command, Invocation, Kind, Param, Reply
from bot.core.model import Role
from cogs.classroom.service import TRUST_LEVELS
from cogs.moderation.service import ModerationService


def declare(mod: ModerationService) -> list[Command]:
    """The `mod` command group."""

    async def queue(inv: Invocation) -> Reply:
        flags = await mod.queue(inv.channel)
        if not flags:
            return Reply("Nothing is waiting for you. 🎉")
        lines = [f"{len(flags)} waiting, oldest first:"]
        lines += [
            f"#{f.id} · {f.student} · {f.age} · “{f.text[:80]}” — {'; '.join(f.reasons)}"
            for f in flags
        ]
        return Reply("\n".join(lines))

    async def approve(inv: Invocation) -> Reply:
        return Reply(await mod.decide(inv.args["flag"], True, inv.actor, "", inv.channel))

    async def reject(inv: Invocation) -> Reply:
        reason = inv.args["reason"] or ""
        return Reply(await mod.decide(inv.args["flag"], False, inv.actor, reason, inv.channel))

    async def trust(inv: Invocation) -> Reply:
        return Reply(
            await mod.set_trust(inv.channel, inv.args["student"], inv.args["level"], inv.actor)
        )

    flag = Param("flag", Kind.INT, "the flag number shown in the teacher room", minimum=1)
    return [
        Command(("mod", "queue"), "messages waiting for you, oldest first", Role.TEACHER, queue),
        Command(("mod", "approve"), "share a held message", Role.TEACHER, approve, (flag,)),
        Command(
            ("mod", "reject"),
            "keep a held message hidden, optionally telling the student why",
            Role.TEACHER,
            reject,
            (flag, Param("reason", Kind.TEXT, "what to tell the student", required=False)),
        ),
        Command(
            ("mod", "trust"),
            "stop holding a student's messages unless screening finds a problem",
            Role.TEACHER,
            trust,
            (
                Param("student", Kind.USER, "the student"),
                Param(
                    "level",
                    Kind.CHOICE,
                    "trust level",
                    required=False,
                    default="trusted",
                    choices=TRUST_LEVELS,
                ),
            ),
        ),
    ]
