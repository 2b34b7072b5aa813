"""What circle sharing says: the line partner classes read, and the teachers' notes and
reviews (a student is only ever a first name, with their class)."""

from __future__ import annotations

from bot.core.names import clean
from bot.core.quoting import review_quote
from bot.db.tables import Flag

TAKEN_BACK = "taken back by a teacher of the circle"
RULES = ("all", "approved", "none")
RULE_MEANS = {
    "all": "every message your class sees in a session thread (approved, or clean from a "
    "trusted student)",
    "approved": "the messages you approve",
    "none": "nothing",
}


def copy_line(first_name: str, class_label: str, text: str) -> str:
    """`Aroha · Room 12 (Wellington, NZ): …`"""
    return f"{clean(first_name, limit=20)} · {clean(class_label, limit=80)}: {text}"


def answer_text(question: str, answer: str) -> str:
    """An author's answer as the circle reads it: the question, then the answer."""
    return f"the guest author answered “{' '.join(question.split())}”:\n{answer}"


def review_context(class_label: str, chapter: int) -> str:
    return f"shared by {clean(class_label, limit=80)}, a class of your circle (chapter {chapter})"


def new_partner_reason(class_label: str) -> str:
    return (
        f"a partner class you have not trusted yet: `circle trust {clean(class_label, limit=80)}` "
        "lets its posts through (still screened by your rules)"
    )


def review(flag: Flag) -> str:
    reasons = "; ".join(flag.reasons) or "needs a look"
    rest = review_quote(flag.text, more=f"mod show {flag.id} shows it all")
    return (
        f"Held #{flag.id}: a post from your circle, {flag.context or ''}\n"
        f"Why: {reasons}\n"
        f"React ✅ to show it to your class (when its session for the chapter starts) or ❌ "
        f"to keep it out, or type: mod approve {flag.id} / mod reject {flag.id}\n"
        f"{clean(flag.user_name, limit=120)} wrote:\n{rest}"
    )


def rule_set(rule: str, p: str) -> str:
    return (
        f"🔗 Your class now shares {RULE_MEANS[rule]} with its circle. Partner classes see a "
        f"first name and your class, never an account; `{p}circle posts` lists what went."
    )


def bad_rule(given: str, p: str) -> str:
    return (
        f"“{given}” is not a sharing rule. Type `{p}circle share approved` (what you approve: "
        f"the default), `{p}circle share all` or `{p}circle share none`."
    )


def trusted(label: str) -> str:
    return (
        f"🔗 Posts from {label} now reach your class without waiting for you (your class's "
        "screening rules still hold anything they catch). Posts already waiting stay in your "
        "queue."
    )


def no_partner(given: str, names: list[str], p: str) -> str:
    shown = ", ".join(names) or "none yet"
    return (
        f"No partner class called “{given}” has shared with your class. Type it as "
        f"`{p}circle posts` or `{p}circle list` shows it; partner classes: {shown}."
    )


def post_line(number: int, label: str, first_name: str, chapter: int, text: str, state: str) -> str:
    words = " ".join(text.split())
    words = words if len(words) <= 60 else words[:59] + "…"
    return f"#{number} · {first_name} · {label} · chapter {chapter} · {state}: {words}"


def no_post(number: int, p: str) -> str:
    return (
        f"No circle post #{number} for your class. `{p}circle posts` lists them with their numbers."
    )


def hidden_here(number: int) -> str:
    return f"🔗 Post #{number} is hidden from your class."


def taken_back(number: int, copies: int) -> str:
    return (
        f"🔗 Post #{number} is taken back: the partner classes' copies are removed "
        f"({copies} so far), and it goes nowhere else."
    )


def spoiler_set(number: int, chapter: int) -> str:
    return (
        f"🔗 Post #{number} now waits, in every partner class, for its session of chapter "
        f"{chapter} (copies already shown earlier are taken back and come again then)."
    )


def bad_chapter(p: str) -> str:
    return f"Give the chapter it spoils, e.g. `{p}circle spoiler 12 chapter=5`."


WALL_KINDS = {"summary": "Summary", "prediction": "Prediction"}


def wall_line(kind: str, first_name: str, class_label: str, text: str) -> str:
    words = " ".join(text.split())
    return f"• {WALL_KINDS.get(kind, kind)} — {copy_line(first_name, class_label, words)}"


def wall(first: int, last: int, lines: list[str]) -> str:
    chapters = f"chapter {first}" if first == last else f"chapters {first}–{last}"
    return f"🔗 Circle wall, {chapters}: what partner classes summarised and predicted\n" + (
        "\n".join(lines)
    )
