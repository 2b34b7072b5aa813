"""Words the bot says about moderation: kind to students, clear for teachers."""

from __future__ import annotations

from bot.core.model import UserRef
from bot.core.names import clean
from bot.core.wording import sentence
from bot.db.states import FlagState
from bot.db.tables import Flag
from cogs.review.texts import name, review_layout, snippet

CLOSED_NOTE = (
    "Today's discussion has finished, so your teacher reads new messages here first. "
    "Thanks for sharing your thoughts!"
)


def thread_name_held(flag: Flag, shown_as: str) -> str:
    """For the student whose thread name waits (the note says why, never twice)."""
    note = flag.student_note or "Your teacher checks new names before everyone sees them."
    if "waiting for your teacher" in note:
        note = "Thanks for your patience!"
    return (
        f"Hi {name(flag)}! The name of your thread is waiting for your teacher to "
        f"read it, so it shows as “{shown_as}” for now. {note}"
    )


def thread_name_rejected(flag: Flag) -> str:
    reason = sentence(flag.decision_reason or "")
    why = f" Your teacher says: {reason}" if reason else ""
    return (
        f"Hi {name(flag)}, your teacher decided not to keep that name for your "
        f"thread.{why} You're welcome to choose a different one."
    )


def child_direct_reply(student: str, note: str, flagged: int | None) -> str:
    """For a child who wrote to the bot one-to-one: kind, honest about who sees it."""
    hello = f"Hi {clean(student, fallback='there')}! I'm the read-aloud bot, so I can't chat here."
    where = "To talk about the book, write in your class room."
    if flagged is None:
        return f"{hello} {where} If something is bothering you, tell your teacher."
    told = note or "Your teacher will see this message, so they can help if you need it."
    if "teacher" not in told:
        told += " Your teacher will see this message too."
    return f"{hello} {told} {where}"


def direct_review(flag: Flag) -> str:
    """For the teacher: what a student wrote to the bot privately that needs a look."""
    reasons = "; ".join(flag.reasons) or "needs a look"
    return review_layout(
        f"Private message #{flag.id} from {name(flag)} ({flag.user_id}) to me, in their "
        "direct room (the class did not see it)",
        f"Why: {reasons}",
        f"React ✅ or ❌ once you have seen it (nothing is posted either way), or type: "
        f"mod approve {flag.id}",
        name(flag),
        flag.text,
        flag.id,
    )


def not_in_class(
    user: UserRef, nearest: UserRef | None, people: list[UserRef], prefix: str = "!"
) -> str:
    """For the teacher: that person is not in this class (nobody's trust changed), and who
    they probably meant."""
    shown = clean(user.id, fallback="that person")
    text = f"{shown} is not in this class, so I changed nobody's trust."
    if nearest is None:
        names = ", ".join(clean(p.label) for p in people[:8])
        return f"{text} People in this class: {names}. Try again with one of them."
    return f"{text} Did you mean {clean(nearest.label)}? Type: {prefix}mod trust {nearest.id}"


def trusted(name: str, level: str) -> str:
    if level == "trusted":
        return f"{name} is now trusted: their messages are shared unless screening finds a problem."
    return f"{name} is now '{level}'."


def history_line(flag: Flag, age_text: str) -> str:
    state = flag.state if flag.state != FlagState.PENDING else "waiting"
    by = f" by {clean(flag.decided_by, fallback='a teacher')}" if flag.decided_by else ""
    return f"#{flag.id} · {age_text} ago · {flag.action} → {state}{by} · “{snippet(flag.text, 60)}”"
