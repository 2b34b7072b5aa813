"""Personal information a child should not share.

Phone numbers (``phonenumbers`` for international forms, and any long
number: cards, ids, account numbers), e-mail addresses (also "name at gmail dot
com"), street addresses and "I live at ...", post codes, IP addresses, IBANs,
social handles ("add me on insta"), school plus full name, passwords and PINs. Meet-up
proposals and requests for details are phrase patterns (``phrases.py``). Numbers are
read in ``pii_numbers.py``, addresses in ``pii_addresses.py``; this module decides which
checks a message needs and runs them.

Runs on the original text (case matters for names and addresses); every
regex is linear (bounded repeats, no nested quantifiers over the same input).
"""

from __future__ import annotations

import re

from bot.screening.emails import MAIL_GATE, MAIL_WORDS, emails, spoken_emails
from bot.screening.handles import HANDLE_GATE, HANDLE_WORDS, find_handles
from bot.screening.near import lower_view
from bot.screening.numbers import NUMBER_WORDS, to_original
from bot.screening.pii_addresses import (
    LIVE_WORDS,
    PREFIX_WORDS,
    UNIT_WORDS,
    ZIP_WORDS,
    home_hits,
    street_hits,
)
from bot.screening.pii_numbers import PHONE_WORDS, PiiHit, digits, number_hits
from bot.screening.places import (
    CUE_WORDS,
    HOUSE_STREETS,
    SUFFIX_WORDS,
    could_match,
    find_places,
)
from bot.screening.places import GATE_WORDS as PLACE_GATE
from bot.screening.places import TRIGGERS as PLACE_WORDS
from bot.screening.spelled import (
    could_be_phone,
    glued,
    neighbourhoods,
    touches_digit,
    worth_reading,
)

__all__ = ["TRIGGERS", "PiiHit", "find_pii"]

_NAME_RE = re.compile(
    r"(?i:\bmy\s{1,3}(?:full\s{1,3})?name\s{1,3}is|\bi\s{0,2}(?:'|’)?\s{0,2}a?m|\bim|\bname'?s|"
    r"\bthis\s{1,3}is)\s{1,3}([A-Z][a-z'’-]{1,20})\s{1,3}([A-Z][a-z'’-]{1,25})\b"
)
_FULLNAME_WORDS_RE = re.compile(r"(?i)\bmy\s{1,3}(?:full|real|whole|last|sur)\s{0,3}name\s{1,3}is")
_SCHOOL_RE = re.compile(
    r"\b(?:[A-Z][\w'’.-]{1,30}\s{1,3}){1,4}(?:Primary|Elementary|Middle|High|Junior|Secondary|"
    r"Grammar|Academy|School|College|Intermediate|Prep)\b"
    r"|\b(?i:i\s{1,3}go\s{1,3}to|i\s{1,3}attend|my\s{1,3}school\s{1,3}is|i\s{1,3}am\s{1,3}at|"
    r"i'?m\s{1,3}at)\s{1,3}[A-Z][\w'’-]{2,30}\s{1,3}(?:[A-Z][\w'’-]*\s{1,3}){0,2}"
    r"(?i:primary|elementary|middle|high|junior|school|academy)\b"
)


_SCHOOL_WORDS = frozenset(
    "primary elementary middle high junior secondary grammar academy school college "
    "intermediate prep".split()
)
# every word ``find_pii`` looks at (``words & TRIGGERS`` gives the same findings)
# "my password is sunshine1", "pin: 4821"
_SECRET_WORDS = frozenset("password passwords passcode passwd pw pwd pin".split())
_SECRET_RE = re.compile(
    r"(?i)\b(?:password|passcode|passwd|pwd?)\s{0,3}(?:is|was|=|:|-)\s{0,3}"
    r"(?!(?:wrong|right|correct|incorrect|secret|hard|easy|long|short|too|not|an?|the|same|"
    r"different|changed|forgotten|weak|strong|safe|private|so|very|really)\b)[^\s.,!?]{3,64}"
    r"|\bpin(?: ?code| ?number)?\s{0,3}(?:is|was|=|:|-)\s{0,3}\d{4,8}\b"
)
TRIGGERS: frozenset[str] = frozenset().union(
    MAIL_WORDS, PHONE_WORDS, SUFFIX_WORDS, PREFIX_WORDS, UNIT_WORDS, ZIP_WORDS,
    LIVE_WORDS, HANDLE_WORDS, _SCHOOL_WORDS, _SECRET_WORDS, {"name"}, PLACE_WORDS, CUE_WORDS,
    NUMBER_WORDS,
)  # fmt: skip
# the words that start the checks of ``_scan``: number words are read apart, and words
# that only change what another word's check finds ("i go to ..." beside "primary",
# "come to forty two ...") start nothing
_NEW_WORDS = PLACE_GATE | NUMBER_WORDS
_WORD_TRIGGERS: frozenset[str] = frozenset().union(
    MAIL_WORDS, PHONE_WORDS, SUFFIX_WORDS, PREFIX_WORDS, UNIT_WORDS, ZIP_WORDS,
    LIVE_WORDS, HANDLE_GATE, _SCHOOL_WORDS, _SECRET_WORDS, {"name"},
)  # fmt: skip
_DIGIT_RE = re.compile(r"\d")
_DIGIT_BYTES = b"0123456789"


def _count_digits(text: str) -> int:
    """Digits in ``text`` (0 unless it has a decimal digit, as ``\\d`` sees them)."""
    if text.isascii():
        raw = text.encode()
        return len(raw) - len(raw.translate(None, _DIGIT_BYTES))
    return digits(text) if _DIGIT_RE.search(text) is not None else 0


