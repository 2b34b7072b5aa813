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

import re
from functools import lru_cache
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
    "tokenize",
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


def suspicious(folded: str, words: list[str], triples: bool | None = None) -> bool:
    """Does the text need the slow, de-obfuscating tokenizer?

    ``triples``: ``has_triple(folded)`` if already computed."""
    if _SYMBOL_RE.search(folded) is not None:
        if _mixed(folded):
            return True
        if "@" in folded:
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


_new_tuple = tuple.__new__


def tokenize(
    folded: str, plain: list[str] | None = None, triples: bool | None = None
) -> list[Token]:
    """Tokens of folded text, with single-character runs joined and readings resolved.

    ``plain``: ``quick_words(folded)`` if already computed (lets checks be skipped);
    ``triples``: ``has_triple(folded)`` if already computed.
    """
    # runs of spaced-out letters that read as a known word; other runs ("a w*p",
    # "a b c") are tokenized as usual, so a mask or leetspeak inside them still counts
    spaced: list[tuple[int, int, list[Token]]] = []
    if triples is None:
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
    append = out.append
    new = _new_tuple
    tok_cls = Token
    tri = _TRIPLE_RE.search if triples else None
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
        if raw.isalpha() and (tri is None or tri(raw) is None):
            # a plain word: nothing to read into it (built as Token(...) without the
            # Python-level NamedTuple constructor)
            append(new(tok_cls, (start, end, raw, raw, False)))
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
