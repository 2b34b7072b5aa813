"""What happens to a message given its verdict and the student's trust level."""

from __future__ import annotations

from bot.screening import Verdict
from bot.screening.verdict import SELF_HARM

NEW_STUDENT_REASON = "new student: their messages wait for you until you trust them (mod trust)"


def decide_action(verdict: Verdict, trust: str) -> tuple[str, list[str]]:
    """('allow' | 'flag' | 'hold', reasons for the teacher). When in doubt, hold."""
    reasons = list(verdict.reasons)
    if SELF_HARM in verdict.categories:
        return "hold", reasons or ["may be about self-harm or abuse: please check on this student"]
    if not verdict.clean:
        if trust == "trusted" and verdict.severity <= 1:
            return "flag", reasons
        return "hold", reasons or sorted(verdict.categories)
    if trust == "new":
        return "hold", [NEW_STUDENT_REASON]
    return "allow", []
