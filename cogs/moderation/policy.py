"""What happens to a message given its verdict, the student's trust and the class policy.

Each category maps to allow (shown), flag (shown, the teacher is told) or
hold (hidden until approved). The strictest action of all findings wins.
Self-harm, abuse and grooming signals always hold and escalate; new students are held
until the teacher trusts them. When in doubt, hold.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

from bot.core.deadline import Deadline, Overrun
from bot.core.model import Media
from bot.screening import Context, Verdict, screen
from bot.screening.engine import MAX_CHARS
from bot.screening.verdict import (
    BULLYING,
    GROOMING,
    INSULT,
    LINK,
    MEDIA,
    PII,
    PROFANITY,
    SELF_HARM,
    SLUR,
    SPAM,
)

log = logging.getLogger(__name__)
ACTIONS = ("allow", "flag", "hold")
CATEGORIES = (PROFANITY, INSULT, SLUR, BULLYING, SELF_HARM, GROOMING, PII, LINK, SPAM, MEDIA)
NEW_STUDENT_REASON = "new student: their messages wait for you until you trust them (mod trust)"
DEFAULTS = {
    PROFANITY: "hold",  # mild language (severity 1) is only flagged, see below
    INSULT: "hold",
    SLUR: "hold",
    BULLYING: "hold",
    SELF_HARM: "hold",
    GROOMING: "hold",
    PII: "hold",
    LINK: "hold",  # trusted students' links are flagged, see below
    SPAM: "flag",
    MEDIA: "hold",  # a photo can show a child's face, uniform or street
}
UNCHECKED_CATEGORY = "unchecked"  # screening failed: not a rule a class can change
# a class cannot turn these down
LOCKED = {SELF_HARM: "hold", GROOMING: "hold", UNCHECKED_CATEGORY: "hold"}
ESCALATING = frozenset({SELF_HARM, GROOMING})  # the safeguarding lead is told


MEDIA_NOTE = (
    "Pictures and files wait for your teacher to look at them first. Thank you for your patience!"
)


UNCHECKED = "I could not check this message (a fault in screening), so it waits for you"
UNCHECKED_IN_TIME = (
    "I could not check this message in time (screening took longer than {ms} ms), "
    "so it waits for you"
)
TOO_LONG = (
    "Too long to check in full ({n:,} characters; I checked only the first {cap:,}), "
    "so it waits for you"
)
UNCHECKED_NOTE = (
    "Sometimes I need your teacher's help to check a message. Thank you for your patience!"
)
TOO_LONG_NOTE = (
    "Your message is very long, so it waits for your teacher to read it first. "
    "Shorter messages are easier for everyone to read!"
)
# CPU time one message may take to screen: a usual message takes ~0.04 ms and the worst
# crafted 4,000-character one ~10-20 ms, so only a fault (a runaway pattern) reaches it
DEFAULT_BUDGET_MS = 100


def warm_up() -> None:
    """Build screening's lazily made tables, so the first message is not billed for them."""
    screen("Warm-up: café ｆｕｌｌ ｗｉｄｔｈ, f*ck, call 555 123 4567, www.example.com @x")


def screening_deadline(budget_ms: int = DEFAULT_BUDGET_MS) -> Deadline:
    """The time budget that ``checked`` screens each message within."""
    return Deadline(budget_ms / 1000, warm_up)


_DEFAULT_DEADLINE = screening_deadline()  # for callers that bring no budget of their own


def _unchecked(reason: str) -> Verdict:
    return Verdict(
        categories=frozenset({UNCHECKED_CATEGORY}),
        severity=2,
        reasons=(reason,),
        student_note=UNCHECKED_NOTE,
    )


def checked(text: str, context: Context | None = None, deadline: Deadline | None = None) -> Verdict:
    """Screen the text within a time budget; if screening fails or runs out of time, or
    the text is too long to screen in full, the message is held (when in doubt, hold)
    instead of slipping through unchecked."""
    deadline = deadline or _DEFAULT_DEADLINE
    try:
        verdict = deadline.run(screen, text, context)
    except Overrun as e:
        log.warning("screening ran out of time on a %d-character message (%s); holding it",
                    len(text), e)  # fmt: skip
        return _unchecked(UNCHECKED_IN_TIME.format(ms=round(deadline.budget * 1000)))
    except Exception:
        log.exception("screening failed on a message; holding it")
        return _unchecked(UNCHECKED)
    if isinstance(text, str) and len(text) > MAX_CHARS:
        # the screener reads the first MAX_CHARS characters: the rest is for the teacher
        verdict = replace(
            verdict,
            categories=verdict.categories | {UNCHECKED_CATEGORY},
            severity=max(verdict.severity, 2),
            reasons=(*verdict.reasons, TOO_LONG.format(n=len(text), cap=MAX_CHARS)),
            # a weightier note (self-harm, personal details, unkind words) comes first
            student_note=TOO_LONG_NOTE if verdict.categories <= {SPAM} else verdict.student_note,
        )
    return verdict


