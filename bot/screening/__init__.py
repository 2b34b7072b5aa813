"""Pure text screening (no I/O): normalize, then detect; returns a Verdict.

PLACEHOLDER v0 — to be replaced by the real engine (issue 4).
"""

from __future__ import annotations

import re

from bot.screening.verdict import LINK, PII, PROFANITY, Context, Span, Verdict

__all__ = ["Context", "Verdict", "screen"]

_WORDS = re.compile(r"\b(stupid|idiot|damn|crap|shit|fuck\w*)\b", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.]+\b")
_PHONE = re.compile(r"\+?\d[\d\s().-]{7,}\d")
_URL = re.compile(r"\bhttps?://\S+|\bwww\.\S+", re.I)


def screen(text: str, context: Context | None = None) -> Verdict:
    """Screen one message."""
    spans: list[Span] = []
    for rx, cat in ((_WORDS, PROFANITY), (_EMAIL, PII), (_PHONE, PII), (_URL, LINK)):
        spans += [Span(m.start(), m.end(), cat) for m in rx.finditer(text)]
    cats = frozenset(s.category for s in spans)
    reasons = tuple(sorted({f"contains {s.category}" for s in spans}))
    note = "Your message is waiting for your teacher to check it." if cats else ""
    return Verdict(cats, 2 if cats else 0, tuple(spans), reasons, note)
