"""Readings of plain words that are not English words: the disguises that need no
digits or symbols.

* letters doubled once or more ("fuuck", "biitch", "spaankk"): every run squeezed to
  one letter, compared with the lexicon's forms squeezed the same way;
* ``x`` or ``v`` written for a vowel between consonants ("bxtch", "fvck");
* one slip of spelling from a term of our own list (``data/lexicon.tsv``, chosen for
  children's chat; the term, its plural and -ing form of five letters or more, and its
  compounds with -head, -face, -hole, -bag): a swapped pair ("idoit"), a dropped vowel
  ("stupd"), a dropped letter from a long word ("retared"), an added vowel or doubled
  letter, a sound-alike consonant ("retarted": d/t, c/k, s/z) or a vowel for another
  after the first ("idiet"). The first letter is kept;
* all-digit spellings of a few strong words ("455"), read only inside name-calling
  (``readings.py`` decides from the neighbouring words).

Ordinary words are never read: a word of the dictionary (GCIDE, from the
``english-words`` package) and words of the lexicon stay themselves; a regular
inflection of a dictionary word is read only as a slip of a name-calling-only word.
``unusual`` is the gate for the engine's fast path: a message whose words are all
known to be plain costs one set test; the other words are read once and remembered
(a bounded cache).
"""

from __future__ import annotations

import re
import threading
from itertools import product

from bot.screening.lexicon import KNOWN, OWN, SAFE, WORDS, Entry, lookup
from bot.screening.lexicon_tables import _dictionary

__all__ = [
    "DICTIONARY",
    "DIGIT_FORMS",
    "PLAIN",
    "SQUEEZED",
    "near_reading",
    "odd_words",
    "squeeze",
    "unusual",
]

_DICT = _dictionary()
DICTIONARY: frozenset[str] = _DICT  # ordinary English words (GCIDE)
_VOWELS = frozenset("aeiou")


def squeeze(s: str) -> str:
    """Collapse every run of a repeated character to one character."""
    return _SQUEEZE_RE.sub(r"\1", s)


_SQUEEZE_RE = re.compile(r"(.)\1+")

SQUEEZED: dict[str, tuple[str, Entry]] = {}
# most severe first; among equals a term itself before forms generated from a term
# ("coonies" before "cooniees"), then the shortest
for _form, _entry in sorted(
    KNOWN.items(), key=lambda kv: (-kv[1].severity, kv[0] != kv[1].term, len(kv[0]), kv[0])
):
    SQUEEZED.setdefault(squeeze(_form), (_form, _entry))

# --- misspellings: the forms of our own terms that a slip is measured from
_TARGETS: dict[str, Entry] = {}
for _term in OWN:
    if len(_term) >= 4 and _term.isalpha():
        if _term.endswith(("s", "x", "z", "ch", "sh")):
            _plural = _term + "es"
        elif _term.endswith("y") and _term[-2] not in _VOWELS:
            _plural = _term[:-1] + "ies"
        else:
            _plural = _term + "s"
        _forms = [_term, _plural, _term + "ing"] if len(_term) >= 5 else []
        # (compounds with the commonest insult tails: "dickhed" is a slip of "dickhead")
        _forms += [_term + t for t in ("head", "face", "hole", "bag")]
        for _form in _forms:
            _e = KNOWN.get(_form)
            if _e is not None:
                _TARGETS.setdefault(_form, _e)
# each target with one letter left out -> the targets it came from
_DROPPED: dict[str, tuple[str, ...]] = {}
for _t in sorted(_TARGETS):
    for _i in range(len(_t)):
        _k = _t[:_i] + _t[_i + 1 :]
        _DROPPED[_k] = (*_DROPPED.get(_k, ()), _t)
# longer words are no slip of any target (and are not tried: the test costs n^2)
_LONGEST = max(map(len, _TARGETS)) + 1
# consonants children swap by sound
_SOUND_ALIKE = frozenset(frozenset(p) for p in ("dt", "ck", "kq", "sz"))

# --- all-digit spellings ("455") of strong, short words
_DIGITS = {"o": "0", "i": "1", "l": "1", "e": "3", "a": "4", "s": "5", "g": "69", "t": "7",
           "b": "8"}  # fmt: skip
