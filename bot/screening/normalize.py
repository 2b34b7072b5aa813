"""Fold text into a lower-case, mostly-ASCII skeleton while keeping offsets.

Each character of the original text becomes zero or more characters of the
folded text; ``Folded.index[i]`` is the offset in the original text of folded
character ``i``. Folding, per character:

* NFKC compatibility forms (full-width letters, ligatures, math alphabets);
* format characters (zero-width space/joiners, BOM, soft hyphen) and
  combining marks (accents, strike-through overlays) are dropped;
* Unicode confusables are mapped to the ASCII letter or digit they look like,
  using the Unicode confusables data shipped by the ``confusable-homoglyphs``
  package (loaded lazily, on the first non-ASCII text);
* everything is lower-cased.

Leetspeak, separators inside words and repeated letters are not undone here:
they are ambiguous ("1" is a digit in "1 apple"), so the lexicon matcher
tries those readings per token (see ``lexicon.py``).
"""

from __future__ import annotations

import json
import re
import threading
import unicodedata
from importlib import resources

__all__ = ["Folded", "fold", "fold_word"]

_DROP_CATEGORIES = frozenset({"Cf", "Mn", "Me", "Cc"})
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})

_confusables: dict[str, str] | None = None
_cache: dict[str, str] = {}
_lock = threading.Lock()


class Folded:
    """Folded text and, unless offsets did not move, its offset map.

    (A plain slotted class: built once per message, so no dataclass machinery.)
    The offset map is built on first use: most messages never need one.
    """

    __slots__ = ("_index", "_src", "_table", "original_length", "text")

    def __init__(
        self,
        text: str,
        index: tuple[int, ...] | None,
        original_length: int,
        *,
        src: str | None = None,
        table: dict[int, str] | None = None,
    ) -> None:
        self.text = text
        self._index = index  # None: folded offset == original offset
        self.original_length = original_length
        self._src = src  # set: the map is built lazily from src and table
        self._table = table

    @property
    def index(self) -> tuple[int, ...] | None:
        if self._src is not None:
            self._index = _offsets(self._src, self._table or {})
            self._src = self._table = None
        return self._index

    def __repr__(self) -> str:
        return f"Folded(text={self.text!r}, index={self.index!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Folded):
            return NotImplemented
        return (self.text, self.index, self.original_length) == (
            other.text,
            other.index,
            other.original_length,
        )

    def __hash__(self) -> int:
        return hash((self.text, self.index, self.original_length))

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a folded [start, end) span back to the original text."""
        index = self.index
        if index is None:
            return start, end
        if end <= start or start >= len(index):
            pos = index[start] if start < len(index) else self.original_length
            return pos, pos
        return index[start], index[end - 1] + 1


def _offsets(text: str, table: dict[int, str]) -> tuple[int, ...]:
    """Original offset of each folded character (non-ASCII characters per ``table``)."""
    index: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            index.append(i)
            continue
        k = len(table[ord(ch)])
        if k:
            index.extend([i] * k)
    return tuple(index)


def _load_confusables() -> dict[str, str]:
    """Map each non-ASCII confusable character to the ASCII letter/digit it resembles."""
    global _confusables
    if _confusables is not None:
        return _confusables
    with _lock:
        if _confusables is not None:
            return _confusables
        raw = resources.files("confusable_homoglyphs").joinpath("confusables.json").read_bytes()
        data: dict[str, list[dict[str, str]]] = json.loads(raw)
        table: dict[str, str] = {}
        # Prototypes: ASCII letters first (lower before upper), then digits.
        protos = [c for c in data if len(c) == 1 and c.isascii() and c.isalnum()]
        protos.sort(key=lambda c: (c.isdigit(), c.isupper(), c))
        for proto in protos:
            for entry in data[proto]:
                glyph = entry.get("c", "")
                if len(glyph) == 1 and not glyph.isascii() and glyph not in table:
                    table[glyph] = proto.lower()
        # Non-ASCII keys whose listed homoglyphs include an ASCII letter or digit.
        for key, entries in data.items():
            if len(key) != 1 or key.isascii() or key in table:
                continue
            best = ""
            for entry in entries:
                glyph = entry.get("c", "")
                if len(glyph) == 1 and glyph.isascii() and glyph.isalnum():
                    if not best or (best.isdigit() and glyph.isalpha()):
                        best = glyph
            if best:
                table[key] = best.lower()
        _confusables = table
        return table


def _fold_char(ch: str) -> str:
    """Fold one non-ASCII character (cached)."""
    got = _cache.get(ch)
    if got is not None:
        return got
    conf = _load_confusables()
    cat = unicodedata.category(ch)
    if cat in _DROP_CATEGORIES:
        out = ""
    elif cat in _SPACE_CATEGORIES:
        out = " "
    elif ch in conf:
        out = conf[ch]
    else:
        parts = []
        for c in unicodedata.normalize("NFKD", unicodedata.normalize("NFKC", ch)):
            if c.isascii():
                parts.append(c.lower())
                continue
            ccat = unicodedata.category(c)
            if ccat in _DROP_CATEGORIES:
                continue
            if ccat in _SPACE_CATEGORIES:
                parts.append(" ")
            elif c in conf:
                parts.append(conf[c])
            else:
                low = c.lower()
                parts.append(conf.get(low, low))
        out = "".join(parts)
    if len(_cache) < 200_000:
        _cache[ch] = out
    return out


_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")


def fold(text: str) -> Folded:
    """Fold ``text``; plain ASCII takes a fast path without an offset map."""
    if text.isascii():
        return Folded(text.lower(), None, len(text))
    table: dict[int, str] = {}
    same_length = True
    for ch in set(_NON_ASCII_RE.findall(text)):
        rep = _fold_char(ch)
        table[ord(ch)] = rep
        if len(rep) != 1:
            same_length = False
    if same_length:
        # common case: offsets do not move, and a translate table does the work in C
        return Folded(text.translate(table).lower(), None, len(text))
    # ASCII characters lower-cased, each non-ASCII one replaced by its folding (not
    # lower-cased again); the offset map is built only if a span is mapped back
    table.update(_ASCII_UPPER)
    return Folded(text.translate(table), None, len(text), src=text, table=table)


_ASCII_UPPER = {c: chr(c + 32) for c in range(65, 91)}


def fold_word(word: str) -> str:
    """Fold a single word (for teacher allow-lists): same rules, no offsets."""
    return fold(word).text.strip()
