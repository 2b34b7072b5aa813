"""Personal information in addresses: street addresses (US, UK and European forms),
flats and PO boxes, post codes, and "I live at ...". Split out of ``pii.py``, which runs
it (places named in words, "42 wallace street", are in ``places.py``).

Runs on the original text (case matters for street names); every regex is linear
(bounded repeats, no nested quantifiers over the same input).
"""

from __future__ import annotations

import re

from bot.screening.lexicon import trie_pattern
from bot.screening.pii_numbers import PiiHit
from bot.screening.places import SUFFIX_WORDS, not_a_house

__all__ = [
    "LIVE_WORDS",
    "PREFIX_WORDS",
    "UNIT_WORDS",
    "ZIP_WORDS",
    "eu_street_word",
    "home_hits",
    "street_hits",
]

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


def eu_street_word(text: str, raw: bytes | None = None) -> bool:
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


PREFIX_WORDS = frozenset(
    "rue via viale rua calle avenida av ul ulica piazza plaza carrer chemin boulevard bd "
    "strada corso largo travessa praca avinguda iroon odos leoforos u".split()
)
UNIT_WORDS = frozenset("apt apartment suite ste flat unit box po".split())
ZIP_WORDS = frozenset("zip zipcode postcode post postal pin pincode".split())


LIVE_WORDS = frozenset("live lives living stay stays staying moved move address addy house".split())


_FIVE_DIGITS_RE = re.compile(r"\d{5}")


def street_hits(text: str, words: set[str], raw: bytes | None, kw: bool, ndig: int) -> list[PiiHit]:
    """Street addresses (house number first, European forms, "rue ...", flats and PO
    boxes) and post codes in text with ``ndig`` digits; ``raw``: ``text.encode()`` for
    ASCII text."""
    hits: list[PiiHit] = []
    if kw and not SUFFIX_WORDS.isdisjoint(words):
        hits += [PiiHit(m.start(), m.end(), "street address")
                 for m in _ADDR_NUM_FIRST_RE.finditer(text)
                 if (m.group(2) or m.group(3).lower() in _BARE_STREETS)
                 and not not_a_house(text, m.start(), m.end(), m.group(1))]  # fmt: skip
    if "ul." in text or " u. " in text or eu_street_word(text, raw):
        hits += [PiiHit(m.start(), m.end(), "street address")
                 for m in _ADDR_EU_RE.finditer(text)]  # fmt: skip
    if kw:
        if not PREFIX_WORDS.isdisjoint(words):
            hits += [PiiHit(m.start(), m.end(), "street address")
                     for m in _ADDR_PREFIX_RE.finditer(text)]  # fmt: skip
        if not UNIT_WORDS.isdisjoint(words):
            hits += [PiiHit(m.start(), m.end(), "street address")
                     for m in _ADDR_UNIT_RE.finditer(text)]  # fmt: skip
    if (kw and not ZIP_WORDS.isdisjoint(words)) or (
        ndig >= 5 and _FIVE_DIGITS_RE.search(text) is not None
    ):
        hits += [PiiHit(m.start(), m.end(), "post code") for m in _ZIP_RE.finditer(text)]
    return hits


def home_hits(text: str) -> list[PiiHit]:
    """ "I live at ...", "my address is ...", "my house is number ..."."""
    return [PiiHit(m.start(), m.end(), "home address") for m in _LIVE_AT_RE.finditer(text)]
