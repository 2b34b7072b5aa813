"""Numbers written as words, read into digits: "zero two one five five five", "oh two one",
"o2one", "forty two", "double five", "triple seven", "one hundred and twelve".

A child spells a phone or house number out to get past a filter, or just writes as they
speak; the personal-information checks (``pii.py``) then read the digits the same way as
typed ones. The reader is one left-to-right pass over the words (no regex that could
backtrack): a run is a stretch of number words and digit groups with at most a few
separators ("-", ",", ".", brackets, spaces) between them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.screening.lexicon import trie_pattern
from bot.screening.near import lower_view

__all__ = [
    "NUMBER_WORDS", "NumberRun", "as_digits", "is_counting", "number_letters", "read_numbers",
    "to_original",
]  # fmt: skip

# the words children use for digits when they say a number aloud ("o"/"oh" only inside a
# run: "oh no" is not a number)
_UNITS = {
    "zero": 0, "nought": 0, "nil": 0, "oh": 0, "o": 0,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9,
}  # fmt: skip
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
# with the common child spellings "fourty" and "ninty"
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "ninty": 90,
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3, "treble": 3}
_AMBIGUOUS = frozenset({"o", "oh", "nil"})
_HUNDRED = "hundred"
_PLUS = "plus"  # "plus six four ..." (an international prefix)

# every word the reader gives meaning to; a message with none of them (and no letters
# glued to digits) has no spelled number
NUMBER_WORDS: frozenset[str] = frozenset(
    {*_UNITS, *_TEENS, *_TENS, *_REPEAT, _HUNDRED} - _AMBIGUOUS
)
_VALUE = {**_UNITS, **_TEENS, **_TENS}
# number words written together ("fivefivefive"): longest word first at each place
_BY_LENGTH = sorted(_VALUE, key=len, reverse=True)
_MAX_GAP = 4  # separator characters allowed between two words of one number
_MAX_GLUED = 80
_GAP_CHARS = frozenset(" \t,.-()\u00a0")
_KNOWN = frozenset({*_VALUE, *_REPEAT, _HUNDRED, _PLUS})
# a number word, or several glued ("fivefivefive"), between non-letters, or a digit group:
# possessive, so a word that only starts like one ("often", "open") is given up at once
_GLUED_FULL_RE = re.compile("(?:" + trie_pattern(set(_VALUE)) + ")++")
_NUMBER_TOKEN_RE = re.compile(r"(?<![^\W\d_])(?:" + trie_pattern(_KNOWN) + r")++(?![^\W\d_])|\d+")


@dataclass(frozen=True, slots=True)
class NumberRun:
    """A number read from words (and digits) in the text: ``text[start:end]`` reads as
    ``digits``; ``groups`` are the numbers as spoken ("forty two" is one group, "42");
    ``spelled`` counts the words among them."""

    start: int
    end: int
    digits: str
    groups: tuple[str, ...]
    spelled: int


def _split_glued(word: str) -> list[str] | None:
    """Number words written together ("fivefivefive", "ohtwo"), or None if ``word`` is
    not made only of number words (greedy, longest word first)."""
    if _GLUED_FULL_RE.fullmatch(word) is None:
        return None
    out: list[str] = []
    i = 0
    while i < len(word):
        for w in _BY_LENGTH:
            if word.startswith(w, i):
                out.append(w)
                i += len(w)
                break
        else:
            return None
    return out


def number_letters(letters: str) -> bool:
    """Are these letters (lower case) number words only ("o", "one", "ohtwo")?"""
    return _GLUED_FULL_RE.fullmatch(letters) is not None


def _tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word or digit group) for every number word and digit group of
    ``text`` (other words are left out: the gap test then ends a run at them); glued
    number words are split, each part spanning the whole glued word."""
    toks: list[tuple[int, int, str]] = []
    for m in _NUMBER_TOKEN_RE.finditer(text):
        w = m.group()
        if w[0].isdigit():
            toks.append((m.start(), m.end(), w))
            continue
        if w in _KNOWN:
            toks.append((m.start(), m.end(), w))
            continue
        # (a spelled phone number is some ten words: a longer glued run is no number)
        parts = _split_glued(w) if len(w) <= _MAX_GLUED else None
        if parts is not None:
            toks.extend((m.start(), m.end(), p) for p in parts)
    return toks


def _gap_ok(text: str, a: int, b: int, allow_and: bool = False) -> bool:
    if b - a == 1 and text[a] == " ":
        return True
    if b - a <= _MAX_GAP and all(c in _GAP_CHARS for c in text[a:b]):
        return True
    return allow_and and text[a:b].strip(" ,").lower() == "and" and b - a <= 7


