"""Where a child lives or goes to school, written as children write it (no capitals):
"42 wallace street", "wallace street 42", "rata road number 7", "the corner of king st
and rata rd", "i go to rata primary", "my birthday is 3 march and i live in taupo".

Called from ``pii.find_pii`` (also on the text with spelled numbers read as digits, so
"i live on rata road number seven" is read too). Every pattern is anchored on a word
the message must have (``TRIGGERS``) and is linear: bounded repeats over words that
cannot contain the separators between them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.screening.lexicon import trie_pattern
from bot.screening.near import near, occurrences

__all__ = [
    "CUE_WORDS",
    "GATE_WORDS",
    "HOUSE_STREETS",
    "STREET_WORDS",
    "SUFFIX_WORDS",
    "TRIGGERS",
    "could_match",
    "find_places",
    "not_a_house",
]  # fmt: skip

# every street word of an address ("221B Baker Street", "Vedzizhev Greens"); ``pii.py``
# compiles it for capitalised addresses, the corner test reads it as a set
_SUFFIX = (
    "street|st|avenue|ave|av|road|rd|lane|ln|drive|dr|boulevard|blvd|court|ct|place|pl|way|"
    "terrace|ter|crescent|cres|close|circle|cir|parkway|pkwy|highway|hwy|square|sq|squares|"
    "trail|trl|alley|row|grove|gardens|gdns|mews|walk|hill|hills|heights|hts|creek|cliffs?|"
    "greens?|ridge|view|crossing|loop|path|pike|plaza|point|port|ranch|run|shores?|springs?|"
    "station|summit|valley|village|ville|vista|wharf|woods?|manor|meadows?|mills?|mount|"
    "orchard|oval|island|junction|knolls?|lakes?|landing|harbou?r|haven|estates?|falls|"
    "fields?|flats?|ford|forest|fork|fort|glen|bay|bend|bluff|branch|bridge|brook|burg|camp|"
    "canyon|cape|causeway|center|centre|corners?|cove|crest|dale|expressway|ferry|freeway|"
    "gateway|hollow|inlet|isle|lodge|neck|parade|prairie|rapids|route|skyway|spur|stream|"
    "throughway|trace|tunnel|turnpike|underpass|viaduct|wells?|motorway|embankment|wynd|"
    "quay|rise|vale|chase|drove|green|lawn|gate|garth|fold|brae"
)


def _spelled(alt: str) -> list[str]:
    """The words one alternative of ``_SUFFIX`` spells ("cliffs?": cliff, cliffs)."""
    i = alt.find("?")
    if i < 0:
        return [alt]
    return [w for rest in _spelled(alt[i + 1 :]) for w in (alt[: i - 1] + rest, alt[:i] + rest)]


SUFFIX_WORDS = frozenset(w for alt in _SUFFIX.split("|") for w in _spelled(alt))
# street words a child's home address ends in (English-speaking countries, NZ "tce",
# "cres"); the long list in ``pii.py`` also has "hill", "view", "point" ..., which are
# ordinary words in lower-case book talk
STREET_WORDS = frozenset(
    "street st road rd avenue ave av lane ln crescent cres terrace tce drive dr place pl "
    "way close court ct grove parade boulevard blvd highway hwy".split()
)
# after a house number ("12 wallace street"): not the ordinary words "way", "place",
# "close", "court", "dr" ("3 hour drive" is caught by the words before it)
HOUSE_STREETS = STREET_WORDS - frozenset("way place pl close court ct dr".split())
# words that are not a street's or school's name: articles, pronouns, prepositions,
# amounts and units ("a 3 hour drive", "5 more chapters street"), generic adjectives
NOT_NAME = frozenset(
    "the a an my our your ur his her their its this that these those some any more most "
    "of in on at to 2 and or but so very really too all every each no not one two down up "
    "across along around over near by from with off into onto out same other next last "
    "hour hours hr hrs min mins minute minutes day days week weeks month months year "
    "years km kms kilometre kilometres kilometer kilometers mile miles metre metres meter "
    "meters long short big small little new old kids people friends pages chapters times "
    "ways steps blocks houses cars busy quiet whole main".split()
) - {"main"}  # "12 main street" is an address
# book and chat words before a number that make it not a house number
_COUNTED = frozenset(
    "chapter chapters ch chap book books part parts page pages pg pp p volume vol "
    "episode episodes ep season series level levels lesson act scene track round week day "
    "grade top verse poem question q no1 number1 figure fig table step year years".split()
)
# a number that counts something after it is no house number ("sesame street 3 times")
_COUNT_NOUNS = (
    r"times|x|pages?|chapters?|books?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|"
    r"years?|yrs?|seconds?|secs?|kids|people|friends|more|%|am|pm|o'?clock|episodes?|"
    r"seasons?|stars?|points?|out|of|percent|km|k|m|metres?|meters?|miles?|blocks?"
)
_STREET_ALT = trie_pattern(STREET_WORDS)
# street words shortened with a dot ("kauri st. 5"); after another, a dot ends a sentence
# ("... when the murder took place. 4. The cook ...")
_ABBREVIATED = frozenset("st rd ave av ln cres tce dr pl ct blvd hwy".split())
_AFTER_ALT = trie_pattern(HOUSE_STREETS)
_NAME = r"[^\W\d_][\w'’-]{1,30}"

# "42 wallace street", "7 rata rd" (the capitalised "42 Wallace Street" is in pii.py)
# (starts with a digit, which the regex engine finds at C speed; what may come before
# the number is tested apart: ``_NOT_BEFORE_HOUSE``)
_HOUSE_FIRST_RE = re.compile(
    r"(\d{1,5}[a-z]?)\s{1,3}((?:" + _NAME + r"\s{1,3}){1,2})(?:" + _AFTER_ALT + r")\b\.?"
)
_NOT_BEFORE_HOUSE = frozenset(".,:/-_")
# "wallace street 42", "rata road number 7", "kowhai ave no. 12": the street word and the
# number, then the name before it (searched back from the street word)
_STREET_NUMBER_RE = re.compile(
    r"\b(?:(?:" + _STREET_ALT + r")\b|(?:" + trie_pattern(_ABBREVIATED) + r")\.),?\s{1,3}"
    r"((?:number|num|no\.?|nr|#)\s{0,3})?(\d{1,5})"
    r"(?:[a-z]\b|\b)(?!\s{0,3}(?:" + _COUNT_NOUNS + r")\b)"
)
_NAMES_BEFORE_RE = re.compile(r"\b(" + _NAME + r")\s{1,3}(?:(" + _NAME + r")\s{1,3})?\Z")
# "i live on rata road", "we live on kowhai crescent" (no number: the capitalised form is
# in pii.py)
_LIVE_ON_RE = re.compile(
    r"\b(?:i|we|my\s{1,3}\w{2,12})\s{1,3}(?:live|lives|living|stay|stays)\s{1,3}(?:on|at|in)"
    r"\s{1,3}(" + _NAME + r")\s{1,3}(?:(" + _NAME + r")\s{1,3})?(?:" + _STREET_ALT + r")\b"
)
# "the corner of king st and rata rd", "cnr kowhai ave & main rd"
_SIDE = r"((?:[\w'’.-]{1,30}\s{1,3}){0,3}?[\w'’.-]{1,30})"
_CORNER_RE = re.compile(
    r"\b(?:corner|cnr|crn|intersection)\.?\s{1,3}(?:of\s{1,3})?" + _SIDE
    + r"\s{1,3}(?:and|&|n|\+)\s{1,3}((?:[\w'’.-]{1,30}\s{1,3}){0,3}[\w'’.-]{1,30})",
)  # fmt: skip
_SCHOOL_TYPES = (
    "primary|elementary|intermediate|middle|high|secondary|college|academy|school|skool|kura|"
    "grammar|prep|normal|junior|montessori|kindergarten|kindy"
)
_SCHOOL_FRAME = (
    r"\b(?:i\s{0,2}(?:'|’)?\s{0,2}m\s{1,3}in\s{1,3}(?:year|yr|grade|room|class)\s{0,3}\w{1,6}"
    r"\s{1,3}at"
    r"|i\s{1,3}(?:go|goes|went|attend|attended|used\s{1,3}to\s{1,3}go)\s{1,3}(?:to|2|at)"
    r"|i\s{0,2}(?:'|’)?\s{0,2}m\s{1,3}(?:at|in)|i\s{1,3}am\s{1,3}(?:at|in)"
    r"|i\s{1,3}(?:study|am\s{1,3}studying)\s{1,3}at"
    r"|(?:my|our)\s{1,3}(?:school|skool|kura|college)(?:\s{0,2}(?:'|’)\s{0,2}s|\s{1,3}is|\s{1,3}was)"
    r"(?:\s{1,3}called)?)"
)
# "i go to rata primary", "my school is kingsland intermediate", "i go to st mary's"
_SCHOOL_RE = re.compile(
    _SCHOOL_FRAME + r"\s{1,3}(?:((?:[\w'’.-]{1,30}\s{1,3}){1,4}?)(?:" + _SCHOOL_TYPES
    + r")\b|(?:st\.?|saint)\s{1,3}(?!(?:" + _SCHOOL_TYPES + r")\b)[^\W\d_][\w'’-]{1,30})",
)  # fmt: skip
# school names that name no school ("i go to high school", "swim school")
_GENERIC_SCHOOL = frozenset(
    "primary elementary intermediate middle high secondary college academy school kura "
    "grammar prep normal junior senior the a an my our new old big local public private "
    "catholic christian boarding girls boys swim swimming dance ballet music sunday best "
    "worst good bad cool boring fun great small "
    "holiday after before driving summer art drama coding language night bible home "
    "this that same another different ur your his her their".split()
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# "my birthday is 3 march", "my bday is on the fifth of june", "i was born on 2/5/2014"
_BIRTHDAY_RE = re.compile(
    r"\b(?:my\s{1,3}(?:birthday|bday|b-day|b'day|birth\s{0,2}day|birthdate|dob|"
    r"date\s{1,3}of\s{1,3}birth)|i\s{1,3}was\s{1,3}born)\b(?:\s{0,3}(?:'s|is|was|=|:|on|the|"
    r"in))*?\s{0,3}(?:[\w'’-]{1,12}\s{1,3}){0,3}?(?:" + _MONTH + r"\b|\d{1,2}\s{0,2}[/.-]"
    r"\s{0,2}\d{1,2}\b)",
)  # fmt: skip
# "i live in taupo", "im from hamilton", "we live in rotorua"
_TOWN_RE = re.compile(
    r"\b(?:i|we)\s{0,2}(?:(?:'|’)?\s{0,2}m|\s{1,3}am|\s{1,3}come|\s{1,3}live|\s{1,3}are)?"
    r"\s{1,3}(?:from|in|near|live\s{1,3}(?:in|near|at|on))\s{1,3}"
    r"(?!(?:a|an|the|my|our|year|yr|grade|room|class|bed|school|love|fear|trouble|charge|"
    r"time|here|there|it|this|that)\b)[^\W\d_][\w'’-]{2,30}",
)
_LIVE_WORDS = frozenset("live lives living stay stays".split())
_HOUSE_WORDS = frozenset(
    "live lives living stay stays staying moved address addy house home come meet visit".split()
)
# words that make a short spelled number worth reading as digits ("i live at forty two")
CUE_WORDS = _HOUSE_WORDS
_CORNER_WORDS = frozenset("corner cnr crn intersection".split())
_BIRTH_WORDS = frozenset("birthday bday birth birthdate dob born".split())
_SCHOOL_WORDS = frozenset(_SCHOOL_TYPES.split("|"))
# a word of every ``_SCHOOL_FRAME`` but "my school is ..." (which has two school words)
_FRAME_WORDS = frozenset("go goes went attend attended m im am study studying".split())
# words one of which a message needs for ``find_places`` to find anything
GATE_WORDS: frozenset[str] = frozenset().union(
    STREET_WORDS, _CORNER_WORDS, _BIRTH_WORDS, _SCHOOL_WORDS, {"st", "saint"}
)
# every word ``find_places`` looks at (``CUE_WORDS`` only change what it finds)
TRIGGERS: frozenset[str] = GATE_WORDS | _FRAME_WORDS


def could_match(words: set[str] | frozenset[str], ndig: int) -> bool:
    """Could ``find_places`` find anything in a message with these words and ``ndig``
    digits? (Exact: it finds nothing when this says no.)"""
    if not _ALWAYS.isdisjoint(words):
        return True
    if not STREET_WORDS.isdisjoint(words) and (ndig or not _LIVE_WORDS.isdisjoint(words)):
        return True
    if _SCHOOL_WORDS.isdisjoint(words) and "st" not in words and "saint" not in words:
        return False
    schools = _SCHOOL_WORDS.intersection(words)
    saint = "st" in words or "saint" in words
    return not _FRAME_WORDS.isdisjoint(words) or len(schools) >= 2 or bool(schools and saint)


_ALWAYS = _CORNER_WORDS | _BIRTH_WORDS
_WORD_RE = re.compile(r"[^\W_]+")
_YEAR_WORDS = frozenset("the in since of from until till by before after around circa".split())


def _last_word(text: str, end: int) -> str:
    """The word that ends right before ``end`` (lower case), or ""."""
    words = _WORD_RE.findall(text[max(0, end - 24) : end])
    return words[-1].lower() if words else ""


# an award, not a place ("the 2012 Esther Glen award", "the Five Rivers Medal")
_AWARD_AFTER_RE = re.compile(
    r"\s{0,3}(?:book\s{1,3})?(?:awards?|medal|prize|honou?r|trophy|cup|winner|shortlist|"
    r"finalist|competition|festival)\b",
    re.I,
)


def not_a_house(text: str, start: int, end: int, number: str) -> bool:
    """Is the number at ``start`` (an address-like match up to ``end``) a chapter, page,
    year or award rather than a house number? ("chapter 4 The Crossing", "in 2012 Rata
    Road ...", "the 2012 Esther Glen award")"""
    if _AWARD_AFTER_RE.match(text, end) is not None:
        return True
    before = _last_word(text, start)
    if before in _COUNTED:
        return True
    digits = number.rstrip("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    return before in _YEAR_WORDS and len(digits) == 4 and 1400 <= int(digits) <= 2099


# words a school's name does not end with ("i go to the library at school", "... after
# school", "i'm in love with this school book")
_NOT_SCHOOL_END = NOT_NAME | frozenset("after before then while when love until".split())


def _school_name(names: list[str]) -> bool:
    """Do the words before "primary", "school" ... name a school ("rata", "st mary's")?
    Not only generic words ("high school", "swim school"), not ending in a preposition
    or article, no bare numbers ("chapter 5 in high school musical")."""
    if all(w in _GENERIC_SCHOOL for w in names) or names[-1] in _NOT_SCHOOL_END:
        return False
    return not any(w.isdigit() for w in names)


def _names(words: str) -> list[str]:
    return [w.lower() for w in words.split()]


def _street_side(side: str) -> bool:
    """A side of a corner that is a street: it has a house number, or ends in a street
    word after a name ("king st", "Vedzizhev Greens" via ``extra``)."""
    words = _names(side)
    if any(ch.isdigit() for ch in side):
        return True
    for i in range(1, len(words)):
        if words[i].rstrip(".") in SUFFIX_WORDS and words[i - 1] not in NOT_NAME:
            return True
    return False


def _search(
    rx: re.Pattern[str], low: str, anchors: set[str] | frozenset[str], before: int, after: int
) -> Iterator[re.Match[str]]:
    """``rx.finditer(low)`` over the stretches around the anchor words only."""
    for a, b in near(low, anchors, before, after):
        yield from rx.finditer(low, a, b)


def find_places(
    low: str, words: set[str] | frozenset[str], ndig: int
) -> list[tuple[int, int, str]]:
    """(start, end, detail) of home addresses, street corners, schools and birthday plus
    town in a message; ``low``: its text in lower case (``near.lower_view``); ``words``:
    its words (only ``TRIGGERS`` matter); ``ndig``: how many digits it has."""
    hits: list[tuple[int, int, str]] = []
    streets = STREET_WORDS.intersection(words) if ndig else None
    if streets:
        cue = not _HOUSE_WORDS.isdisjoint(words)
        for a, b in near(low, streets, 80, 0):
            for m in _HOUSE_FIRST_RE.finditer(low, a, b):
                s = m.start()
                if s and (low[s - 1].isalnum() or low[s - 1] in _NOT_BEFORE_HOUSE):
                    continue
                if any(w in NOT_NAME for w in _names(m.group(2))):
                    continue
                if not_a_house(low, s, m.end(), m.group(1)):
                    continue
                hits.append((s, m.end(), "street address"))
        for i in occurrences(low, streets):
            street = _STREET_NUMBER_RE.match(low, i)
            hit = _house_after(low, street, cue) if street is not None else None
            if hit is not None:
                hits.append(hit)
    if not _LIVE_WORDS.isdisjoint(words):
        for a, b in near(low, STREET_WORDS.intersection(words), 90, 0):
            for m in _LIVE_ON_RE.finditer(low, a, b):
                if not any(w in NOT_NAME for w in _names(m.group(1) + " " + (m.group(2) or ""))):
                    hits.append((m.start(), m.end(), "home address"))
    corner = _CORNER_WORDS.intersection(words)
    if corner:
        for m in _search(_CORNER_RE, low, corner, 0, 280):
            side2 = _cut_side(m.group(2))
            if _street_side(m.group(1)) or _street_side(side2):
                hits.append((m.start(), m.start(2) + len(side2), "street corner"))
    schools = _SCHOOL_WORDS.intersection(words)
    saints = {"st", "saint"}.intersection(words)
    if (schools or saints) and (
        not _FRAME_WORDS.isdisjoint(words) or len(schools) >= 2 or (schools and saints)
    ):
        for m in _search(_SCHOOL_RE, low, schools | saints, 200, 40):
            if m.group(1) is None or _school_name(_names(m.group(1))):
                hits.append((m.start(), m.end(), "school name"))
    births = _BIRTH_WORDS.intersection(words)
    if births:
        day = next(_search(_BIRTHDAY_RE, low, births, 20, 120), None)
        town = _TOWN_RE.search(low) if day is not None else None
        if day is not None and town is not None:
            hits.append((day.start(), day.end(), "birthday and town"))
            hits.append((town.start(), town.end(), "birthday and town"))
    return hits


def _house_after(low: str, m: re.Match[str], cue: bool) -> tuple[int, int, str] | None:
    """A house number after the street name (``m``: the street word and number): a
    name before the street word, and a "number"/"no." marker, a word about living there
    or two digits or more; not a year ("fear street 1994") nor "2"/"4" meaning
    "to"/"for"."""
    names = _NAMES_BEFORE_RE.search(low, max(0, m.start() - 70), m.start())
    if names is None:
        return None
    first, second = names.group(1), names.group(2)
    marker, number = m.group(1), m.group(2)
    name_start = names.start(1)
    if second is not None and first in NOT_NAME:
        name_start = names.start(2)
        first = second
    elif second is not None and second in NOT_NAME:
        return None
    if first in NOT_NAME:
        return None
    if not marker:
        if len(number) == 4 and 1400 <= int(number) <= 2099:
            return None
        if not cue and len(number) < 2:  # "fear street 3" is a book; "wallace street 42"
            return None
        if number in ("2", "4") and low[m.end() :].lstrip()[:1].isalpha():
            return None
    return name_start, m.end(), "street address"


def _cut_side(side: str) -> str:
    """The second side of a corner up to its street word ("rata rd near the park")."""
    for i, m in enumerate(_WORD_RE.finditer(side)):
        if i and m.group().lower() in SUFFIX_WORDS:
            return side[: m.end()]
    return side
