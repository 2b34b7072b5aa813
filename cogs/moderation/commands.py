"""Teacher commands for the review queue and the class's screening rules."""

from __future__ import annotations

from bot.core.commands import (
    MESSAGE_CHARS,
    NAME_CHARS,
    REASON_CHARS,
    Command,
    Invocation,
    Kind,
    Param,
    Reply,
)
from bot.core.model import Role
from bot.core.names import clean
from cogs.classroom.service import TRUST_LEVELS, ClassroomService
from cogs.moderation.policy import ACTIONS, CATEGORIES, describe
from cogs.moderation.records import Records
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService
from cogs.moderation.texts import snippet

# the queue's sections: held class messages, then questions and answers for the guest author
SECTIONS = {
    "message": "— Class messages —",
    "question": "— Questions for the guest author —",
    "answer": "— Answers from the guest author —",
}


def for_teachers(text: str) -> Reply:
    """Every answer of these commands is private: held texts, reasons, trust and rules are
    for the teachers, never for the class to read."""
    return Reply(text, private=True)


FLAG = Param("flag", Kind.INT, "the flag number shown in the teacher room", minimum=1)


def declare(
    mod: ModerationService, records: Records, rules: ClassRules, classes: ClassroomService
) -> list[Command]:
    """The `mod` command group."""

    async def queue(inv: Invocation) -> Reply:
        flags = await mod.queue(inv.channel)
        if not flags:
            return for_teachers("Nothing is waiting for you. 🎉")
        lines = [f"{len(flags)} waiting, oldest first:"]
        for kind, title in SECTIONS.items():
            section = [
                f for f in flags if f.kind == kind or (kind == "message" and f.kind not in SECTIONS)
            ]
            if section and len(section) < len(flags):
                lines.append(title)
            lines += [
                f"#{f.id} · {clean(f.student)} · {f.age} · “{snippet(f.text, 80)}” — "
                + "; ".join(f.reasons)
                for f in section
            ]
        return for_teachers("\n".join(lines))

    async def show(inv: Invocation) -> Reply:
        return Reply(await records.show(inv.args["flag"], inv.channel))

    async def approve(inv: Invocation) -> Reply:
        return for_teachers(await mod.decide(inv.args["flag"], True, inv.actor, "", inv.channel))

    async def approve_all(inv: Invocation) -> Reply:
        return Reply(await mod.decide_review(inv.args["flag"], True, inv.actor, "", inv.channel))

    async def reject_all(inv: Invocation) -> Reply:
        reason = inv.args["reason"] or ""
        flag = inv.args["flag"]
        return Reply(await mod.decide_review(flag, False, inv.actor, reason, inv.channel))

    async def edit(inv: Invocation) -> Reply:
        a = inv.args
        said = await mod.decide(a["flag"], True, inv.actor, "edited", inv.channel, a["text"])
        return for_teachers(said)

    async def reject(inv: Invocation) -> Reply:
        reason = inv.args["reason"] or ""
        said = await mod.decide(inv.args["flag"], False, inv.actor, reason, inv.channel)
        return for_teachers(said)

    async def fine(inv: Invocation) -> Reply:
        return for_teachers(await records.not_a_problem(inv.args["flag"], inv.actor, inv.channel))

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
        Command(("mod", "queue"), "messages waiting for you, oldest first", teacher, queue),
        Command(("mod", "show"), "read a held message in full", teacher, show, (FLAG,)),
        Command(("mod", "approve"), "share a held message", teacher, approve, (FLAG,)),
        Command(
            ("mod", "approve-all"),
            "share every waiting message of a combined review (any of its flag numbers)",
            teacher,
            approve_all,
            (FLAG,),
        ),
        Command(
            ("mod", "reject-all"),
            "keep every waiting message of a combined review hidden",
            teacher,
            reject_all,
            (FLAG, Param("reason", Kind.TEXT, "what to tell the student", required=False)),
        ),
        Command(
            ("mod", "edit"),
            "share a held message with your changes",
            teacher,
            edit,
            (
                FLAG,
                Param(
                    "text",
                    Kind.TEXT,
                    "the message as it should be shared",
                    max_length=MESSAGE_CHARS,
                ),
            ),
        ),
        Command(
            ("mod", "reject"),
            "keep a held message hidden, optionally telling the student why",
            teacher,
            reject,
            (
                FLAG,
                Param(
                    "reason",
                    Kind.TEXT,
                    "what to tell the student",
                    required=False,
                    max_length=REASON_CHARS,
                ),
            ),
        ),
        Command(
            ("mod", "fine"),
            "not a problem: share it and allow its words or link in this class",
            teacher,
            fine,
            (FLAG,),
        ),
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
