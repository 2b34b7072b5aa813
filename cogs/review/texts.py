"""Words the review queue says: to the teacher deciding, and to the student whose message waits."""

from __future__ import annotations

from datetime import timedelta

from bot.core.model import Outgoing, UserRef
from bot.core.names import clean
from bot.core.quoting import lines_of, quoted, review_quote
from bot.core.wording import sentence
from bot.db.states import FlagState
from bot.db.tables import Flag


def name(flag: Flag) -> str:
    """The student's name as the bot shows it (one clean line, whatever their display name)."""
    return clean(flag.user_name)


def snippet(text: str, limit: int) -> str:
    """The start of someone's text on one line (lists of flags stay one line per flag)."""
    flat = " ⏎ ".join(line.strip() for line in lines_of(text) if line.strip())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def review_layout(header: str, why: str, decide: str, author: str, words: str, number: int) -> str:
    """Every review reads the same way: what and from whom, why, how to decide, then the
    person's words quoted and capped, so their text can never forge the lines above it."""
    rest = review_quote(words, more=f"mod show {number} shows it all")
    return f"{header}\n{why}\n{decide}\n{author} wrote:\n{rest}"


def outgoing(text: str, key: str, to: UserRef | None = None) -> Outgoing:
    return Outgoing(text, key=key, mentions=(to,) if to else ())


# why a message waits, in a child's words (the teacher's review gives the same reason)
NEW_MEMBER_NOTE = "Your teacher checks messages from new class members before everyone sees them."
WAITING = "Your message is waiting for your teacher to read it before it is shared."


def held(flag: Flag) -> str:
    """For the student: what happened and why, without repeating their words (or a
    sentence twice: a note that already says it waits is the whole message)."""
    note = flag.student_note or NEW_MEMBER_NOTE
    if "waiting for your teacher" in note:
        return f"Hi {name(flag)}! {note}"
    return f"Hi {name(flag)}! {WAITING} {note}"


def review(flag: Flag, key: str) -> Outgoing:
    """For the teacher: the student and the reasons first, how to decide, then the text
    quoted (at most a screenful; `mod show` has all of it)."""
    reasons = "; ".join(flag.reasons) or "needs a look"
    verb = "Held" if flag.action == "hold" else "Flagged (still visible)"
    text = review_layout(
        f"{verb} #{flag.id} from {name(flag)} ({flag.user_id})",
        f"Why: {reasons}",
        f"React ✅ to approve or ❌ to reject, or type: mod approve {flag.id} / "
        f"mod reject {flag.id} reason",
        name(flag),
        flag.text,
        flag.id,
    )
    return Outgoing(text, key=key, notice=False)


def shown_in_full(flag: Flag) -> str:
    """For the teacher: every line of a flagged message, quoted."""
    return f"#{flag.id} from {name(flag)} ({flag.user_id}), {flag.state}:\n{quoted(flag.text)}"


def repost(flag: Flag, key: str) -> Outgoing:
    """The approved words; the platform shows whose they are (webhook name or a name prefix)."""
    return Outgoing(flag.text, key=key, notice=False)


def rejected(flag: Flag) -> str:
    reason = sentence(flag.decision_reason or "")
    why = f" Your teacher says: {reason}" if reason else ""
    return (
        f"Hi {name(flag)}, your teacher decided not to share your message this time.{why} "
        "You're welcome to try again with different words."
    )


def decided(flag: Flag, key: str) -> Outgoing:
    mark = "✅ Approved" if flag.state == FlagState.APPROVED else "❌ Rejected"
    why = f" ({flag.decision_reason})" if flag.decision_reason else ""
    return Outgoing(
        f"{mark} #{flag.id} by {clean(flag.decided_by or '', fallback='a teacher')}{why}.", key=key
    )


def hide_failed(flag: Flag, detail: str, key: str) -> Outgoing:
    """For teachers: the class can still see a message that should be hidden."""
    return Outgoing(
        f"⚠️ I could not remove {name(flag)}'s message (flag #{flag.id}): the class can "
        f"still see it. Please remove it yourself or fix my permissions; I'll keep trying. "
        f"({detail[:300]})",
        key=key,
        notice=False,
    )