def read_numbers(text: str, low: str | None = None) -> list[NumberRun]:
    """Every run of spelled (or mixed) number words in ``text``, left to right. Runs of
    digits alone are left out: the digit checks already see them. ``low``: the text in
    lower case (``near.lower_view``), if the caller has it."""
    text = lower_view(text) if low is None else low
    toks = _tokens(text)
    runs: list[NumberRun] = []
    i, n = 0, len(toks)
    while i < n:
        start = i
        groups: list[str] = []
        spelled = ambiguous = 0
        plus = False
        end_tok = i
        prev_end = -1
        while i < n:
            s, e, w = toks[i]
            if prev_end >= 0 and prev_end != s and not _gap_ok(text, prev_end, s):
                break
            step, group = _read_one(toks, i, text)
            if step == 0:
                if w == _PLUS and not groups and i + 1 < n and _gap_ok(text, e, toks[i + 1][0]):
                    nxt, _g = _read_one(toks, i + 1, text)
                    if nxt:
                        plus = True
                        prev_end, i = e, i + 1
                        continue
                break
            groups.append(group)
            for k in range(i, i + step):
                tw = toks[k][2]
                if not tw[0].isdigit():
                    spelled += 1
                    ambiguous += tw in _AMBIGUOUS
            end_tok = i + step - 1
            prev_end = toks[end_tok][1]
            i += step
        # "oh" and "o" make a number only beside other number words or digits ("oh no")
        if groups and spelled and (spelled > ambiguous or spelled < len(groups)):
            digits = ("+" if plus else "") + "".join(groups)
            runs.append(NumberRun(toks[start][0], toks[end_tok][1], digits, tuple(groups),
                                  spelled))  # fmt: skip
        if i == start:
            i += 1
    return runs


def _read_one(toks: list[tuple[int, int, str]], i: int, text: str) -> tuple[int, str]:
    """(tokens used, digits) for the spoken number at ``toks[i]``; (0, "") if none."""
    n = len(toks)
    w = toks[i][2]

    def nxt(k: int) -> str | None:
        """The word ``k`` tokens on, if only a separator comes between."""
        j = i + k
        if j >= n or not _gap_ok(text, toks[j - 1][1], toks[j][0]):
            return None
        return toks[j][2]

    if w[0].isdigit():
        return 1, w
    if w in _REPEAT:
        d = nxt(1)
        if d is not None and (d in _UNITS or (d.isdigit() and len(d) == 1)):
            return 2, (str(_UNITS[d]) if d in _UNITS else d) * _REPEAT[w]
        return 0, ""
    if w == _HUNDRED:
        return 1, "100"
    if w in _UNITS:
        v = _UNITS[w]
        if not v or nxt(1) != _HUNDRED:
            return 1, str(v)
        # "four hundred", "four hundred and five", "four hundred twenty one"
        k = 2
        after = nxt(2)
        if after is None and i + 2 < n and _gap_ok(text, toks[i + 1][1], toks[i + 2][0], True):
            after = toks[i + 2][2]  # "four hundred and five"
        if after is None or after not in _VALUE or after in _AMBIGUOUS:
            return 2, str(v * 100)
        rest, used = _VALUE[after], k + 1
        unit = nxt(k + 1) if after in _TENS else None
        if unit is not None and unit in _UNITS and _UNITS[unit] and unit not in _AMBIGUOUS:
            rest, used = rest + _UNITS[unit], used + 1
        return used, str(v * 100 + rest)
    if w in _TEENS:
        return 1, str(_TEENS[w])
    if w in _TENS:
        unit = nxt(1)
        if unit is not None and unit in _UNITS and _UNITS[unit] and nxt(2) != _HUNDRED:
            return 2, str(_TENS[w] + _UNITS[unit])
        return 1, str(_TENS[w])
    return 0, ""


def is_counting(groups: tuple[str, ...] | list[str]) -> bool:
    """Numbers counted or listed, not a phone number: three or more groups in one even
    step ("one two three four five six seven", "100 200 300", "5 5 5 5 5 5 5"), or such a
    count said again ("1 2 3 4 1 2 3 4")."""
    if len(groups) < 3 or not all(g.isdigit() for g in groups):
        return False
    vals = [int(g) for g in groups]
    step = vals[1] - vals[0]
    k = 2
    while k < len(vals) and vals[k] - vals[k - 1] == step:
        k += 1
    if k == len(vals):
        return True
    return k >= 3 and all(vals[j] == vals[j % k] for j in range(len(vals)))


# (start, end) in the text with digits, then (start, end) of the same run in the original
Segment = tuple[int, int, int, int]


def as_digits(text: str, runs: list[NumberRun]) -> tuple[str, list[Segment]]:
    """``text`` with every run (in order, not overlapping) written as its digits, and
    where each run went."""
    parts: list[str] = []
    segs: list[Segment] = []
    pos = out = 0
    for r in runs:
        parts.append(text[pos : r.start])
        out += r.start - pos
        segs.append((out, out + len(r.digits), r.start, r.end))
        parts.append(r.digits)
        out += len(r.digits)
        pos = r.end
    parts.append(text[pos:])
    return "".join(parts), segs


def to_original(segs: list[Segment], start: int, end: int) -> tuple[int, int] | None:
    """The original span of a finding ``start:end`` in the text with digits, or None if
    it touches no run (then the digit checks on the original text found it already)."""
    if not any(a < end and start < b for a, b, _s, _e in segs):
        return None
    return _back(segs, start, True), _back(segs, end, False)


def _back(segs: list[Segment], p: int, is_start: bool) -> int:
    shift = 0
    for a, b, s, e in segs:
        if p < a or (p == a and not is_start):
            break
        if p < b or (p == b and not is_start):
            return s if is_start else e
        shift = e - b
    return p + shift