def find_pii(text: str, words: set[str] | None = None, raw: bytes | None = None) -> list[PiiHit]:
    """Personal-information findings in ``text`` (original offsets).

    ``words`` is the message's set of folded words; it lets checks that cannot
    match be skipped (computed here when not given). ``raw``: ``text.encode()`` if
    the caller already has it for ASCII text (``None`` otherwise). Numbers written
    in words ("forty two", "oh two one five ...") go through the same checks.
    """
    if words is None:
        words = set(re.findall(r"[a-z0-9]+", text.lower()))
    # no trigger word (the common case): every word-gated check below is skipped
    kw = not _WORD_TRIGGERS.isdisjoint(words)
    if raw is None and text.isascii():
        raw = text.encode()
    if raw is not None:
        ndig = len(raw) - len(raw.translate(None, _DIGIT_BYTES))
    else:
        ndig = digits(text) if _DIGIT_RE.search(text) is not None else 0
    place = False
    nw: set[str] | None = None
    if not _NEW_WORDS.isdisjoint(words):  # words of places or numbers (rarely)
        place = not PLACE_GATE.isdisjoint(words) and could_match(words, ndig)
        if not NUMBER_WORDS.isdisjoint(words):
            nw = set(NUMBER_WORDS.intersection(words))
    if not ndig and not kw and not place and "@" not in text and (nw is None or len(nw) < 2):
        return []
    hits = _scan(text, words, raw, kw or place, ndig, place)
    if nw is not None:
        # beside a word about homes any number counts ("i live at seven ..."), beside one
        # about phones or codes four digits ("my pin is ..."), else only a phone-length
        # number: "two cats and three dogs" cannot be one; one number word by itself
        # counts only beside digits
        if kw and (_home_cue(text, words) or not HOUSE_STREETS.isdisjoint(words)):
            need = 1
        else:
            need = 4 if kw and not _CODE_CUES.isdisjoint(words) else 7
        if (need < 7 or len(nw) >= 2 or (ndig and touches_digit(text, next(iter(nw))))) and (
            need == 1 or could_be_phone(text, nw, ndig, need)
        ):
            hits += _spelled_numbers(text, words)
    elif ndig >= 5 and not hits and glued(text, raw):  # "o2one 555 ...": a phone has digits
        hits += _spelled_numbers(text, words)
    return hits


# words that make a short spelled number worth reading ("i live at number five", "my
# pin is four two one nine"); "house" only in "my house is ..." (a story has houses)
_HOME_CUES = frozenset().union(LIVE_WORDS, UNIT_WORDS) - {"house"}
_CODE_CUES = frozenset().union(PHONE_WORDS, _SECRET_WORDS, ZIP_WORDS)


def _home_cue(text: str, words: set[str]) -> bool:
    if not _HOME_CUES.isdisjoint(words):
        return True
    return "house" in words and "house is" in lower_view(text)


def _spelled_numbers(text: str, words: set[str]) -> list[PiiHit]:
    """The findings that appear when spelled numbers worth reading are read as digits
    (``spelled.py``), each checked in its neighbourhood."""
    runs = worth_reading(
        text,
        home=_home_cue(text, words),
        code=not _CODE_CUES.isdisjoint(words),
        street=not HOUSE_STREETS.isdisjoint(words),
    )
    hits: list[PiiHit] = []
    for offset, digit_text, segs in neighbourhoods(text, runs):
        raw = digit_text.encode() if digit_text.isascii() else None
        ndig = _count_digits(digit_text)
        for h in _scan(digit_text, words, raw, True, ndig, could_match(words, ndig)):
            span = to_original(segs, h.start, h.end)
            if span is not None:
                hits.append(PiiHit(span[0] + offset, span[1] + offset, h.detail + " (in words)"))
    return hits


def _scan(
    text: str, words: set[str], raw: bytes | None, kw: bool, ndig: int, place: bool
) -> list[PiiHit]:
    """``find_pii`` on text as written (``kw``: a trigger word is among ``words``;
    ``ndig``: the text's digits; ``place``: ``places.could_match``)."""
    hits: list[PiiHit] = []
    if "@" in text:
        hits += [PiiHit(a, b, "email address") for a, b in emails(text)]
    low = ""  # the text in lower case, made when a rule needs it
    if kw and not MAIL_GATE.isdisjoint(words):
        low = lower_view(text)
        hits += [PiiHit(a, b, "email address") for a, b in spoken_emails(low, words)]
    if ndig:
        hits += number_hits(text, words, kw, ndig)
        hits += street_hits(text, words, raw, kw, ndig)
    if not kw:
        return hits
    if not LIVE_WORDS.isdisjoint(words):
        hits += home_hits(text)
    if not _SECRET_WORDS.isdisjoint(words):
        hits += [PiiHit(m.start(), m.end(), "password") for m in _SECRET_RE.finditer(text)]
    if not HANDLE_GATE.isdisjoint(words):
        low = low or lower_view(text)
        hits += [PiiHit(a, b, "social media handle")
                 for a, b in find_handles(text, low, words)]  # fmt: skip
    if place:
        low = low or lower_view(text)
        hits += [PiiHit(a, b, d) for a, b, d in find_places(low, words, ndig)]
    if not _SCHOOL_WORDS.isdisjoint(words) or "name" in words:
        name = _NAME_RE.search(text) or _FULLNAME_WORDS_RE.search(text)
        if name is not None:
            school = _SCHOOL_RE.search(text)
            if school is not None:
                hits.append(PiiHit(name.start(), name.end(), "full name with school"))
                hits.append(PiiHit(school.start(), school.end(), "full name with school"))
    return hits
