"""Which spelled numbers in a message are worth reading as digits, and the text around
each with its digits written out, for the personal-information checks (``pii.py``).

"o2one 555 1234", "zero two one five five five ...", "i live at forty two ...": the
reader (``numbers.py``) finds the runs; here the few that could be personal
information are kept (a phone-length number, or a short one beside a word about homes
or codes) and their neighbourhoods rewritten, so a long message is never checked twice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.screening.near import lower_view
from bot.screening.numbers import NumberRun, Segment, as_digits, is_counting, number_letters
from bot.screening.numbers import read_numbers as _read

__all__ = [
    "WINDOW", "could_be_phone", "glued", "neighbourhoods", "touches_digit", "worth_reading",
]  # fmt: skip

WINDOW = 60  # characters either side of a number that its checks can see
_DIGIT_RE = re.compile(r"\d")
# ASCII bytes -> "a" letter, "1" digit, " " other: letters touching digits, at C speed
_LETTER_DIGIT = bytes(
    ord("a") if (65 <= c <= 90 or 97 <= c <= 122) else ord("1") if 48 <= c <= 57 else 32
    for c in range(256)
)
_A = ord("a")
# the letters number words end with ("o", "two", "oh", "one", "four", "six", "seven",
# "eight", "twenty", "nil") and start with ("zero", "one", "two", "four", "six", "eight",
# "nine")
_LAST_LETTERS = frozenset(b"ohenrxtylOHENRXTYL")
_FIRST_LETTERS = frozenset(b"zotfsenZOTFSEN")


def glued(text: str, raw: bytes | None) -> bool:
    """Are number words glued to a digit ("o2one 555 1234", "5five")? Looks only where
    letters touch digits, at the letters there ("2mrw", "m8s" are no number words).
    ``raw``: ``text.encode()`` for ASCII text, else None."""
    if raw is None:  # one byte per character, "?" for the others
        raw = text.encode("ascii", "replace")
        text = raw.decode()
    cls = raw.translate(_LETTER_DIGIT)
    i = cls.find(b"a1")
    while i >= 0:
        if raw[i] in _LAST_LETTERS:
            j = i
            while j > 0 and cls[j - 1] == _A and i - j < 30:
                j -= 1
            if number_letters(text[j : i + 1].lower()):
                return True
        i = cls.find(b"a1", i + 2)
    i = cls.find(b"1a")
    while i >= 0:
        if raw[i + 1] in _FIRST_LETTERS:
            k = i + 1
            while k + 1 < len(cls) and cls[k + 1] == _A and k - i < 30:
                k += 1
            if number_letters(text[i + 1 : k + 1].lower()):
                return True
        i = cls.find(b"1a", i + 2)
    return False


def touches_digit(text: str, word: str) -> bool:
    """Is ``word`` (a number word) next to a digit anywhere ("one 555 1234", "2one")?"""
    low = lower_view(text)
    n = len(low)
    i = low.find(word)
    while i >= 0:
        a, b = max(0, i - 3), min(n, i + len(word) + 3)
        if _DIGIT_RE.search(low, a, i) or _DIGIT_RE.search(low, i + len(word), b):
            return True
        i = low.find(word, i + 1)
    return False


_MANY = {"double": 2, "triple": 3, "treble": 3, "hundred": 2}


def could_be_phone(text: str, number_words: set[str], ndig: int, need: int = 7) -> bool:
    """Could the number words present (``number_words``) and the ``ndig`` digits make a
    number of ``need`` digits (seven: a phone)? A quick upper bound: each occurrence of
    a number word gives at most two digits ("double", "hundred" more)."""
    low = lower_view(text)
    most = ndig
    for w in number_words:
        most += low.count(w) * (2 + _MANY.get(w, 0))
        if most >= need:
            return True
    return False


def worth_reading(text: str, home: bool, code: bool, street: bool) -> list[NumberRun]:
    """The spelled numbers of ``text`` that could be personal information: seven digits
    or more (not a count: "one two three four five six seven"); a shorter one only
    beside a word about homes (``home``: "i live at forty two ..."), with four digits or
    more beside a word about phones or codes (``code``: "my pin is four two one nine"),
    or in lower case beside a street word (``street``: "forty two wallace street", while
    "One Tree Hill" is a place); a lone "one" never ("a new one")."""
    runs: list[NumberRun] = []
    for r in _read(text, lower_view(text)):
        if len(r.digits) >= 7:
            if not is_counting(r.groups):
                runs.append(r)
        elif r.digits == "1" and r.spelled == 1:
            continue
        elif home or (code and len(r.digits) >= 4) or (street and text[r.start].islower()):
            if not is_counting(r.groups):
                runs.append(r)
    return runs


def neighbourhoods(text: str, runs: list[NumberRun]) -> Iterator[tuple[int, str, list[Segment]]]:
    """(offset, text, segments) for each stretch of ``text`` around the runs
    (``WINDOW`` characters either side; runs close together share one), with the runs
    written as digits; ``numbers.to_original`` maps a finding back, then add offset."""
    i = 0
    while i < len(runs):
        j = i + 1
        while j < len(runs) and runs[j].start - runs[j - 1].end <= 2 * WINDOW:
            j += 1
        a = max(0, runs[i].start - WINDOW)
        b = min(len(text), runs[j - 1].end + WINDOW)
        shifted = [
            NumberRun(r.start - a, r.end - a, r.digits, r.groups, r.spelled) for r in runs[i:j]
        ]
        digit_text, segs = as_digits(text[a:b], shifted)
        yield a, digit_text, segs
        i = j
