"""What the bot says during a read-aloud session."""

from __future__ import annotations

from bot.core.wording import plural
from bot.db.tables import Prompt
from cogs.readaloud.calendar import chapters_label
from cogs.readaloud.steps import NUMBER_KEYS

PROMPT_LABELS = {
    "question": "💬 Let's discuss",
    "summary": "✍️ Summary challenge",
    "prediction": "🔮 Prediction",
    "poll": "📊 Poll",
    "opinion": "🤔 What do you think?",
}


def reminder(title: str, first: int, last: int, minutes: int) -> str:
    return (
        f'⏰ Read-aloud in {plural(minutes, "minute")}: "{title}", {chapters_label(first, last)}. '
        "Get comfy!"
    )


def announcement(title: str, first: int, last: int, number: int, late: bool) -> str:
    text = (
        f'📖 Read-aloud time! Today: "{title}", {chapters_label(first, last)} '
        f"(session {number}). Share your thoughts in the thread 👇"
    )
    return text + (" (Posted a little late — sorry!)" if late else "")


def prompt(p: Prompt, after: bool = False) -> str:
    label = PROMPT_LABELS.get(p.kind, "💬")
    if p.kind == "summary":
        return f"{label} ({p.char_limit} characters or fewer): {p.text}"
    if p.kind == "prediction":
        return f"{label}: {p.text} (I'll share your predictions next session!)"
    if p.kind == "opinion":
        when = "Now that we've finished the book" if after else "Before we start"
        return f"{label} {when}: {p.text}"
    return f"{label}: {p.text}"


def summary_feedback(name: str, used: int, limit: int) -> str:
    if used <= limit:
        return f"{name}, your summary is {used} characters — within the {limit} limit. ✅"
    return (
        f"{name}, your summary is {used} characters — {used - limit} over the {limit} limit. "
        "Can you make it shorter? Your newest try is the one that counts."
    )


def prediction_saved(name: str) -> str:
    return f"Thanks {name}! Your prediction is saved; we'll look at everyone's next session. 🔮"


def reveal(predictions: list[tuple[str, str]]) -> str:
    lines = ["🔮 Last session you predicted:"]
    lines += [f"• {name}: {text}" for name, text in predictions]
    lines.append("Were you right? Tell us in this thread!")
    return "\n".join(lines)


def results(question: str, options: list[str], counts: list[int], before: list[int] | None) -> str:
    lines = [f"📊 Results — {question}"]
    for i, option in enumerate(options):
        line = f"{NUMBER_KEYS[i]} {option}: {counts[i]}"
        if before is not None:
            line += f" (before the book: {before[i]})"
        lines.append(line)
    lines.append("Thanks for voting!")
    return "\n".join(lines)


def closing(title: str, first: int, last: int) -> str:
    return (
        f"📕 That's the end of today's discussion of {chapters_label(first, last)} of \"{title}\". "
        "Thanks, readers! New messages here will wait for your teacher."
    )


def missed(number: int, title: str, first: int, last: int, when: str) -> str:
    return (
        f'Session {number} of "{title}" ({chapters_label(first, last)}, planned for {when}) '
        "was missed while I was offline, so I did not post it late. "
        f"To post it now, type: readaloud now {number}"
    )
