"""Teacher commands for the review queue: see what waits, and decide it."""

from __future__ import annotations

from bot.core.commands import MESSAGE_CHARS, REASON_CHARS, Command, Invocation, Kind, Param, Reply
from bot.core.model import Role
from bot.core.names import clean
from cogs.review.service import ReviewQueue
from cogs.review.texts import snippet

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


def declare(review: ReviewQueue) -> list[Command]:
    """The review queue's part of the `mod` command group."""

    async def queue(inv: Invocation) -> Reply:
        flags = await review.queue(inv.channel)
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
        return Reply(await review.show(inv.args["flag"], inv.channel))

    async def approve(inv: Invocation) -> Reply:
        return for_teachers(await review.decide(inv.args["flag"], True, inv.actor, "", inv.channel))

    async def approve_all(inv: Invocation) -> Reply:
        return Reply(await review.decide_review(inv.args["flag"], True, inv.actor, "", inv.channel))

    async def reject_all(inv: Invocation) -> Reply:
        reason = inv.args["reason"] or ""
        flag = inv.args["flag"]
        return Reply(await review.decide_review(flag, False, inv.actor, reason, inv.channel))

    async def edit(inv: Invocation) -> Reply:
        a = inv.args
        said = await review.decide(a["flag"], True, inv.actor, "edited", inv.channel, a["text"])
        return for_teachers(said)

    async def reject(inv: Invocation) -> Reply:
        reason = inv.args["reason"] or ""
        said = await review.decide(inv.args["flag"], False, inv.actor, reason, inv.channel)
        return for_teachers(said)

    async def fine(inv: Invocation) -> Reply:
        return for_teachers(await review.fine(inv.args["flag"], inv.actor, inv.channel))

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
    ]
