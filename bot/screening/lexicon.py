"""Word lists and the token matcher for profanity, insults and slurs.

The base list is the maintained English list shipped by the ``badwords-py``
package; ``data/lexicon.tsv`` adds what children's chat needs (insults, slurs,
severities) and drops base entries that are ordinary words for children.
``data/safe_forms.txt`` lists dictionary words that a generated form or an
inside-word stem would otherwise hit (the Scunthorpe problem).

Matching works on folded text (see ``normalize.py``) one token at a time. A
token is read as: itself; its leetspeak readings ("5h!t", "@$$"); with
elongations squeezed ("fuuuck"); with masks filled in ("f*ck", "*beed"); and
runs of single characters separated by spaces or punctuation are joined first
("f.u.c.k", "a b c"). Everything is built once at import; matching is set and
dict look-ups plus a few precompiled regexes.
"""

from __future__ import annotations

import importlib.util
import pickle
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from bot.screening.verdict import INSULT, PROFANITY, SLUR

__all__ = [
    "CONTEXT",
    "FRAME",
    "PHRASES",
    "Entry",
    "Hit",
    "Token",
    "lookup",
    "plain_hits",
    "plain_tokens",
    "quick_words",
    "scan_tokens",
    "suspicious",
    "tokenize",
]

CATEGORIES = frozenset({PROFANITY, INSULT, SLUR})


@dataclass(frozen=True, slots=True)
class Entry:
    term: str
    category: str
    severity: int


class Token(NamedTuple):
    """One token of folded text: [start, end) in folded offsets and its best reading."""

    start: int
    end: int
    raw: str
    reading: str
    obfuscated: bool


class Hit(NamedTuple):
    start: int  # folded offsets
    end: int
    entry: Entry
    form: str  # the reading that matched (for teacher allow-lists)
    how: str  # "word", "stem", "masked", "leet", "spaced", "elongated"


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


class _Lexicon:
    def __init__(self) -> None:
        self.words: dict[str, Entry] = {}  # token form -> entry
        self.context: dict[str, Entry] = {}  # name-calling words (frames + standalone)
        self.frame: dict[str, Entry] = {}  # name-calling words (frames only)
        self.phrases: dict[tuple[str, ...], Entry] = {}
        self.stems: dict[str, Entry] = {}
        self.safe: set[str] = set()
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
        for term, cat, sev, mode in rows:
            if mode != "safe":
                self._add_term(term, Entry(term, cat, sev), mode)

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


_LEX = _Lexicon()
WORDS: dict[str, Entry] = _LEX.words
CONTEXT: dict[str, Entry] = _LEX.context
FRAME: dict[str, Entry] = _LEX.frame
PHRASES: dict[tuple[str, ...], Entry] = _LEX.phrases
SAFE: frozenset[str] = frozenset(_LEX.safe)
# every reading worth resolving an obfuscated token to
KNOWN: dict[str, Entry] = {**FRAME, **CONTEXT, **WORDS}