DIGIT_FORMS: dict[str, str] = {}
for _form, _entry in sorted(WORDS.items()):
    if (
        3 <= len(_form) <= 6
        and _entry.severity >= 2
        and _form in (_entry.term, _entry.term + "s")
        and set(_form) <= _DIGITS.keys()
    ):
        for _combo in product(*(_DIGITS[c] for c in _form)):
            DIGIT_FORMS.setdefault("".join(_combo), _form)

# Words of the chat found to have no reading (``near_reading`` remembers them): the class's
# own vocabulary, kept small so that testing a message's words against it stays cheap
# (the whole dictionary would be a far larger table); bounded, so chat cannot grow it
# for ever.
PLAIN: set[str] = set()
_PLAIN_MAX = 100_000
_plain_lock = threading.Lock()


def unusual(words: list[str]) -> bool:
    """Has the message a word with a reading here (so it needs the slow tokenizer)?"""
    return not PLAIN.issuperset(words) and bool(odd_words(words))


def odd_words(words: list[str]) -> set[str]:
    """The words that ``near_reading`` reads as something else, and all-digit spellings
    ("455"); words found to have no reading (numbers, names, "h3llo") are remembered in
    ``PLAIN``, so the next message with them costs one set test."""
    out: set[str] = set()
    for w in words:
        if w in PLAIN:
            continue
        if w.isalpha():
            if near_reading(w) is not None:
                out.add(w)
        elif w in DIGIT_FORMS:
            out.add(w)
        else:
            _plain(w)
    return out


def _plain(word: str) -> None:
    if len(PLAIN) < _PLAIN_MAX:
        with _plain_lock:
            PLAIN.add(word)


def near_reading(word: str) -> str | None:
    """The lexicon form a plain (all-letter) word disguises, if it disguises one.

    Remembered both ways: a word that disguises none in ``PLAIN``, one that does in
    ``_NEAR`` (plain dicts and sets, not an LRU cache: its ~100,000 linked entries would
    be objects for the garbage collector to walk on every full collection)."""
    if word in PLAIN:
        return None
    got = _NEAR.get(word)
    if got is not None:
        return got
    got = _near(word)
    if got is None:
        _plain(word)
    elif len(_NEAR) < _NEAR_MAX:
        _NEAR[word] = got
    return got


_NEAR: dict[str, str] = {}
_NEAR_MAX = 20_000


def _near(word: str) -> str | None:
    if len(word) < 3 or word in KNOWN or word in SAFE or not word.isalpha():
        return None
    if word in _DICT:
        return None
    if len(word) > _LONGEST:
        return _stretched(word)
    if len(word) >= 4 and _inflected(word):
        # an inflection of a dictionary word ("books", "guides", "stopped") has no
        # doubled or masked letters; it may be a slip of a word that is name-calling only
        # ("ur so stuped": not "stupe" + "d"), never of one flagged on its own
        found = _misspelt(word)
        return found if found is not None and found not in WORDS else None
    found = _stretched(word)
    if found is not None:
        return found
    masked = _vowel_mask(word)
    if masked is not None:
        return masked
    if len(word) >= 4:
        found = _misspelt(word)
        sq = squeeze(word)
        if found is None and len(sq) >= 5 and sq != word and sq not in _DICT:
            found = _misspelt(sq)  # "stuupd"
        if found is not None:
            return found
    return None


def _stretched(word: str) -> str | None:
    """The lexicon form ``word`` is with letters repeated ("fuuck"), if any."""
    sq = squeeze(word)
    if sq == word or len(sq) < 3:  # ("ssm" is not "sm")
        return None
    if sq in KNOWN:
        return sq
    got = SQUEEZED.get(sq)
    if got is not None and _stretches(word, got[0]):
        return got[0]
    return None


# regular endings: (ending, what the stem may have lost: "" as is, "e", "y", or "+" a
# doubled last letter): "books", "liked", "stopped", "babies", "nicer", "goin"
_ENDINGS = (
    ("s", ""), ("es", ""), ("ies", "y"), ("ied", "y"), ("ier", "y"), ("iest", "y"),
    ("ily", "y"), ("ed", "e+"), ("ing", "e+"), ("in", "e+"), ("er", "e+"), ("ers", "e+"),
    ("est", "e+"), ("ly", ""), ("ness", ""), ("ful", ""),
)  # fmt: skip