def screened_text(text: str, media: tuple[Media, ...]) -> str:
    """What screening reads: the words, then the names of the pictures, files and stickers
    (the class sees a file's name and a sticker's name too)."""
    return "\n".join([text, *(m.name for m in media if m.name)])


LOCATION_NOTE = (
    "Where you are is private, so your teacher looks at shared locations first. "
    "Thank you for keeping safe!"
)
POLL_NOTE = "Polls wait for your teacher to look at them before the class votes. Thank you!"
UNREADABLE_NOTE = "Your message is waiting for your teacher to look at it."
# what each kind of item means for the teacher: (category, reason, note for the student)
FINDINGS = {
    "location": (PII, "A location (where a child is; only shown once you approve)", LOCATION_NOTE),
    "poll": (MEDIA, "A poll (the class would vote on it)", POLL_NOTE),
    "content": (UNCHECKED_CATEGORY, "Content I could not read as text", UNREADABLE_NOTE),
}
PICTURE = (MEDIA, "A picture or file", MEDIA_NOTE)


def with_media(verdict: Verdict, media: tuple[Media, ...]) -> Verdict:
    """Screening reads text only: pictures and files are a finding of their own, and so are
    a location (personal information), a poll, and content that could not be read."""
    if not media:
        return verdict
    categories, reasons, note = set(verdict.categories), list(verdict.reasons), ""
    kinds: dict[tuple[str, str, str], list[Media]] = {}
    for item in media:
        kinds.setdefault(FINDINGS.get(item.kind, PICTURE), []).append(item)
    for (category, reason, student_note), items in kinds.items():
        shown = ", ".join(m.describe() for m in items[:3]) + (", ..." if len(items) > 3 else "")
        categories.add(category)
        reasons.append(f"{reason} (severity 1): {shown}")
        note = note or student_note
    return replace(
        verdict,
        categories=frozenset(categories),
        severity=max(verdict.severity, 1),
        reasons=tuple(reasons),
        student_note=verdict.student_note or note,
    )


@dataclass(frozen=True)
class Decision:
    """The action for one message, why, and whether the safeguarding lead must know."""

    action: str
    reasons: list[str]
    escalate: bool = False


def default_action(category: str, severity: int, trust: str) -> str:
    if category == PROFANITY and severity <= 1:
        return "flag"
    if category == LINK and trust == "trusted":
        return "flag"
    return DEFAULTS.get(category, "hold")


def decide(verdict: Verdict, trust: str, policy: dict[str, str] | None = None) -> Decision:
    """The strictest action any finding asks for; new students are always held."""
    policy = policy or {}
    reasons = list(verdict.reasons)
    action = "allow"
    for category in verdict.categories:
        wanted = LOCKED.get(category) or policy.get(category)
        wanted = wanted or default_action(category, verdict.severity, trust)
        if ACTIONS.index(wanted) > ACTIONS.index(action):
            action = wanted
    if action != "allow" and not reasons:
        reasons = sorted(verdict.categories)
    escalate = not ESCALATING.isdisjoint(verdict.categories)
    if escalate and not reasons:
        reasons = ["may be about self-harm or abuse: please check on this student"]
    if trust == "new" and action != "hold":
        action, reasons = "hold", [*reasons, NEW_STUDENT_REASON]
    return Decision(action, reasons, escalate)


def describe(policy: dict[str, str]) -> str:
    """The class's rules, one line per category, marking what differs from the defaults."""
    lines = [
        "Screening rules for this class (allow = shown, flag = shown and you are told, "
        "hold = hidden until you approve):"
    ]
    for category in CATEGORIES:
        if category in LOCKED:
            lines.append(
                f"• {category}: {LOCKED[category]} (always; the safeguarding lead is told)"
            )
            continue
        if category in policy:
            lines.append(f"• {category}: {policy[category]} (changed for this class)")
        else:
            note = {
                PROFANITY: " (mild words: flag)",
                LINK: " (trusted students: flag)",
                MEDIA: " (pictures, files, polls)",
            }
            lines.append(f"• {category}: {DEFAULTS[category]}{note.get(category, '')}")
    lines.append("New students are held until you trust them: mod trust @student")
    return "\n".join(lines)
