"""Reading obfuscated tokens: leetspeak, masks, elongations and spaced-out letters.

Split out of ``lexicon.py`` (which holds the word tables and the plain-text fast
path). ``tokenize`` turns folded text into tokens with their best readings; a
token that is not a plain word is read by ``read_token``, a pure function of the
token string, kept in a bounded LRU cache because chat repeats words constantly.

Also read here: a plain word that disguises one without digits ("fuuck", "bxtch",
"idoit": see ``spellings.py``); digits in the ordinary words around a rude one ("y0u
ar3 stupid" reads "you are stupid", so the name-calling frames still apply); tokens
of symbols alone ("@$$"); all-digit spellings ("455") inside name-calling only; and
dotted letters joined to a chunk of two or three ("st.u.p.i.d").
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.screening.leet import LEET_I, LEETABLE
from bot.screening.lexicon import (
    _SINGLE_CHARS,
    _SPACED_RE,
    _TRIPLE_RE,
    KNOWN,
    Token,
    _stem_hit,
    lookup,
    quick_words,
)
from bot.screening.spellings import (
    DICTIONARY,
    DIGIT_FORMS,
    PLAIN,
    SQUEEZED,
    near_reading,
    odd_words,
)
from bot.screening.spellings import squeeze as _squeeze
from bot.screening.word_families import harm_words

__all__ = ["SQUEEZED", "TOKEN_CACHE_SIZE", "read_token", "tokenize"]

# bound of each per-token cache (entries; a few MB at most)
TOKEN_CACHE_SIZE = 65_536


# masked look-up: per length, newline-joined forms (searched with a tiny regex)
_BUCKETS: dict[int, str] = {}
for _form in sorted(KNOWN, key=lambda f: (-KNOWN[f].severity, f)):
    if _form.isalpha():
        _BUCKETS[len(_form)] = _BUCKETS.get(len(_form), "") + _form + "\n"


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
        if triples and _TRIPLE_RE.search(t):
            sq = _squeeze(t)
            got = SQUEEZED.get(sq)
            if got is not None:
                return got[0], "elongated"
            if _stem_hit(sq) is not None:
                return sq, "elongated"
            near = near_reading(sq)
            return (near, "elongated") if near is not None else (sq, "")
        near = near_reading(t)
        return (near, "near") if near is not None else (t, "")
    has_letters = any("a" <= c <= "z" for c in t)
    if not has_letters and not _symbol_word(t):
        return t, ""
    candidates: list[str] = []
    if any(c in LEETABLE for c in t):
        li = t.translate(LEET_I)
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
    words: list[str] = []  # the candidates as words, for the second and third pass
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
        if cand.isalpha():
            if lookup(cand) is not None:
                return cand, how
            if cand != t:
                words.append(cand)
    # leetspeak over a misspelling or doubled letters ("stuup1d"), then over an
    # ordinary word ("y0u ar3 stupid": the words around a rude one are read too)
    for cand in words:
        near = near_reading(cand)
        if near is not None:
            return near, "leet"
    if t[0].isalpha() and t.isalnum():
        # (digits for letters only: not "@tom", "*so*", "1st", "10am"; of two characters
        # only the little words of insult frames: "s0", "m3", not "b4")
        short = len(t) == 2
        harm = harm_words()
        for cand in words:
            if cand in _LITTLE_WORDS if short else cand in DICTIONARY or cand in harm:
                return cand, "leet"
    elif t[0] != "@" and len(t) >= 3:
        # symbols inside a word the harm rules read ("k!ll", "$uicide", "d!e", "h@ng"):
        # a child disguising self-harm must still reach the teacher (not "@tom": a mention)
        harm = harm_words()
        for cand in words:
            if cand in harm:
                return cand, "leet"
    return t, ""


_LITTLE_WORDS = frozenset("so me do be is to go no up".split())


def _symbol_word(t: str) -> bool:
    """A token of symbols (and digits) only that may be leetspeak ("@$$", "@55"): not a
    number, an amount ("$100") or a pair ("$$", "@5")."""
    if len(t) < 3 or t.isdigit() or (t[0] in "$€" and t[1:].isdigit()):
        return False
    return "@" in t or "!" in t or "|" in t or t.count("$") >= 2


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
    last = 0
    for m in spaced_iter:
        s0, s1 = m.span()
        letters = "".join(c for c in m.group() if c.isalnum() or c in "@$")
        toks = _spaced_tokens(s0, s1, letters, folded)
        if not any(t.obfuscated for t in toks):
            # "st.u.p.i.d", "s.t.u.p.id": a short chunk at either end
            w0, w1 = _widen(folded, s0, s1, last)
            if (w0, w1) == (s0, s1):
                continue
            s0, s1 = w0, w1
            letters = "".join(c for c in folded[s0:s1] if c.isalnum() or c in "@$")
            toks = _spaced_tokens(s0, s1, letters, folded)
            if not any(t.obfuscated for t in toks):
                continue
        spaced.append((s0, s1, toks))
        last = s1
    out: list[Token] = []
    append = out.append
    new = _new_tuple
    tok_cls = Token
    tri = _TRIPLE_RE.search if triples else None
    if plain is None:
        plain = quick_words(folded)
    # the words that may be misspellings (usually none: one set test), and whether an
    # all-digit spelling ("455") is there
    odd = () if PLAIN.issuperset(plain) else odd_words(plain)
    digit_forms = DIGIT_FORMS
    numbers: list[int] = []  # indexes of all-digit tokens that spell a word ("455")
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
            # Python-level NamedTuple constructor), unless it is a misspelling
            if odd and raw in odd and (near := near_reading(raw)) is not None:
                append(new(tok_cls, (start, end, raw, near, True)))
            else:
                append(new(tok_cls, (start, end, raw, raw, False)))
            continue
        if odd and raw in digit_forms:
            numbers.append(len(out))
        raw2, reading, obf = read_token(raw, triples, end < n and folded[end] == "!")
        append(new(tok_cls, (start, start + len(raw2), raw2, reading, obf)))
    for k in numbers:
        if _in_frame(out, k):
            t = out[k]
            out[k] = Token(t.start, t.end, t.raw, digit_forms[t.raw], True)
    return out


_CHUNK_SEP = frozenset("._-~*")


def _alnum(c: str) -> bool:
    return c.isascii() and c.isalnum()


def _widen(folded: str, s0: int, s1: int, floor: int) -> tuple[int, int]:
    """A run of single letters widened by a chunk of 2-3 letters joined to either end by
    a dot, dash, underscore, tilde or star (not a space: "is a b" stays apart)."""
    if s0 - 3 >= floor and folded[s0 - 1] in _CHUNK_SEP:
        j = s0 - 1
        while j > floor and j > s0 - 5 and _alnum(folded[j - 1]):
            j -= 1
        if 2 <= s0 - 1 - j <= 3 and (j == 0 or not _alnum(folded[j - 1])):
            s0 = j
    n = len(folded)
    if s1 + 3 <= n and folded[s1] in _CHUNK_SEP:
        j = s1 + 1
        while j < n and j < s1 + 5 and _alnum(folded[j]):
            j += 1
        if 2 <= j - s1 - 1 <= 3 and (j == n or not _alnum(folded[j])):
            s1 = j
    return s0, s1


# all-digit spellings count only as name-calling: "ur a 455", "kiss my 455", "what a
# 455 lol", not "455 pages" or "a 455 page book"
_OPENERS = frozenset("you u ur ya yu youre ure your yo what such stfu".split())
_BETWEEN = frozenset("a an so such r are is re big fat dumb stupid ugly lazy total".split())
_AFTER = frozenset("lol lmao lmfao haha hahaha rofl xd bye ok".split())


def _in_frame(tokens: list[Token], k: int) -> bool:
    if k + 1 < len(tokens) and tokens[k + 1].reading not in _AFTER:
        return False
    for j in range(k - 1, max(-1, k - 5), -1):
        w = tokens[j].reading
        if w in _OPENERS:
            return True
        if w == "up":
            return j > 0 and tokens[j - 1].reading == "shut"
        if w == "my":
            return j > 0 and tokens[j - 1].reading in ("kiss", "bite", "kick", "whoop")
        if w not in _BETWEEN:
            return False
    return False


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
    if not how and bang and any(c in LEETABLE for c in t):
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