def trie_pattern(
    words: list[str] | set[str] | frozenset[str] | dict[str, Entry], sep: str = " "
) -> str:
    """A regex matching any of ``words`` (longest first), written as a trie:
    "b(?:ad|ull(?:y)?)" instead of "bully|bull|bad", so the regex engine picks a branch
    by its next character instead of trying every word at every position."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        alts = [
            (sep if ch == " " else re.escape(ch)) + build(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(trie)


_STEM_RE = re.compile(trie_pattern(_LEX.stems))
_STEMS = _LEX.stems
_WORD_SET = frozenset(WORDS)
_ENDINGS = frozenset(("", *_INFLECT, *_TAILS, *(t + "s" for t in _TAILS), "a", "as", "az"))


def _squeeze(s: str) -> str:
    """Collapse every run of a repeated character to one character."""
    return _SQUEEZE_RE.sub(r"\1", s)


_SQUEEZE_RE = re.compile(r"(.)\1+")
_TRIPLE_RE = re.compile(r"([a-z])\1\1")
SQUEEZED: dict[str, tuple[str, Entry]] = {}
for _form, _entry in sorted(KNOWN.items(), key=lambda kv: (-kv[1].severity, kv[0])):
    SQUEEZED.setdefault(_squeeze(_form), (_form, _entry))

# masked look-up: per length, newline-joined forms (searched with a tiny regex)
_BUCKETS: dict[int, str] = {}
for _form in sorted(KNOWN, key=lambda f: (-KNOWN[f].severity, f)):
    if _form.isalpha():
        _BUCKETS[len(_form)] = _BUCKETS.get(len(_form), "") + _form + "\n"

# leetspeak: two readings, for the ambiguous 1 ! | (i or l)
_LEET_I = str.maketrans("013456789@$!|+€", "oieasgtbgasiite")
_LEET_L = str.maketrans("013456789@$!|+€", "oleasgtbgaslite")
_LEETABLE = frozenset("013456789@$!|+€")

# Tokens: letters, digits and symbols used as letters or masks.
# (same as "(?:[a-z0-9@$*€]|[!|+#](?=[a-z0-9@$*€]))+", written to scan runs in C)
_TOKEN_RE = re.compile(r"[!|+#]?[a-z0-9@$*€]+(?:[!|+#][a-z0-9@$*€]+)*")
# Runs of single characters separated by spaces or punctuation: "f u c k", "a.b.c".
_SEP = r"[ ._*\-~/,'^:=\"`]{1,3}"
_SPACED_RE = re.compile(
    rf"(?<![a-z0-9@$])[a-z0-9@$](?:{_SEP}[a-z0-9@$](?![a-z0-9@$])){{2,}}",
)


def _stem_hit(form: str) -> Entry | None:
    """A stem inside a longer token. Stems of 4 letters must start the token or end it
    (before an inflection or compound tail), so "soshite" is not read as a swear."""
    if form in SAFE:
        return None
    for m in _STEM_RE.finditer(form):
        stem = m.group()
        if len(stem) >= 5 or m.start() == 0 or form[m.end() :] in _ENDINGS:
            return _STEMS[stem]
    return None


@lru_cache(maxsize=4096)
def _mask_lookup(pattern: str) -> str | None:
    """Fill '*' masks: the most severe known form of the same length that fits."""
    bucket = _BUCKETS.get(len(pattern))
    if not bucket:
        return None
    rx = "^" + pattern.replace("*", "[a-z]") + "$"
    m = re.search(rx, bucket, re.M)
    return m.group() if m else None


def lookup(form: str) -> Entry | None:
    """The lexicon entry for one clean token form (word, inflection, compound or stem)."""
    e = WORDS.get(form)
    if e is not None:
        return e
    if len(form) > 3 and form not in SAFE:
        return _stem_hit(form)
    return None


def _resolve(t: str, triples: bool = True) -> tuple[str, str]:
    """Best reading of an obfuscated token and how it was read (how="" if not at all).

    ``triples``: the text has a letter repeated 3 times somewhere (else skip that check).
    """
    if t in KNOWN:
        return t, "word"
    if t.isalpha():
        if not triples:
            return t, ""
        if _TRIPLE_RE.search(t):
            sq = _squeeze(t)
            got = SQUEEZED.get(sq)
            if got is not None:
                return got[0], "elongated"
            if _stem_hit(sq) is not None:
                return sq, "elongated"
            return sq, ""
        return t, ""
    has_letters = any("a" <= c <= "z" for c in t)
    if not has_letters:
        return t, ""
    candidates: list[str] = []
    if any(c in _LEETABLE for c in t):
        li = t.translate(_LEET_I)
        candidates.append(li)
        amb = [i for i, c in enumerate(t) if c in "1!|"]
        if amb and len(amb) <= 4:
            # every i/l reading of the ambiguous characters
            base = list(li)
            for mask in range(1, 1 << len(amb)):
                for b, i in enumerate(amb):
                    base[i] = "l" if mask >> b & 1 else "i"
                candidates.append("".join(base))
    else:
        candidates.append(t)
    for cand in candidates:
        how = "leet" if cand != t else "word"
        if "*" in cand or "#" in cand:
            cand = cand.replace("#", "*")
            joined = cand.replace("*", "")
            n = len(cand)
            stars = cand.count("*")
            if 3 <= n <= 24 and n - stars >= 2 and stars <= max(1, n // 2) and joined.isalpha():
                filled = _mask_lookup(cand)
                if filled is not None:
                    return filled, "masked"
            if joined in KNOWN:
                return joined, "masked"
            cand = joined
            if not cand:
                continue
        if cand in KNOWN:
            return cand, how
        if triples and _TRIPLE_RE.search(cand):
            got = SQUEEZED.get(_squeeze(cand))
            if got is not None:
                return got[0], "elongated"
        if cand.isalpha() and lookup(cand) is not None:
            return cand, how
    return t, ""


# Fast path: plain words of folded text, split in C.
_WORD_RE = re.compile(r"[a-z0-9]+")
_SPLIT = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
_SYMBOL_RE = re.compile(r"[0-9@$*#!|+€]")
# letters next to digits or symbols; "@name" mentions and "#tags" alone do not count
_MIXED_RE = re.compile(r"[a-z][0-9@$*#€]|[0-9$!|*+€][a-z]|(?<=[a-z0-9])[@#][a-z]")
_AT_WORD_RE = re.compile(r"(?<![a-z0-9])[@#]([a-z]{1,12})(?![a-z0-9])")


def quick_words(folded: str) -> list[str]:
    """Plain alphanumeric words of folded text (no de-obfuscation)."""
    if folded.isascii():
        return folded.encode().translate(_SPLIT).decode().split()
    return _WORD_RE.findall(folded)


# byte classes for a fast "letters next to digits/symbols" test on ASCII text:
# a = letter, 1 = digit or $*€, 2 = @ or #, 3 = ! | +
_CLASSES = bytes(
    ord("a") if 97 <= c <= 122 else ord("1") if (48 <= c <= 57 or c in b"$*") else
    ord("2") if c in b"@#" else ord("3") if c in b"!|+" else 32
    for c in range(256)
)  # fmt: skip


def _mixed(folded: str) -> bool:
    if folded.isascii():
        cls = folded.encode().translate(_CLASSES)
        return b"a1" in cls or b"1a" in cls or b"a2" in cls or b"3a" in cls
    return _MIXED_RE.search(folded) is not None


_SINGLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def suspicious(folded: str, words: list[str]) -> bool:
    """Does the text need the slow, de-obfuscating tokenizer?"""
    if _SYMBOL_RE.search(folded) is not None:
        if _mixed(folded):
            return True
        if "@" in folded:
            # "@ss": a leading @ read as "a" gives a known word
            for m in _AT_WORD_RE.finditer(folded):
                if "a" + m.group(1) in KNOWN:
                    return True
    if _TRIPLE_RE.search(folded) is not None:
        return True
    if sum(map(_SINGLE_CHARS.__contains__, words)) >= 3:
        return _SPACED_RE.search(folded) is not None
    return False


def plain_hits(folded: str, words: set[str]) -> list[Hit]:
    """Lexicon hits for text that needs no de-obfuscation (empty list in the common case)."""
    found = words.intersection(_WORD_SET)
    longer = [w for w in words if len(w) > 4 and w not in found]
    if longer:
        joined = " ".join(longer)
        if _STEM_RE.search(joined) is not None:
            found.update(w for w in longer if lookup(w) is not None)
    if not found:
        return []
    hits: list[Hit] = []
    n = len(folded)
    for w in found:
        e = lookup(w)
        if e is None:
            continue
        how = "word" if w in WORDS else "stem"
        i = folded.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not _isword(folded[i - 1])) and (j == n or not _isword(folded[j])):
                hits.append(Hit(i, j, e, w, how))
            i = folded.find(w, j)
    hits.sort(key=lambda h: h.start)
    return hits


def _isword(c: str) -> bool:
    return c.isascii() and c.isalnum()


def plain_tokens(folded: str) -> list[Token]:
    """Plain alphanumeric tokens with their folded offsets."""
    return [
        Token(m.start(), m.end(), m.group(), m.group(), False) for m in _WORD_RE.finditer(folded)
    ]


def tokenize(folded: str, plain: list[str] | None = None) -> list[Token]:
    """Tokens of folded text, with single-character runs joined and readings resolved.

    ``plain``: ``quick_words(folded)`` if already computed (lets checks be skipped).
    """
    # runs of spaced-out letters that read as a known word; other runs ("a w*p",
    # "a b c") are tokenized as usual, so a mask or leetspeak inside them still counts
    spaced: list[tuple[int, int, list[Token]]] = []
    triples = _TRIPLE_RE.search(folded) is not None
    if plain is None or sum(map(_SINGLE_CHARS.__contains__, plain)) >= 2:
        spaced_iter = _SPACED_RE.finditer(folded)
    else:
        spaced_iter = iter(())
    for m in spaced_iter:
        letters = "".join(c for c in m.group() if c.isalnum() or c in "@$")
        toks = _spaced_tokens(m.start(), m.end(), letters, folded)
        if any(t.obfuscated for t in toks):
            spaced.append((m.start(), m.end(), toks))
    out: list[Token] = []
    si = 0
    nsp = len(spaced)
    n = len(folded)
    for m in _TOKEN_RE.finditer(folded):
        start, end = m.span()
        if nsp:
            while si < nsp and spaced[si][1] <= start:
                si += 1
            if si < nsp and spaced[si][0] <= start < spaced[si][1]:
                s0, _s1, stoks = spaced[si]
                if start == s0:
                    out.extend(stoks)
                continue
        raw = m.group()
        if raw.isalpha() and not (triples and _TRIPLE_RE.search(raw)):
            # a plain word: nothing to read into it
            out.append(Token(start, end, raw, raw, False))
            continue
        if raw.isdigit():
            if end < n and folded[end] == "!":
                pass  # "1!" may still be leetspeak: resolve below
            else:
                out.append(Token(start, end, raw, raw, False))
                continue
        t = raw.lstrip("#").rstrip("!|+")
        if not t:
            out.append(Token(start, end, raw, raw, False))
            continue
        reading, how = _resolve(t, triples)
        if not how and end < n and folded[end] == "!" and any(c in _LEETABLE for c in t):
            # "p@k!": a trailing "!" may be a letter when the token is already leetspeak
            reading2, how2 = _resolve(t + "!")
            if how2:
                reading, how, end, raw = reading2, how2, end + 1, raw + "!"
        out.append(Token(start, end, raw, reading, bool(how) and how != "word"))
    return out


def _spaced_tokens(s0: int, s1: int, letters: str, folded: str) -> list[Token]:
    """Read a run of separated single characters; keep leading/trailing little words."""
    n = len(letters)
    best: tuple[int, int, str] | None = None
    for i in range(0, min(3, n - 2) + 1):
        if i and letters[i - 1] not in "aiury":
            break
        for j in range(n, max(i + 2, n - 2) - 1, -1):
            if j < n and letters[j] not in "aiu":
                break
            reading, how = _resolve(letters[i:j])
            if how and (best is None or j - i > best[1] - best[0]):
                best = (i, j, reading)
    # positions of each letter in folded text
    pos = [k for k in range(s0, s1) if folded[k].isalnum() or folded[k] in "@$"]
    if best is None:
        return [Token(p, p + 1, folded[p], folded[p], False) for p in pos]
    i, j, reading = best
    toks = [Token(p, p + 1, folded[p], folded[p], False) for p in pos[:i]]
    toks.append(Token(pos[i], pos[j - 1] + 1, folded[pos[i] : pos[j - 1] + 1], reading, True))
    toks.extend(Token(p, p + 1, folded[p], folded[p], False) for p in pos[j:])
    return toks


def scan_tokens(tokens: list[Token]) -> list[Hit]:
    """Lexicon hits among tokens (words, inflections, compounds, stems)."""
    hits: list[Hit] = []
    stems = _STEM_RE.search(" ".join(t.reading for t in tokens if len(t.reading) > 4)) is not None
    for tok in tokens:
        form = tok.reading
        e = WORDS.get(form)
        how = "word"
        if e is None:
            if not stems or len(form) < 5 or form in SAFE:
                continue
            e = _stem_hit(form)
            how = "stem"
            if e is None:
                continue
        if tok.obfuscated:
            how = "obfuscated"
        hits.append(Hit(tok.start, tok.end, e, form, how))
    return hits
