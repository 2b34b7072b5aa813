"""People's names as the bot shows them: one plain line that cannot pass for the bot or staff.

A display name is chosen by its owner, so it can hold anything: newlines that
start a fake "✅ Approved #1 by Ms Rivera" line, right-to-left overrides that
reorder what follows, invisible characters, a hundred combining accents, or a
claimed role ("Sam (teacher)"). Every place that shows a student's name inside
the bot's own words (reposts, reviews, notices) goes through `clean`; reposts
also mark the name as a student's with `reposted`.
"""

from __future__ import annotations

import re
import unicodedata

NAME_LIMIT = 40  # a name never takes more than a short line
STUDENT_MARK = " (student)"
FALLBACK = "a student"

# blank-looking letters and symbols used to fake empty or spaced names
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_BOT_MARKS = frozenset("✅❌⚠✉📬")  # how the bot's own notices begin: never inside a name
_HIDDEN = frozenset(("Cc", "Cf", "Cs", "Co", "Cn"))  # controls, bidi/zero-width, unassigned
_MAX_MARKS = 2  # combining accents kept per letter (more is "zalgo" text)
_ROLES = (
    r"teachers?|moderators?|mods?|admins?|administrators?|staff|safeguarding|owner|"
    r"read\W?aloud|bot|system|official|author|principal|head\W?teacher"
)
# a role claimed in brackets: "(teacher)", "[Teacher]", "{mod}", "（先生）" is left as is
_CLAIM = re.compile(
    rf"[(\[{{<]\s*[^)\]}}>]{{0,20}}?\b(?:{_ROLES})\b[^)\]}}>]{{0,20}}[)\]}}>]", re.I
)
_LEADING = re.compile(r"^[\W_]+")  # emoji, ticks, arrows, "#", ">" that start a bot-like line


def clean(raw: str, limit: int = NAME_LIMIT, fallback: str = FALLBACK) -> str:
    """A name on one line: no control, bidi or zero-width characters, whitespace collapsed,
    no leading emoji or symbols, no role claimed in brackets, at most `limit` characters."""
    text = unicodedata.normalize("NFKC", raw)
    kept: list[str] = []
    marks = 0
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _BLANKS or ch.isspace() or category in ("Zl", "Zp"):
            kept.append(" ")
            marks = 0
        elif category in _HIDDEN or ch in _BOT_MARKS:
            continue
        elif category.startswith("M"):
            marks += 1
            if marks <= _MAX_MARKS:
                kept.append(ch)
        else:
            marks = 0
            kept.append(ch)
    text = " ".join("".join(kept).split())
    text = " ".join(_CLAIM.sub(" ", text).split())
    text = _LEADING.sub("", text) or text  # a name of only emoji cannot pass for a notice
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text or fallback


def reposted(raw: str) -> str:
    """The name an approved message is reposted under: clean, and marked as a student's,
    so a nickname like "Ms Smith [Teacher]" or "readaloud" cannot pass as staff."""
    name = clean(raw, fallback="")
    return name + STUDENT_MARK if name else "A student"
