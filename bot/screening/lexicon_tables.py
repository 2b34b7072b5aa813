"""Building the word tables at import: the base lists, ``data/lexicon.tsv``,
``data/safe_forms.txt``, inflections and compounds (see ``lexicon.py`` for matching)."""

from __future__ import annotations

import importlib.util
import pickle
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from bot.screening import obscenity_list
from bot.screening.verdict import INSULT, PROFANITY, SLUR

__all__ = ["CATEGORIES", "Entry", "Lexicon", "inflections"]

CATEGORIES = frozenset({PROFANITY, INSULT, SLUR})


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    severity: int


# ---------------------------------------------------------------------------
# Data loading and expansion (import time)

_INFLECT = ("s", "es", "ed", "er", "ers", "ing", "in", "y", "ies", "z", "ish", "ass")
_TAILS = (
    "head", "face", "bag", "wad", "hole", "wipe", "stain", "sucker", "licker", "lord",
    "nugget", "brain", "breath", "clown", "hat", "weasel", "muncher", "stick", "tard",
    "rag", "boy", "girl", "job", "lover", "bucket", "burger", "biscuit", "goblin",
    "weed", "fest", "show", "storm", "load", "dump", "wit", "nut", "monkey",
)  # fmt: skip
_ASS_PREFIXES = (
    "dumb", "fat", "lard", "jack", "smart", "kiss", "lazy", "stupid", "ugly", "lame",
    "half", "hard", "wise", "candy", "punk", "bitch", "dick", "shit", "cock", "butt",
)  # fmt: skip
_ASS_WORDS = ("ass", "arse", "tard", "wad", "hole")
_VOWELS = frozenset("aeiou")


def _read_data(name: str) -> str:
    return resources.files("bot.screening").joinpath("data", name).read_text("utf-8")


def _base_words() -> list[str]:
    try:
        text = resources.files("badwords").joinpath("resource/words/en.txt").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):  # pragma: no cover
        return []
    return [w.strip().lower() for w in text.splitlines() if w.strip()]


def _package_file(package: str, *parts: str) -> Path | None:
    """A data file inside an installed package, found without importing the package
    (better-profanity builds its own filter at import time)."""
    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):  # pragma: no cover
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for loc in spec.submodule_search_locations:
        path = Path(loc).joinpath(*parts)
        if path.is_file():
            return path
    return None


@cache
def _dictionary() -> frozenset[str]:
    """Ordinary English words (GCIDE, from the ``english-words`` package)."""
    path = _package_file("english_words", "data", "gcide_alpha_lower.pickle")
    if path is None:  # pragma: no cover
        return frozenset()
    try:
        # a pickle shipped inside an installed package, not user input
        words = pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):  # pragma: no cover
        return frozenset()
    return frozenset(w for w in words if isinstance(w, str))


_DICT_SUFFIXES = ("s", "es", "ed", "d", "ing", "in", "er", "ers", "y", "ies", "ied", "ie")


def _is_ordinary(word: str, dictionary: frozenset[str]) -> bool:
    """Is ``word`` (or a word it inflects) an ordinary dictionary word?"""
    if word in dictionary:
        return True
    for suf in _DICT_SUFFIXES:
        if word.endswith(suf) and len(word) - len(suf) >= 3:
            stem = word[: -len(suf)]
            if stem in dictionary or stem + "e" in dictionary or stem + "y" in dictionary:
                return True
            if len(stem) >= 4 and stem[-1] == stem[-2] and stem[:-1] in dictionary:
                return True
    return False


def _second_base_words() -> list[str]:
    """The word list of the ``better-profanity`` package, less ordinary dictionary words
    ("drunk", "poop", "organ") and short or non-alphabetic entries: it adds slang and
    compound profanity that the base list lacks."""
    path = _package_file("better_profanity", "profanity_wordlist.txt")
    if path is None:  # pragma: no cover
        return []
    try:
        text = path.read_text("utf-8")
    except OSError:  # pragma: no cover
        return []
    dictionary = _dictionary()
    out = []
    for line in text.splitlines():
        w = line.strip().lower()
        if len(w) < 4 or not w.isalpha() or _is_ordinary(w, dictionary):
            continue
        out.append(w)
    return out


def inflections(word: str) -> set[str]:
    """Inflected forms of a single-token word (the word itself included)."""
    forms = {word}
    forms.update(word + s for s in _INFLECT)
    if word.endswith("e"):
        stem = word[:-1]
        forms.update((word + "d", word + "r", word + "rs", stem + "ing", stem + "in", stem + "y"))
    if word.endswith("y"):
        forms.update((word[:-1] + "ies", word[:-1] + "ied"))
    if (
        len(word) >= 3
        and word[-1] not in _VOWELS
        and word[-1] not in "wxy"
        and word[-2] in _VOWELS
        and word[-3] not in _VOWELS
    ):
        dbl = word + word[-1]
        forms.update(dbl + s for s in ("ed", "er", "ers", "ing", "in", "y", "ie", "ies"))
    return forms


