"""Reading obfuscated tokens: leetspeak, masks, elongations and spaced-out letters.

Split out of ``lexicon.py`` (which holds the word tables and the plain-text fast
path). ``tokenize`` turns folded text into tokens with their best readings; a
token that is not a plain word is read by ``read_token``, a pure function of the
token string, kept in a bounded LRU cache because chat repeats words constantly.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.screening.lexicon import (
    _SINGLE_CHARS,
    _SPACED_RE,
    _TRIPLE_RE,
    KNOWN,
    Entry,
    Token,
    _stem_hit,
    lookup,
)

__all__ = ["LEET_READINGS", "SQUEEZED", "TOKEN_CACHE_SIZE", "read_token", "tokenize"]

# bound of each per-token cache (entries; a few MB at most)
TOKEN_CACHE_SIZE = 65_536


def _squeeze(s: str) -> str:
    """Collapse every run of a repeated character to one character."""
    return _SQUEEZE_RE.sub(r"\1", s)


_SQUEEZE_RE = re.compile(r"(.)\1+")

SQUEEZED: dict[str, tuple[str, Entry]] = {}
# most severe first; among equals a term itself before forms generated from a term
# ("coonies" before "cooniees"), then the shortest
for _form, _entry in sorted(
    KNOWN.items(), key=lambda kv: (-kv[1].severity, kv[0] != kv[1].term, len(kv[0]), kv[0])
):
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
# the same two readings for other matchers (names kept in class, cogs/authors/deidentify.py)
LEET_READINGS = (_LEET_I, _LEET_L)

# Tokens: letters, digits and symbols used as letters or masks.
# (same as "(?:[a-z0-9@$*€]|[!|+#](?=[a-z0-9@$*€]))+", written to scan runs in C)
_TOKEN_RE = re.compile(r"[!|+#]?[a-z0-9@$*€]+(?:[!|+#][a-z0-9@$*€]+)*")


@lru_cache(maxsize=4096)
def _mask_lookup(pattern: str) -> str | None:
    """Fill '*' masks: the most severe known form of the same length that fits."""
    bucket = _BUCKETS.get(len(pattern))
    if not bucket:
        return None
    rx = "^" + pattern.replace("*", "[a-z]") + "$"
    m = re.search(rx, bucket, re.M)
    return m.group() if m else None


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
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
        raw2, reading, obf = read_token(raw, triples, end < n and folded[end] == "!")
        append(new(tok_cls, (start, start + len(raw2), raw2, reading, obf)))
    return out


@lru_cache(maxsize=TOKEN_CACHE_SIZE)
def read_token(raw: str, triples: bool, bang: bool) -> tuple[str, str, bool]:
    """(raw, reading, obfuscated) of one token that is not a plain word; a pure function
    of the token, so cached (chat repeats words). ``bang``: a "!" follows the token
    (then raw may take it in: "p@k!"); ``triples`` as for ``_resolve``."""
    if raw.isdigit() and not bang:
        return raw, raw, False
    # (digits followed by "!": "1!" may still be leetspeak, resolved below)
    t = raw.lstrip("#").rstrip("!|+")
    if not t:
        return raw, raw, False
    reading, how = _resolve(t, triples)
    if not how and bang and any(c in _LEETABLE for c in t):
        # "p@k!": a trailing "!" may be a letter when the token is already leetspeak
        reading2, how2 = _resolve(t + "!")
        if how2:
            reading, how, raw = reading2, how2, raw + "!"
    return raw, reading, bool(how) and how != "word"


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
