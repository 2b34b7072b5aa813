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
dict look-ups plus a few precompiled regexes. Reading obfuscated tokens (the
slow path, ``tokenize``) lives in ``readings.py``; this module holds the word
tables, the plain-text fast path and the token matcher.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from bot.screening.lexicon_tables import (  # noqa: F401 (part of this module's API)
    _INFLECT,
    _TAILS,
    CATEGORIES,
    Entry,
    inflections,
)
from bot.screening.lexicon_tables import Lexicon as _Lexicon

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
]


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


_LEX = _Lexicon()
WORDS: dict[str, Entry] = _LEX.words
CONTEXT: dict[str, Entry] = _LEX.context
FRAME: dict[str, Entry] = _LEX.frame
PHRASES: dict[tuple[str, ...], Entry] = _LEX.phrases
SAFE: frozenset[str] = frozenset(_LEX.safe)
# the terms of our own data/lexicon.tsv (chosen for children's chat), by term
OWN: dict[str, Entry] = _LEX.own
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


_TRIPLE_RE = re.compile(r"([a-z])\1\1")

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


def lookup(form: str) -> Entry | None:
    """The lexicon entry for one clean token form (word, inflection, compound or stem)."""
    e = WORDS.get(form)
    if e is not None:
        return e
    if len(form) > 3 and form not in SAFE:
        return _stem_hit(form)
    return None


# Fast path: plain words of folded text, split in C.
_WORD_RE = re.compile(r"[a-z0-9]+")
_SPLIT = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else 32 for c in range(256))
_SYMBOL_RE = re.compile(r"[0-9@$*#!|+€]")
# letters next to digits or symbols; "@name" mentions and "#tags" alone do not count
_MIXED_RE = re.compile(r"[a-z][0-9@$*#€]|[0-9$!|*+€][a-z]|(?<=[a-z0-9])[@#][a-z]")
# the same test for symbols after a letter's "!" and for symbols alone
_SYMBOLIC_RE = re.compile(r"[a-z][!|+][0-9@$*#€]|[0-9$*€][@#][a-z]|@\$|\$\$|@5")
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


# the ASCII characters of ``_SYMBOL_RE``
_SYMBOL_BYTES = b"0123456789@$*#!|+"
_SINGLE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def suspicious(folded: str, words: list[str], triples: bool | None = None) -> bool:
    """Does the text need the slow, de-obfuscating tokenizer?

    ``triples``: ``has_triple(folded)`` if already computed."""
    if folded.isascii():
        # ``_SYMBOL_RE`` and ``_mixed`` inlined (hot path): one encoding, C byte passes
        raw = folded.encode()
        symbols = len(raw.translate(None, _SYMBOL_BYTES)) != len(raw)
        if symbols:
            # (as str: "in" on str is about twice as fast as on bytes)
            cls = raw.translate(_CLASSES).decode()
            if "a1" in cls or "1a" in cls or "a2" in cls or "3a" in cls:
                return True
            # "p!$$" (symbols after a letter's "!"), "$1@nty", "@$$", "@55", "$$"
            if "a3" in cls and ("a31" in cls or "a32" in cls):
                return True
            if "@" in folded and ("12a" in cls or "@$" in folded or "@5" in folded):
                return True
            if "$$" in folded:
                return True
    else:
        symbols = _SYMBOL_RE.search(folded) is not None
        if symbols and (
            _MIXED_RE.search(folded) is not None or _SYMBOLIC_RE.search(folded) is not None
        ):
            return True
    if symbols and "@" in folded:
        # "@ss": a leading @ read as "a" gives a known word
        for m in _AT_WORD_RE.finditer(folded):
            if "a" + m.group(1) in KNOWN:
                return True
    if triples if triples is not None else _TRIPLE_RE.search(folded) is not None:
        return True
    if sum(map(_SINGLE_CHARS.__contains__, words)) >= 3:
        return _SPACED_RE.search(folded) is not None
    return False


def plain_hits(folded: str, words: set[str]) -> list[Hit]:
    """Lexicon hits for text that needs no de-obfuscation (empty list in the common case)."""
    found = words.intersection(_WORD_SET)
    # every word is a substring of the folded text: no stem there, none in any word
    longer = [w for w in words if len(w) > 4 and w not in found] if _STEM_RE.search(folded) else []
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


def has_triple(folded: str) -> bool:
    """A letter three times in a row ("fuuuck")."""
    return _TRIPLE_RE.search(folded) is not None


def scan_tokens(tokens: list[Token]) -> list[Hit]:
    """Lexicon hits among tokens (words, inflections, compounds, stems)."""
    hits: list[Hit] = []
    readings = [t.reading for t in tokens]
    stems = _STEM_RE.search(" ".join(r for r in readings if len(r) > 4)) is not None
    if not stems and _WORD_SET.isdisjoint(readings):
        return hits
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
