"""Reactions whose key is text: words shown next to a message, so they are screened like one.

A plain emoji (✅, 👍, 1️⃣, a flag, one ZWJ sequence) is not text. A text key
becomes a message made of the reaction itself: held, it is removed (the
reaction event), the student told and the teacher shown it, like any message.
"""

from __future__ import annotations

from bot.core.events import MessagePosted, ReactionAdded

_KEYCAP_BASES = frozenset("0123456789#*")
_SINGLES = frozenset({0xA9, 0xAE, 0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D})
_RANGES = (
    (0x1F000, 0x1FAFF),  # pictographs, emoticons, transport, symbols, flags' letters
    (0x2190, 0x21FF),  # arrows
    (0x2300, 0x23FF),  # technical (⌚, ⏰)
    (0x25A0, 0x27BF),  # shapes, dingbats, miscellaneous symbols (☀, ✅, ❌)
    (0x2900, 0x297F),
    (0x2B00, 0x2BFF),
    (0x3297, 0x3299),
)
_SELECTORS = frozenset({0xFE0E, 0xFE0F})
_TAGS = (0xE0020, 0xE007F)  # subdivision flags (🏴 + tags)
_SKIN = (0x1F3FB, 0x1F3FF)
_ZWJ = "\u200d"
_KEYCAP = "\u20e3"


def _pictograph(ch: str) -> bool:
    cp = ord(ch)
    return cp in _SINGLES or any(lo <= cp <= hi for lo, hi in _RANGES)


def _one(piece: str) -> bool:
    """One emoji without joiners: a pictograph, a keycap or a flag (two regional letters)."""
    if len(piece) == 2 and piece[0] in _KEYCAP_BASES and piece[1] == _KEYCAP:
        return True
    if len(piece) == 2 and all(0x1F1E6 <= ord(c) <= 0x1F1FF for c in piece):
        return True
    return len(piece) == 1 and _pictograph(piece)


def single_emoji(key: str) -> bool:
    """`key` is one emoji (modifiers, skin tones and ZWJ sequences included), not text."""
    plain = "".join(
        c
        for c in key.strip()
        if ord(c) not in _SELECTORS
        and not _TAGS[0] <= ord(c) <= _TAGS[1]
        and not _SKIN[0] <= ord(c) <= _SKIN[1]
    )
    return bool(plain) and all(_one(piece) for piece in plain.split(_ZWJ))


def text_reaction(ev: ReactionAdded) -> MessagePosted | None:
    """A student's reaction with words in it, as a message to screen (None otherwise:
    plain emoji, a teacher's reaction, or a platform whose reactions carry no text)."""
    if ev.reaction is None or ev.actor.is_teacher or single_emoji(ev.key):
        return None
    return MessagePosted(ev.reaction, ev.actor, f"reacted “{ev.key}”")
