"""Teacher commands for the review queue: see what waits, and decide it."""

from __future__ import annotations

from bot.core.commands import MESSAGE_CHARS, REASON_CHARS, Command, Kind, Param, Reply
from bot.core.model import Role
from bot.core.names import clean
from cogs.classroom.calls import ClassCall, in_class
from cogs.classroom.service import ClassroomService
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


def declare(review: ReviewQueue, classes: ClassroomService) -> list[Command]:
    """The review queue's part of the `mod` command group."""
    in_class_ = in_class(classes)

    @in_class_
    async def queue(call: ClassCall) -> Reply:
        flags = await review.queue(call.class_id)
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

    @in_class_
    async def show(call: ClassCall) -> Reply:
        return Reply(await review.show(call.class_id, call.args["flag"]))

    @in_class_
    async def approve(call: ClassCall) -> Reply:
        return for_teachers(await review.decide(call, call.args["flag"], True, ""))

    @in_class_
    async def approve_all(call: ClassCall) -> Reply:
        return Reply(await review.decide_review(call, call.args["flag"], True, ""))

    @in_class_
    async def reject_all(call: ClassCall) -> Reply:
        reason = call.args["reason"] or ""
        return Reply(await review.decide_review(call, call.args["flag"], False, reason))

    @in_class_
    async def edit(call: ClassCall) -> Reply:
        a = call.args
        return for_teachers(await review.decide(call, a["flag"], True, "edited", a["text"]))

    @in_class_
    async def reject(call: ClassCall) -> Reply:
        reason = call.args["reason"] or ""
        return for_teachers(await review.decide(call, call.args["flag"], False, reason))

    @in_class_
    async def fine(call: ClassCall) -> Reply:
        return for_teachers(await review.fine(call, call.args["flag"]))

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
