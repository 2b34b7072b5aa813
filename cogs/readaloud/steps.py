"""A session's lifecycle as an ordered list of steps, each due at a time (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.tables import Plan, Prompt, Session

# poll options are voted with these reactions where the platform has no native poll
NUMBER_KEYS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")


@dataclass(frozen=True)
class Step:
    """One thing to do for a session. `key` is its delivery key (unique, never twice)."""

    due: datetime
    order: int
    kind: str  # reminder | announce | reveal | prompt | results | close | digest
    key: str
    prompt: Prompt | None = None


def prompt_key(session_id: int, prompt_id: int) -> str:
    return f"session:{session_id}:prompt:{prompt_id}"


def plan_steps(
    s: Session,
    plan: Plan,
    prompts: list[Prompt],
    reveal_predictions: bool,
) -> list[Step]:
    """Every step of a session in the order it happens."""
    start = s.starts_at
    close = start + timedelta(minutes=plan.window_minutes)
    key = f"session:{s.id}"
    steps: list[Step] = []
    if plan.reminder_minutes > 0:
        reminder = start - timedelta(minutes=plan.reminder_minutes)
        steps.append(Step(reminder, 0, "reminder", f"{key}:reminder"))
    steps.append(Step(start, 1, "announce", f"{key}:announce"))
    if reveal_predictions:
        steps.append(Step(start, 2, "reveal", f"{key}:reveal"))
    for p in prompts:
        # a prompt never comes after the discussion has closed
        due = min(start + timedelta(minutes=p.offset_minutes), close)
        steps.append(Step(due, 3, "prompt", prompt_key(s.id, p.id), p))
    for p in prompts:
        if p.kind in ("poll", "opinion"):
            steps.append(Step(close, 4, "results", f"{key}:results:{p.id}", p))
    steps.append(Step(close, 5, "close", f"{key}:close"))
    steps.append(Step(close, 6, "digest", f"{key}:digest"))
    return sorted(steps, key=lambda st: (st.due, st.order))


def first_step_at(starts_at: datetime, reminder_minutes: int) -> datetime:
    """When a newly planned session first needs the bot."""
    return starts_at - timedelta(minutes=max(reminder_minutes, 0))
