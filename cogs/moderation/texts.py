"""Words the bot says about moderation: kind to students, clear for teachers."""

from __future__ import annotations

from datetime import timedelta

from bot.core.model import Outgoing, UserRef
from bot.db.tables import Flag


def outgoing(text: str, key: str, to: UserRef | None = None) -> Outgoing:
    return Outgoing(text, key=key, mentions=(to,) if to else ())


def held(flag: Flag) -> str:
    """For the student: what happened and why, without repeating their words."""
    note = flag.student_note or (
        "Your teacher checks messages from new class members before everyone sees them."
    )
    return (
        f"Hi {flag.user_name}! Your message is waiting for your teacher to read it "
        f"before it is shared. {note}"
    )


def review(flag: Flag, key: str) -> Outgoing:
    """For the teacher: the text, the reasons, the student and how to decide."""
    reasons = "; ".join(flag.reasons) or "needs a look"
    verb = "Held" if flag.action == "hold" else "Flagged (still visible)"
    text = (
        f"{verb} #{flag.id} from {flag.user_name} ({flag.user_id}):\n"
        f"“{flag.text}”\n"
        f"Why: {reasons}\n"
        f"React ✅ to approve or ❌ to reject, or type: mod approve {flag.id} / "
        f"mod reject {flag.id} reason"
    )
    return Outgoing(text, key=key, notice=False)


def repost(flag: Flag, key: str) -> Outgoing:
    """The approved words; the platform shows whose they are (webhook name or a name prefix)."""
    return Outgoing(flag.text, key=key, notice=False)


def rejected(flag: Flag) -> str:
    why = f" Your teacher says: {flag.decision_reason}" if flag.decision_reason else ""
    return (
        f"Hi {flag.user_name}, your teacher decided not to share your message this time.{why} "
        "You're welcome to try again with different words."
    )


def decided(flag: Flag, key: str) -> Outgoing:
    mark = "✅ Approved" if flag.state == "approved" else "❌ Rejected"
    why = f" ({flag.decision_reason})" if flag.decision_reason else ""
    return Outgoing(f"{mark} #{flag.id} by {flag.decided_by}{why}.", key=key)


def hide_failed(flag: Flag, detail: str, key: str) -> Outgoing:
    """For teachers: the class can still see a message that should be hidden."""
    return Outgoing(
        f"⚠️ I could not remove {flag.user_name}'s message (flag #{flag.id}): the class can "
        f"still see it. Please remove it yourself or fix my permissions; I'll keep trying. "
        f"({detail[:300]})",
        key=key,
        notice=False,
    )


def trusted(name: str, level: str) -> str:
    if level == "trusted":
        return f"{name} is now trusted: their messages are shared unless screening finds a problem."
    return f"{name} is now '{level}'."


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
        f"⚠️ Flag #{flag.id}: {flag.user_name}'s message may be about self-harm or abuse. "
        f"Please check on {flag.user_name} today and follow your school's safeguarding steps. "
        + who
    )


def history_line(flag: Flag, age_text: str) -> str:
    state = flag.state if flag.state != "pending" else "waiting"
    by = f" by {flag.decided_by}" if flag.decided_by else ""
    return f"#{flag.id} · {age_text} ago · {flag.action} → {state}{by} · “{flag.text[:60]}”"
