"""Small rules every text the bot writes keeps: counted words agree, sentences end."""

from __future__ import annotations

ENDINGS = (".", "!", "?", "…", ")", "”", '"', "'")


def plural(count: int, one: str, many: str = "") -> str:
    """`count` and the word that agrees with it: 1 minute, 2 minutes, 0 messages."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def sentence(text: str) -> str:
    """Someone's words as a sentence of their own: trimmed and ending in punctuation (a
    teacher's reason typed without a full stop is followed by more of the bot's words)."""
    text = " ".join(text.split())
    if text and not text.endswith(ENDINGS) and text[-1:] not in "🙂😊👍🎉":
        text += "."
    return text
