"""Teacher commands for the review queue and the class's screening rules."""

from __future__ import annotations

from bot.core.commands import (
    NAME_CHARS,
    Command,
    Kind,
    Param,
    Reply,
)
from bot.core.model import Role
from cogs.classroom.calls import ClassCall, in_class
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

    in_class_ = in_class(classes)

    @in_class_
    async def trust(call: ClassCall) -> Reply:
        a = call.args
        said = await mod.set_trust(call.cls, a["student"], a["level"], call.actor, call.prefix)
        return for_teachers(said)

    @in_class_
    async def history(call: ClassCall) -> Reply:
        student = call.args["student"]
        lines = await records.history(call.class_id, student)
        if not lines:
            return for_teachers(f"Nothing has been held or flagged for {student.label}.")
        return for_teachers("\n".join([f"Latest flags for {student.label}:", *lines]))

    @in_class_
    async def rules_(call: ClassCall) -> Reply:
        category, action = call.args["category"], call.args["action"]
        if category and action:
            await rules.set_rule(call.class_id, category, action, call.actor)
        elif category or action:
            return for_teachers("Give both, like: mod rules link flag")
        return for_teachers(describe((await rules.get(call.class_id)).policy))

    @in_class_
    async def allow(call: ClassCall) -> Reply:
        kind = call.args["kind"]
        value = await rules.allow(call.class_id, kind, call.args["value"], call.actor)
        return for_teachers(f"This class now allows the {kind} “{value}”.")

    @in_class_
    async def safeguarding(call: ClassCall) -> Reply:
        lead = call.args["person"]
        await rules.set_safeguarding(call.class_id, lead, call.actor)
        return for_teachers(
            f"{lead.label} is now this class's safeguarding lead: they are named on every "
            "self-harm or abuse alert in the teacher room. Please invite them there."
        )

    student = Param("student", Kind.USER, "the student")
    teacher = Role.TEACHER
    return [
        *review_commands.declare(mod.review, classes),
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