class Lexicon:
    def __init__(self) -> None:
        self.words: dict[str, Entry] = {}  # token form -> entry
        self.context: dict[str, Entry] = {}  # name-calling words (frames + standalone)
        self.frame: dict[str, Entry] = {}  # name-calling words (frames only)
        self.phrases: dict[tuple[str, ...], Entry] = {}
        self.stems: dict[str, Entry] = {}
        self.safe: set[str] = set()
        self.own: dict[str, Entry] = {}  # data/lexicon.tsv's terms (not "safe"), as written
        self._build()

    def _add(self, table: dict[str, Entry], form: str, entry: Entry, *, force: bool) -> None:
        if not form or (not force and form in self.safe):
            return
        old = table.get(form)
        if old is None or (force and old.term != form) or old.severity < entry.severity:
            table[form] = entry

    def _build(self) -> None:
        rows: list[tuple[str, str, int, str]] = []
        for line in _read_data("lexicon.tsv").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) != 4 or parts[1] not in CATEGORIES:
                raise ValueError(f"bad lexicon line: {line!r}")
            rows.append((parts[0].lower(), parts[1], int(parts[2]), parts[3]))
        self.safe = {
            w.strip().lower()
            for w in _read_data("safe_forms.txt").splitlines()
            if w.strip() and not w.startswith("#")
        }
        own_terms = {t for t, *_ in rows}
        safe_terms = {t for t, _, _, m in rows if m == "safe"}
        self.safe |= safe_terms
        # base list: profanity, severity 2, whole word + inflections
        for term in _base_words():
            if term in own_terms or term in safe_terms:
                continue
            term = re.sub(r"[^a-z0-9 ]+", "", term).strip()
            if not term or not re.search("[a-z]", term):
                continue
            self._add_term(term, Entry(term, PROFANITY, 2), "word")
        own_forms = set(self.words)
        for term in _second_base_words():
            if term in own_terms or term in self.safe or term in own_forms:
                continue
            self._add_term(term, Entry(term, PROFANITY, 2), "exact")
        self._add_obscenity_list(own_terms)
        for term, cat, sev, mode in rows:
            if mode != "safe":
                self._add_term(term, Entry(term, cat, sev), mode)
                self.own[term] = Entry(term, cat, sev)
        # a stem inside an ordinary dictionary word is not a swear ("shittah", "niggardly")
        if self.stems:
            inside = re.compile("|".join(map(re.escape, self.stems)))
            self.safe |= {w for w in _dictionary() if w not in self.words and inside.search(w)}

    def _add_obscenity_list(self, own_terms: set[str]) -> None:
        dictionary = _dictionary()
        known = set(self.words) | own_terms | self.safe

        def ordinary(word: str) -> bool:
            # "coot" and "crows" are; "bitchs" is not, though "bitch" is in the dictionary
            if word in dictionary:
                return True
            stems = (word[: -len(s)] for s in _DICT_SUFFIXES if word.endswith(s))
            return _is_ordinary(word, dictionary) and not any(s in self.words for s in stems)

        for item in obscenity_list.entries(ordinary):
            if item.term in self.safe and " " not in item.term and item.term not in self.words:
                # a word we keep clean ("fart", "rectum") still counts as name-calling
                # ("ur such a fart"), mildly, never on its own
                self._add(self.frame, item.term, Entry(item.term, item.category, 1), force=True)
                continue
            if item.term in known or tuple(item.term.split()) in self.phrases:
                continue
            self._add_term(item.term, Entry(item.term, item.category, item.severity), item.mode)

    def _add_term(self, term: str, entry: Entry, mode: str) -> None:
        words = tuple(term.split())
        if len(words) > 1:
            self.phrases[words] = entry
            if mode in ("word", "stem"):
                self._add(self.words, "".join(words), entry, force=True)
            return
        if mode in ("context", "frame"):
            table = self.context if mode == "context" else self.frame
            for form in (term, term + "s", term + "es"):
                self._add(table, form, entry, force=form == term)
            return
        self._add(self.words, term, entry, force=True)
        if mode == "exact":
            self._add(self.words, term + "s", entry, force=False)
            return
        for form in inflections(term):
            self._add(self.words, form, entry, force=False)
        if len(term) >= 3 and entry.category in CATEGORIES:
            for tail in _TAILS:
                for form in (term + tail, term + tail + "s"):
                    self._add(self.words, form, entry, force=False)
        if term in _ASS_WORDS:
            for prefix in _ASS_PREFIXES:
                for form in inflections(prefix + term):
                    self._add(self.words, form, entry, force=False)
        if mode == "stem":
            self.stems[term] = entry
