"""Personal information a child should not share.

Phone numbers (``phonenumbers`` for international forms, and any long
number: cards, ids, account numbers), e-mail addresses (also "name at gmail dot
com"), street addresses and "I live at ...", post codes, IP addresses, IBANs,
social handles ("add me on insta"), school plus full name, passwords and PINs. Meet-up proposals and
requests for details are phrase patterns (``phrases.py``).

Runs on the original text (case matters for names and addresses); every
regex is linear (bounded repeats, no nested quantifiers over the same input).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from bot.screening.emails import MAIL_GATE, MAIL_WORDS, emails, spoken_emails
from bot.screening.handles import HANDLE_GATE, HANDLE_WORDS, find_handles
from bot.screening.lexicon import trie_pattern
from bot.screening.near import lower_view
from bot.screening.numbers import NUMBER_WORDS, is_counting, to_original
from bot.screening.places import (
    CUE_WORDS,
    HOUSE_STREETS,
    SUFFIX_WORDS,
    could_match,
    find_places,
    not_a_house,
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
_ZIP_RE = re.compile(
    r"\b(?i:zip|zip ?code|postcode|post code|postal code|pin ?code)\b\s{0,3}[:#]?\s{0,3}"
    r"(?i:[A-Z0-9]{2,5}(?:[ -]?[A-Z0-9]{2,4})?)\b"
    r"|\b[A-Z]{2} \d{5}(?:-\d{4})?\b"
)

# the same words as a trie: the engine picks a branch by letter instead of trying ~200
# words at every number (each is followed by a word end, so the matches are the same)
_SUFFIX_TRIE = trie_pattern(SUFFIX_WORDS)
# "221B Baker Street", "33 avenue de Provence street", "1659 Hoog St"
_ADDR_NUM_FIRST_RE = re.compile(
    r"\b(\d{1,6}[A-Za-z]?),?\s{1,3}((?:(?:[A-ZÀ-Þ][\w'’.-]{0,30}|de|du|des|la|le|del|di|da|do|"
    r"dos|van|von|der|of|the|avenue|rue|via|rua)\s{1,3}){0,5})(?i:(" + _SUFFIX_TRIE + r"))\b\.?"
)
# a street word right after the number ("130 St."): only one that is no ordinary word
# ("one way", "move 1 place on", "at one corner")
_BARE_STREETS = frozenset(
    "street st road rd avenue ave av lane ln drive dr boulevard blvd ct pl ter cres cir pkwy "
    "hwy sq trl gdns hts".split()
)
_EU_SUFFIX = (
    r"strasse|straße|str\.|gasse|weg|platz|allee|straat|laan|gracht|vej|gade|gata|gatan|vägen|"
    r"väg|veien|vegen|katu|kuja|tie|utca|ulica|ul\.|u\.|stræde|stræti|sokak|sokağı|caddesi|"
    r"utca|tér|útja|ring|damm|steig|ufer|markt|kade|plein|dreef|singel|torg|torget|plads"
)
_ADDR_EU_RE = re.compile(
    r"\b[A-ZÀ-Þ][\w'’-]{0,30}(?i:" + _EU_SUFFIX + r")\s{1,3}\d{1,5}[A-Za-z]?\b"
    r"|\b[A-ZÀ-Þ][\w'’-]{1,30}\s{1,3}(?i:" + _EU_SUFFIX + r"|gate|street|road|" + r"avenue)"
    r"\s{1,3}\d{1,5}[A-Za-z]?\b"
)
_ADDR_PREFIX_RE = re.compile(
    r"(?<![\w])(?i:rue|via|viale|rua|calle|avenida|av\.|ul\.|ulica|piazza|plaza|carrer|chemin|"
    r"boulevard|bd\.|strada|corso|largo|travessa|praça|praca|avinguda|iroon|odos|leoforos)"
    r"\s{1,3}(?:(?:[A-ZÀ-Þ][\w'’.-]{0,30}|de|du|des|la|le|del|della|di|da|do|dos|das|dei|"
    r"von|van)\s{1,3}){1,5}\d{1,5}[A-Za-z]?\b"
)
_ADDR_UNIT_RE = re.compile(
    r"\b(?i:apt|apartment|suite|ste|flat)\b\.?\s{0,3}#?\s{0,2}\d{1,5}[A-Za-z]?\b"
    r"|\bUnit\s{1,3}\d{3,5}\b|\b(?i:p\.?\s?o\.?\s{0,2}box|post office box)\s{0,3}\d{1,6}\b"
)
_LIVE_AT_RE = re.compile(
    r"\b(?:live|lives|living|stay|stays|staying|moved|move)\s{1,3}(?:at|on)\s{1,3}"
    r"(?:(?:number|no\.?|#)\s{0,3})?(?:\d|(?-i:[A-Z])[\w'’-]{1,30}\s{1,3}(?-i:[A-Z])?[\w'’-]{0,30}"
    r"\s{0,3}(?:" + _SUFFIX_TRIE + r")\b)"
    r"|\b(?:my|our|his|her|their)\s{1,3}(?:(?:new|home|old|current|full|real)\s{1,3})?"
    r"(?:address|addy|house number)\b|\baddress\s{0,3}(?:is|:)\s{0,3}\w"
    r"|\b(?:my|our)\s{1,3}house\s{1,3}is\s{1,3}(?:at|on|number|no\.?|\d)",
    re.I,
)
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


def _digits(s: str) -> int:
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
        n = _digits(s)
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


_EU_ENDINGS = (
    *(
        e.replace("\\.", "").replace("ß", "ss").replace("æ", "ae").replace("ä", "a")
        for e in _EU_SUFFIX.split("|")
        if len(e.replace("\\.", "")) >= 3
    ),
    *("vagen", "vag", "straede", "straeti", "ter", "utja", "sokagi"),
)
# the word right before a house number, for the EU street patterns ("Hauptstraße 5")
_EU_WORD_ENDINGS = tuple(
    sorted(
        {
            *_EU_ENDINGS,
            *(e.replace("\\.", ".") for e in _EU_SUFFIX.split("|") if len(e) >= 3),
            *("gate", "street", "road", "avenue"),
        }
    )
)
# ASCII bytes -> "s" whitespace (as ``\\s``/``str.split`` see it), "d" digit, "x" other
_SPACE_DIGIT = bytes(
    ord("s") if c in b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
    else ord("d") if 48 <= c <= 57
    else ord("x")
    for c in range(256)
)  # fmt: skip


def _eu_street_word(text: str, raw: bytes | None = None) -> bool:
    """Could an EU street pattern match ("Hauptstraße 5")? A word (3 to 40 characters)
    with a street ending, then whitespace and a digit. A cheap gate: it may say yes
    more often than the patterns match, never less. ``raw``: ``text.encode()`` if
    already made for ASCII text."""
    if raw is None and text.isascii():
        raw = text.encode()
    if raw is not None and b"sd" not in raw.translate(_SPACE_DIGIT):
        return False
    toks = text.split()
    for i in range(1, len(toks)):
        if toks[i][0].isdigit():
            w = toks[i - 1]
            if 3 <= len(w) <= 40 and w.lower().endswith(_EU_WORD_ENDINGS):
                return True
    return False


_PREFIX_WORDS = frozenset(
    "rue via viale rua calle avenida av ul ulica piazza plaza carrer chemin boulevard bd "
    "strada corso largo travessa praca avinguda iroon odos leoforos u".split()
)
_UNIT_WORDS = frozenset("apt apartment suite ste flat unit box po".split())
_ZIP_WORDS = frozenset("zip zipcode postcode post postal pin pincode".split())
_PHONE_WORDS = frozenset(
    "phone tel telephone mobile cell cellphone whatsapp number call text ring".split()
)
_LIVE_WORDS = frozenset(
    "live lives living stay stays staying moved move address addy house".split()
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
    MAIL_WORDS, _PHONE_WORDS, SUFFIX_WORDS, _PREFIX_WORDS, _UNIT_WORDS, _ZIP_WORDS,
    _LIVE_WORDS, HANDLE_WORDS, _SCHOOL_WORDS, _SECRET_WORDS, {"name"}, PLACE_WORDS, CUE_WORDS,
    NUMBER_WORDS,
)  # fmt: skip
# the words that start the checks of ``_scan``: number words are read apart, and words
# that only change what another word's check finds ("i go to ..." beside "primary",
# "come to forty two ...") start nothing
_NEW_WORDS = PLACE_GATE | NUMBER_WORDS
_WORD_TRIGGERS: frozenset[str] = frozenset().union(
    MAIL_WORDS, _PHONE_WORDS, SUFFIX_WORDS, _PREFIX_WORDS, _UNIT_WORDS, _ZIP_WORDS,
    _LIVE_WORDS, HANDLE_GATE, _SCHOOL_WORDS, _SECRET_WORDS, {"name"},
)  # fmt: skip
_DIGIT_RE = re.compile(r"\d")
_SEVEN_DIGITS_RE = re.compile(r"\d{7}")
_FIVE_DIGITS_RE = re.compile(r"\d{5}")
_DIGIT_BYTES = b"0123456789"


def _count_digits(text: str) -> int:
    """Digits in ``text`` (0 unless it has a decimal digit, as ``\\d`` sees them)."""
    if text.isascii():
        raw = text.encode()
        return len(raw) - len(raw.translate(None, _DIGIT_BYTES))
    return _digits(text) if _DIGIT_RE.search(text) is not None else 0


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
        ndig = _digits(text) if _DIGIT_RE.search(text) is not None else 0
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
_HOME_CUES = frozenset().union(_LIVE_WORDS, _UNIT_WORDS) - {"house"}
_CODE_CUES = frozenset().union(_PHONE_WORDS, _SECRET_WORDS, _ZIP_WORDS)


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
        if ndig >= 7:
            hits += _long_numbers(text)
            if _SEVEN_DIGITS_RE.search(text) is not None:
                hits += [PiiHit(m.start(), m.end(), "id number") for m in _ID_RE.finditer(text)]
        if ndig >= 6 and kw and not _PHONE_WORDS.isdisjoint(words):
            hits += [PiiHit(m.start(), m.end(), "phone number")
                     for m in _PHONE_WORD_RE.finditer(text) if _digits(m.group()) >= 6]  # fmt: skip
        if ndig >= 4 and text.count(".") >= 3:
            hits += [PiiHit(m.start(), m.end(), "IP address") for m in _IP_RE.finditer(text)]
        if text.count(":") >= 3:
            hits += [PiiHit(m.start(), m.end(), "IP address") for m in _IPV6_RE.finditer(text)]
        if ndig >= 8:
            for m in _IBAN_RE.finditer(text):
                if _digits(m.group()) >= 8:
                    hits.append(PiiHit(m.start(), m.end(), "bank account (IBAN)"))
        if kw and not SUFFIX_WORDS.isdisjoint(words):
            hits += [PiiHit(m.start(), m.end(), "street address")
                     for m in _ADDR_NUM_FIRST_RE.finditer(text)
                     if (m.group(2) or m.group(3).lower() in _BARE_STREETS)
                     and not not_a_house(text, m.start(), m.end(), m.group(1))]  # fmt: skip
        if "ul." in text or " u. " in text or _eu_street_word(text, raw):
            hits += [PiiHit(m.start(), m.end(), "street address")
                     for m in _ADDR_EU_RE.finditer(text)]  # fmt: skip
        if kw:
            if not _PREFIX_WORDS.isdisjoint(words):
                hits += [PiiHit(m.start(), m.end(), "street address")
                         for m in _ADDR_PREFIX_RE.finditer(text)]  # fmt: skip
            if not _UNIT_WORDS.isdisjoint(words):
                hits += [PiiHit(m.start(), m.end(), "street address")
                         for m in _ADDR_UNIT_RE.finditer(text)]  # fmt: skip
        if (kw and not _ZIP_WORDS.isdisjoint(words)) or (
            ndig >= 5 and _FIVE_DIGITS_RE.search(text) is not None
        ):
            hits += [PiiHit(m.start(), m.end(), "post code") for m in _ZIP_RE.finditer(text)]
    if not kw:
        return hits
    if not _LIVE_WORDS.isdisjoint(words):
        hits += [PiiHit(m.start(), m.end(), "home address") for m in _LIVE_AT_RE.finditer(text)]
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