def _inflected(word: str) -> bool:
    """Is ``word`` a regular inflection of a dictionary word?"""
    for end, lost in _ENDINGS:
        if not word.endswith(end) or len(word) - len(end) < 2:
            continue
        stem = word[: -len(end)]
        if lost != "y" and stem in _DICT:
            return True
        if "e" in lost and stem + "e" in _DICT:
            return True
        if lost == "y" and stem + "y" in _DICT:
            return True
        if "+" in lost and len(stem) >= 3 and stem[-1] == stem[-2] and stem[:-1] in _DICT:
            return True
    return False


def _runs(s: str) -> list[int]:
    return [len(m.group()) for m in _SQUEEZE_ANY_RE.finditer(s)]


_SQUEEZE_ANY_RE = re.compile(r"(.)\1*")


def _stretches(typed: str, form: str) -> bool:
    """Is ``typed`` ``form`` with letters repeated ("fuuck"), not moved ("penn": "peen")?
    (Both squeeze to the same letters.)"""
    return all(a >= b for a, b in zip(_runs(typed), _runs(form), strict=True))


def _consonant(c: str) -> bool:
    return c not in _VOWELS and c != "y"


def _vowel_mask(word: str) -> str | None:
    """ "bxtch" (x for any vowel), "fvck" (v for u): the mask between two consonants
    (not between two t's: "txt" is text)."""
    n = len(word)
    if n < 4:
        return None
    xs = [
        i for i in range(1, n - 1)
        if word[i] in "xv" and _consonant(word[i - 1]) and _consonant(word[i + 1])
        and not (word[i - 1] == word[i + 1] == "t")
    ]  # fmt: skip
    if not xs or len(xs) > 2:
        return None
    v_read = "".join("u" if i in xs and word[i] == "v" else c for i, c in enumerate(word))
    if v_read != word and (v_read in KNOWN or lookup(v_read) is not None):
        return v_read
    x_pos = [i for i in xs if word[i] == "x"]
    if not x_pos:
        return None
    letters = list(v_read)
    best: str | None = None
    for vowels in product("aeiou", repeat=len(x_pos)):
        for i, v in zip(x_pos, vowels, strict=True):
            letters[i] = v
        cand = "".join(letters)
        e = KNOWN.get(cand)
        if e is not None and (best is None or e.severity > KNOWN[best].severity):
            best = cand
    return best


def _misspelt(word: str) -> str | None:
    """The target ``word`` is one slip away from (most severe first), if any."""
    cands: set[str] = set(_DROPPED.get(word, ()))
    for i in range(len(word)):
        k = word[:i] + word[i + 1 :]
        if k in _TARGETS:
            cands.add(k)
        cands.update(_DROPPED.get(k, ()))
    good = [t for t in cands if t[0] == word[0] and t != word and _one_slip(word, t)]
    if not good:
        return None
    return min(good, key=lambda t: (-_TARGETS[t].severity, len(t), t))


def _one_slip(typed: str, target: str) -> bool:
    """Is ``typed`` one of the slips the module doc lists away from ``target``?"""
    lt, lg = len(typed), len(target)
    i = 0
    n = min(lt, lg)
    while i < n and typed[i] == target[i]:
        i += 1
    if lt == lg:
        if i + 1 < lt and typed[i] == target[i + 1] and typed[i + 1] == target[i]:
            return typed[i + 2 :] == target[i + 2 :]  # two letters swapped
        if typed[i + 1 :] != target[i + 1 :]:
            return False
        a, b = typed[i], target[i]
        if a in _VOWELS and b in _VOWELS:
            # not the first vowel, which carries the word ("neglet" is not "niglet"), nor
            # the last letter ("samba" is a dance)
            return i < lg - 1 and any(c in _VOWELS for c in target[:i])
        return frozenset((a, b)) in _SOUND_ALIKE
    if lt == lg + 1:  # a letter added: a vowel, or one doubled
        if typed[i + 1 :] != target[i:]:
            return False
        c = typed[i]
        return c in _VOWELS or (i > 0 and typed[i - 1] == c) or typed[i + 1 : i + 2] == c
    if lt == lg - 1:  # a letter left out: a vowel, or any letter of a long word
        if typed[i:] != target[i + 1 :]:
            return False
        if lg >= 7:
            return True
        # a vowel, not one of a doubled pair in a short word ("bong" is not "boong"),
        # and not the first one in a word of four letters ("losr", "idot", not "bost")
        if (
            target[i] not in _VOWELS
            or target[i] in target[max(0, i - 1) : i] + target[i + 1 : i + 2]
        ):
            return False
        return lt >= 5 or any(c in _VOWELS for c in target[:i])
    return False
