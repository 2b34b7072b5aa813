"""E-mail addresses a child should not share: written ("sam@gmail.com") or spoken
("sam at gmail dot com"). Pure text analysis; every pattern is linear."""

from __future__ import annotations

import re

EMAIL_SPOKEN_RE = re.compile(
    # possessive: what follows the name never starts with one of its characters
    r"(?i)\b[\w.+-]{2,64}+\s{0,3}(?:@|\(at\)|\[at\]|\{at\}|\sat\s)\s{0,3}"
    r"(?:gmail|yahoo|hotmail|outlook|icloud|aol|live|msn|proton|protonmail|mail|gmx|ymail)"
    r"\s{0,3}(?:\.|\(dot\)|\[dot\]|\sdot\s)\s{0,3}(?:com|net|org|co\.uk|co|uk|de|fr)\b"
)
MAIL_WORDS = frozenset(
    "gmail yahoo hotmail outlook icloud aol msn proton protonmail gmx ymail".split()
)
_LOCAL_RE = re.compile(r"[\w.+-]{1,64}$")
_EMAIL_DOMAIN_RE = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,5}\.[A-Za-z]{2,24}(?![\w-])"
)


def emails(text: str) -> list[tuple[int, int]]:
    """(start, end) of every e-mail address, found from each '@' outwards (no scan of
    every position)."""
    hits: list[tuple[int, int]] = []
    i = text.find("@")
    while i > 0:
        c = text[i - 1]
        if not (c.isalnum() or c in "_.+-\n"):
            # no local part ends right before this "@" (a mention: "hi @sam"); "\n"
            # stays a candidate because "$" also matches before a final newline
            i = text.find("@", i + 1)
            continue
        local = _LOCAL_RE.search(text, max(0, i - 64), i)
        if local is not None:
            dom = _EMAIL_DOMAIN_RE.match(text, i + 1)
            if dom is not None:
                hits.append((local.start(), dom.end()))
        i = text.find("@", i + 1)
    return hits
