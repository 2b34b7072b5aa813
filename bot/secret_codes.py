"""Secret one-time codes (a guest author's invite, a circle's join code): how they are made,
how they are stored (only a sha256 hash, however they were typed) and how one is found in a
message that shows it. Shared by the features that hand such codes out."""

from __future__ import annotations

import hashlib
import re
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
MAX_LOOKUPS = 50  # code-shaped words looked up per message


def new_code(prefix: str = "RA") -> str:
    """A fresh code such as RA-7KQ2-M9XD (`prefix` says what it is for)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{prefix}-{raw[:4]}-{raw[4:]}"


def code_hash(code: str, prefix: str = "RA") -> str:
    """The stored form of a code, however it was typed (case, dashes, spaces, no prefix)."""
    cleaned = re.sub(r"[^A-Z0-9]", "", code.upper())
    if len(cleaned) == 8:
        cleaned = prefix + cleaned
    return hashlib.sha256(cleaned.encode()).hexdigest()


def pattern(prefix: str) -> re.Pattern[str]:
    """A code with `prefix` however typed: dashes or spaces, any case, with or without it."""
    return re.compile(
        rf"(?<![a-z0-9])(?:{prefix}[\s-]{{0,3}})?[a-z0-9]{{4}}[\s-]{{0,3}}[a-z0-9]{{4}}(?![a-z0-9])",
        re.IGNORECASE,
    )


def hashes_in(text: str, prefix: str, shape: re.Pattern[str]) -> set[str]:
    """The stored forms of every code-shaped word in `text` (at most MAX_LOOKUPS)."""
    found = (m.group(0) for m in shape.finditer(text))
    return {code_hash(word, prefix) for _, word in zip(range(MAX_LOOKUPS), found, strict=False)}