def age(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 60 * 48:
        return f"{minutes // 60} h"
    return f"{minutes // 1440} days"


def escalation(flag: Flag, lead: UserRef | None) -> str:
    """For the teacher and the safeguarding lead: a child may need an adult now."""
    who = (
        "Safeguarding lead, please look at this."
        if lead
        else "No safeguarding lead is set for this class: class safeguarding @person"
    )
    found = {m.split(":", 1)[0] for m in flag.matches or []}
    grooming = "grooming" in found and "selfharm" not in found  # self-harm wording wins
    if flag.kind == "answer":
        what = (
            "reads like grooming (private contact, secrets, photos or meeting a child)"
            if "grooming" in found
            else "speaks of self-harm or abuse"
        )
        return (
            f"⚠️ Answer #{flag.id}: the guest author {flag.user_name} wrote something that "
            f"{what}. It waits here and no student sees it unless you approve it. Please "
            "follow your school's safeguarding steps. " + who
        )
    if grooming:
        return (
            f"⚠️ Flag #{flag.id}: {flag.user_name}'s message reads like grooming (private "
            "contact, secrets, photos or meeting up). Please look at who is asking whom, "
            "and follow your school's safeguarding steps. " + who
        )
    return (
        f"⚠️ Flag #{flag.id}: {name(flag)}'s message may be about self-harm or abuse. "
        f"Please check on {name(flag)} today and follow your school's safeguarding steps. " + who
    )


LISTED = 12  # waiting messages quoted in a combined review; `mod queue` lists every one
QUOTED = 100  # characters of each quoted message


def flag_numbers(ids: list[int]) -> str:
    """Flag numbers with runs shortened: "#3–#7, #9"."""
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return ", ".join(f"#{r[0]}" if len(r) == 1 else f"#{r[0]}–#{r[-1]}" for r in runs)


def one_line(text: str, limit: int = QUOTED) -> str:
    """A student's words on one quoted line: their line breaks cannot push what follows
    off screen or look like the bot's own lines."""
    flat = " ⏎ ".join(part.strip() for part in text.splitlines() if part.strip())
    flat = "".join(c if c.isprintable() else " " for c in flat)
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def combined_review(flags: list[Flag], key: str) -> Outgoing:
    """For the teacher: many held messages of one student in one review, what is waiting,
    what was decided, and how to decide all of them at once or one by one."""
    first = flags[0]
    waiting = [f for f in flags if f.state == FlagState.PENDING]
    reasons: list[str] = []
    for f in waiting or flags:
        reasons += [r for r in f.reasons if r not in reasons]
    lines = [
        f"Held {len(flags)} messages from {first.user_name} ({first.user_id}), sent close "
        "together: one review for all of them.",
        f"Why: {'; '.join(reasons) or 'needs a look'}",
    ]
    if waiting:
        lines.append(f"Waiting ({len(waiting)}): {flag_numbers([f.id for f in waiting])}")
        lines += [f"#{f.id} “{one_line(f.text)}”" for f in waiting[:LISTED]]
        if len(waiting) > LISTED:
            lines.append(f"… and {len(waiting) - LISTED} more waiting (mod queue lists them all)")
    else:
        lines.append("Nothing is waiting here any more.")
    for state, mark in ((FlagState.APPROVED, "✅ Approved"), (FlagState.REJECTED, "❌ Rejected")):
        done = [f for f in flags if f.state == state]
        if done:
            by = sorted({f.decided_by or "" for f in done} - {""})
            lines.append(f"{mark}: {flag_numbers([f.id for f in done])} by {', '.join(by)}")
    if waiting:
        lines.append(
            f"React ✅ to approve all {len(waiting)} waiting or ❌ to reject them all "
            f"(mod approve-all {waiting[0].id} / mod reject-all {waiting[0].id}), or decide "
            f"one: mod approve {waiting[0].id} / mod reject {waiting[0].id} reason"
        )
    return Outgoing("\n".join(lines), key=key, notice=False)


def rejected_together(flag: Flag, count: int) -> str:
    """For the student, once for messages rejected together."""
    if count <= 1:
        return rejected(flag)
    why = f" Your teacher says: {flag.decision_reason}" if flag.decision_reason else ""
    return (
        f"Hi {flag.user_name}, your teacher decided not to share {count} of your messages "
        f"this time.{why} You're welcome to try again: one message at a time, in your own words."
    )


def decided_together(approve: bool, flags: list[Flag]) -> str:
    """For the teacher who decided a combined review at once."""
    mark, verb = ("✅", "approved") if approve else ("❌", "rejected")
    return f"{mark} {len(flags)} flags {verb}: {flag_numbers([f.id for f in flags])}."


NOT_YOURS = "Only your teacher can approve or reject held messages."
