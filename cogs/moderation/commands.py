"""Teacher commands for the review queue and the class's screening rules."""

from __future__ import annotations

from bot.core.commands import (
    NAME_CHARS,
    Command,
    Invocation,
    Kind,
    Param,
    Reply,
)
from bot.core.model import Role
from cogs.classroom.service import TRUST_LEVELS, ClassroomService
from cogs.moderation.policy import ACTIONS, CATEGORIES, describe
from cogs.moderation.records import Records
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService
from cogs.review import commands as review_commands
from cogs.review.commands import for_teachers


def declare(
    mod: ModerationService, records: Records, rules: ClassRules, classes: ClassroomService
) -> list[Command]:
    """The `mod` command group (the review queue's commands first, ``cogs/review``)."""

    async def trust(inv: Invocation) -> Reply:
        a = inv.args
        said = await mod.set_trust(inv.channel, a["student"], a["level"], inv.actor, inv.prefix)
        return for_teachers(said)

    async def history(inv: Invocation) -> Reply:
        student = inv.args["student"]
        lines = await records.history(inv.channel, student)
        if not lines:
            return for_teachers(f"Nothing has been held or flagged for {student.label}.")
        return for_teachers("\n".join([f"Latest flags for {student.label}:", *lines]))

    async def rules_(inv: Invocation) -> Reply:
        cls = await classes.require(inv.channel, inv.prefix)
        category, action = inv.args["category"], inv.args["action"]
        if category and action:
            await rules.set_rule(cls.id, category, action, inv.actor)
        elif category or action:
            return for_teachers("Give both, like: mod rules link flag")
        return for_teachers(describe((await rules.get(cls.id)).policy))

    async def allow(inv: Invocation) -> Reply:
        cls = await classes.require(inv.channel, inv.prefix)
        value = await rules.allow(cls.id, inv.args["kind"], inv.args["value"], inv.actor)
        return for_teachers(f"This class now allows the {inv.args['kind']} “{value}”.")

    async def safeguarding(inv: Invocation) -> Reply:
        cls = await classes.require(inv.channel, inv.prefix)
        lead = inv.args["person"]
        await rules.set_safeguarding(cls.id, lead, inv.actor)
        return for_teachers(
            f"{lead.label} is now this class's safeguarding lead: they are named on every "
            "self-harm or abuse alert in the teacher room. Please invite them there."
        )

    student = Param("student", Kind.USER, "the student")
    teacher = Role.TEACHER
    return [
        *review_commands.declare(mod.review),
        Command(
            ("mod", "trust"),
            "stop holding a student's messages unless screening finds a problem",
            teacher,
            trust,
            (
                student,
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
        Command(
            ("mod", "history"),
            "what was held or flagged for a student",
            teacher,
            history,
            (student,),
        ),
        Command(
            ("mod", "rules"),
            "show the screening rules, or change one",
            teacher,
            rules_,
            (
                Param(
                    "category",
                    Kind.CHOICE,
                    "what kind of problem",
                    required=False,
                    choices=CATEGORIES,
                ),
                Param(
                    "action",
                    Kind.CHOICE,
                    "what to do",
                    required=False,
                    choices=(*ACTIONS, "default"),
                ),
            ),
        ),
        Command(
            ("class", "safeguarding"),
            "name the adult told about self-harm or abuse signals",
            teacher,
            safeguarding,
            (Param("person", Kind.USER, "the safeguarding lead"),),
        ),
        Command(
            ("mod", "allow"),
            "allow a word or a website in this class",
            teacher,
            allow,
            (
                Param("kind", Kind.CHOICE, "word or domain", choices=("word", "domain")),
                Param("value", Kind.TEXT, "the word or the domain", max_length=NAME_CHARS),
            ),
        ),
    ]
