"""Someone else's words inside the bot's own message, visibly theirs and unable to forge it.

Every line of the quoted text starts with a bar, so a student's line that reads
"✅ Approved #1 by Ms Rivera" stays a quoted line under their name and never
looks like a line of the bot's. A review shows at most a few lines, so a
message of 60 lines cannot push the reasons and the buttons off the screen;
the full text stays in the database for `mod show`.
"""

from __future__ import annotations

import unicodedata

BAR = "│ "
REVIEW_LINES = 12
REVIEW_CHARS = 1200


def _line(raw: str) -> str:
    """One line without control characters (a tab or a stray control becomes a space)."""
    return "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in raw).rstrip()


def lines_of(text: str) -> list[str]:
    """The text's lines, split at every kind of line break, runs of empty lines made one
    (so blank padding cannot push words out of the part a review shows)."""
    kept: list[str] = []
    for raw in text.splitlines():
        line = _line(raw)
        if line.strip() or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


def quoted(
    text: str, max_lines: int | None = None, max_chars: int | None = None, more: str = ""
) -> str:
    """`text` with every line behind a bar; past `max_lines` lines or `max_chars` characters
    the rest is left out and a last line says how much, and `more` (None: no limit)."""
    lines = lines_of(text) or [""]
    shown: list[str] = []
    used = 0
    cut = False
    for line in lines:
        if max_lines is not None and len(shown) == max_lines:
            break
        if max_chars is not None and used + len(line) > max_chars:
            shown.append(line[: max(max_chars - used, 0)].rstrip() + "…")
            cut = True
            break
        shown.append(line)
        used += len(line)
    out = [(BAR + line).rstrip() for line in shown]
    left = len(lines) - len(shown)
    hint = f"; {more}" if more else ""
    if left:
        out.append(f"… ({left} more line{'' if left == 1 else 's'}{hint})")
    elif cut:
        out.append(f"… (the rest is cut here{hint})")
    return "\n".join(out)


def review_quote(text: str, more: str = "") -> str:
    """A student's text as a review shows it: quoted, at most a screenful; `more` says where
    to read the rest."""
    return quoted(text, REVIEW_LINES, REVIEW_CHARS, more)
