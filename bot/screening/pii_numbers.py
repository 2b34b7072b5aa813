"""Personal information in numbers: phone numbers (``phonenumbers`` for international
forms), any long number (cards, ids, accounts), IP addresses and IBANs; not the numbers
of book talk (ISBNs, lists of years, counting). Split out of ``pii.py``, which runs it.

Runs on the original text; every regex is linear (bounded repeats, no nested
quantifiers over the same input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.screening.numbers import is_counting

__all__ = ["DEFAULT_REGION", "PHONE_WORDS", "PiiHit", "digits", "number_hits"]

DEFAULT_REGION = "US"


@dataclass(frozen=True, slots=True)
class PiiHit:
    start: int
    end: int
    detail: str


# a run of digits with phone-style separators; dates and times are removed first.
# The separator class holds no digit, so every run splits into groups one way only (a
# class that also held digits backtracked for minutes on ~100 digits); a run directly
# followed by a letter ends at its last separator (``_long_numbers`` counts digits).
_NUMBER_RE = re.compile(r"(?<![\w.])\+?\(?\d(?:[\u00a0 ().\-]{0,3}\d){5,}(?![\w])")
_DATETIME_RE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\b"
    r"|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    r"|\b(?:19|20)\d{2}\s?[-–]\s?(?:19|20)\d{2}\b"
)
_IP_RE = re.compile(
    r"(?<![\d.])(?:25[0-5]|2[0-4]\d|1?\d?\d)(?:\.(?:25[0-5]|2[0-4]\d|1?\d?\d)){3}(?![\d.])"
)
_ID_RE = re.compile(r"\b[A-Za-z]{1,3}-?\d{7,}\b")
_IPV6_RE = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){3,7}[0-9A-Fa-f]{1,4}(?![\w:])")
_IBAN_RE = re.compile(r"\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}\b")
_PHONE_WORD_RE = re.compile(
    r"(?i)\b(?:phone|tel|telephone|mobile|cell|cellphone|whatsapp|number|call me|text me|"
    r"ring me)\b\s{0,3}(?:is|on|at|:|#|no\.?)?\s{0,3}\+?\(?\d[\d ()\-.]{3,20}\d"
)


def digits(s: str) -> int:
    return sum(map(str.isdigit, s))


_NON_DIGIT_BYTES = bytes(c for c in range(256) if not 48 <= c <= 57)


def _maybe_phone(candidate: str) -> bool:
    """Exact pre-test for ``_is_phone`` (no for a number ``phonenumbers`` cannot call
    possible). Without "+", an IDD "011" or a leading "1" (country code or national
    prefix, which parsing may strip), a US number keeps all its digits, and only 10
    digits (or 7, local) are possible; anything else goes to ``phonenumbers``."""
    if DEFAULT_REGION != "US" or "+" in candidate or not candidate.isascii():
        return True
    digits = candidate.encode().translate(None, _NON_DIGIT_BYTES)
    if digits[:1] == b"1" or digits[:3] == b"011":
        return True
    return len(digits) == 10 or len(digits) == 7


def _is_phone(candidate: str) -> bool:
    if not _maybe_phone(candidate):
        return False
    try:
        region = None if candidate.lstrip("(").startswith("+") else DEFAULT_REGION
        num = phonenumbers.parse(candidate, region)
        return bool(phonenumbers.is_possible_number(num))
    except phonenumbers.NumberParseException:
        return False


_IPV4_FULL_RE = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_GROUP_RE = re.compile(r"\d+")
_ISBN_BEFORE_RE = re.compile(r"(?i)isbn(?:[\s-]{0,2}1[03])?\s{0,3}[:#]?\s{0,3}$")


def _book_number(text: str, start: int, number: str, n: int) -> bool:
    """An ISBN ("ISBN 0-14-032872-0", a bare 13 digits starting 978/979), a list of
    years ("1812-1870", "1939 1945") or counted numbers ("1 2 3 4 5 6 7", "100 200 300"):
    book talk, not a phone or card number."""
    if n == 13 and number.lstrip("(+")[:3] in ("978", "979"):
        return True
    if 9 <= n <= 13 and _ISBN_BEFORE_RE.search(text, max(0, start - 16), start) is not None:
        return True
    if number.isdigit():
        return False  # one group: no list of years or count
    groups = _GROUP_RE.findall(number)
    if len(groups) <= 6 and all(len(g) == 4 and 1400 <= int(g) <= 2099 for g in groups):
        return True
    return is_counting(groups)


def _long_numbers(text: str) -> list[PiiHit]:
    hits: list[PiiHit] = []
    masked = text
    if ":" in text or "/" in text or "-" in text or "." in text:
        masked = _DATETIME_RE.sub(lambda m: " " * len(m.group()), text)
    for m in _NUMBER_RE.finditer(masked):
        s = m.group().rstrip(" .-(")
        n = digits(s)
        if n < 7:
            continue
        if _IPV4_FULL_RE.fullmatch(s) is not None:
            continue  # an IP address, reported separately
        if _book_number(text, m.start(), s, n):
            continue
        if n <= 15 and _is_phone(s):
            detail = "phone number"
        elif 12 <= n <= 19:
            detail = "card or account number"
        else:
            detail = "long number (id, account or phone)"
        hits.append(PiiHit(m.start(), m.start() + len(s), detail))
    return hits


PHONE_WORDS = frozenset(
    "phone tel telephone mobile cell cellphone whatsapp number call text ring".split()
)


_SEVEN_DIGITS_RE = re.compile(r"\d{7}")


def number_hits(text: str, words: set[str], kw: bool, ndig: int) -> list[PiiHit]:
    """Phone, card, id and account numbers, IP addresses and IBANs in text with ``ndig``
    digits (``kw``: a trigger word of ``pii.py`` is among ``words``)."""
    hits: list[PiiHit] = []
    if ndig >= 7:
        hits += _long_numbers(text)
        if _SEVEN_DIGITS_RE.search(text) is not None:
            hits += [PiiHit(m.start(), m.end(), "id number") for m in _ID_RE.finditer(text)]
    if ndig >= 6 and kw and not PHONE_WORDS.isdisjoint(words):
        hits += [PiiHit(m.start(), m.end(), "phone number")
                 for m in _PHONE_WORD_RE.finditer(text) if digits(m.group()) >= 6]  # fmt: skip
    if ndig >= 4 and text.count(".") >= 3:
        hits += [PiiHit(m.start(), m.end(), "IP address") for m in _IP_RE.finditer(text)]
    if text.count(":") >= 3:
        hits += [PiiHit(m.start(), m.end(), "IP address") for m in _IPV6_RE.finditer(text)]
    if ndig >= 8:
        for m in _IBAN_RE.finditer(text):
            if digits(m.group()) >= 8:
                hits.append(PiiHit(m.start(), m.end(), "bank account (IBAN)"))
    return hits
