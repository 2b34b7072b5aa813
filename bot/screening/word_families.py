"""Word families for the harm phrase rules (self-harm, threats, bullying), read at import.

A family file (``data/*_words.txt``) has sections: a ``[name]`` line, then one entry a
line. An entry of several words matches them separated by any run of non-letters
("can t" matches "can't", "cant" is its own entry). ``#`` starts a comment; every
group of entries says where its words come from. Entries are plain lower-case
letters, digits and spaces: they become tries (``phrase_rx._w``), never raw regex.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations
from pathlib import Path

__all__ = ["anchors", "common_words", "families", "gate", "harm_words", "leet"]

_DIR = Path(__file__).with_name("data")
_ENTRY = re.compile(r"[a-z0-9]+(?: [a-z0-9]+)*")
_SECTION = re.compile(r"\[([a-z_]+)\]")


@cache
def families(file_name: str) -> dict[str, tuple[str, ...]]:
    """The sections of one family file: name -> entries (in file order, no repeats).
    Read once, when a rule or reader first asks (not at import); callers only read it."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    path = _DIR / file_name
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        sec = _SECTION.fullmatch(line)
        if sec:
            if sec.group(1) in out:
                raise ValueError(f"{path}:{n}: section [{sec.group(1)}] twice")
            current = out[sec.group(1)] = []
            continue
        if current is None or not _ENTRY.fullmatch(line):
            raise ValueError(f"{path}:{n}: not an entry of a section: {line!r}")
        if line not in current:
            current.append(line)
    return {k: tuple(v) for k, v in out.items()}


# the sections whose words a child may disguise with symbols ("k!ll", "$uicide", "h@ng")
_HARM_SECTIONS = {
    "selfharm_words.txt": ("slang", "die", "self", "harm_verb", "harm_gerund", "cut_word",
                           "wrists", "pills"),
    "threat_words.txt": ("kill_verb", "yourself", "kys"),
}  # fmt: skip


@cache
def harm_words() -> frozenset[str]:
    """The words of the harm rules' key families, three letters or more: what a token
    with symbols for letters may be read as (``readings.py``); the swear lexicon
    covers the rest."""
    return frozenset(
        w
        for name, sections in _HARM_SECTIONS.items()
        for sec in sections
        for entry in families(name)[sec]
        for w in entry.split()
        if len(w) >= 3 and w.isalpha()
    )


@cache
def common_words() -> tuple[str, ...]:
    """Very common chat words (``data/common_words.txt``): never an anchor's key word."""
    text = (_DIR / "common_words.txt").read_text(encoding="utf-8")
    return tuple(w for line in text.splitlines() for w in line.split("#", 1)[0].split())


# digits children type for letters inside a word ("k1ll", "d1e", "su1c1de", "y0u")
_DIGIT_FOR = {"i": "1", "l": "1", "e": "3", "o": "0", "a": "4", "s": "5", "t": "7"}
_MAX_SWAPS = 3


def leet(entries: tuple[str, ...]) -> tuple[str, ...]:
    """The entries plus their digit spellings: up to three letters of an entry's longest
    word swapped for the digits that stand for them ("k1ll", "w4nt to"). (The
    normaliser reads digits only into words of the swear lexicon, so the harm rules
    carry their own.)"""
    out = dict.fromkeys(entries)
    for entry in entries:
        words = entry.split()
        if len(words) > 2:  # longer entries are read as words anyway ("not be here anymore")
            continue
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        start = sum(len(w) + 1 for w in words[:longest])
        end = start + len(words[longest])
        spots = [i for i in range(start, end) if entry[i] in _DIGIT_FOR]
        for k in range(1, min(_MAX_SWAPS, len(spots)) + 1):
            for chosen in combinations(spots, k):
                chars = list(entry)
                for i in chosen:
                    chars[i] = _DIGIT_FOR[chars[i]]
                form = "".join(chars)
                # a word keeps a letter: an all-digit word is a number, not a word
                if not form[start:end].isdigit():
                    out.setdefault(form)
    return tuple(out)


def anchors(*groups: tuple[str, ...]) -> str:
    """Anchors (see ``phrase_rx._group``) for a phrase rule whose every match has an entry
    of one of ``groups``: a one-word entry is its word, an entry of several words needs
    them all ("no one" -> "no+one"), so the rule runs only when it could match."""
    return " ".join(sorted({"+".join(sorted(set(e.split()))) for g in groups for e in g}))


def gate(*groups: tuple[str, ...]) -> str:
    """A gate (see ``phrase_rx._group``) for a rule whose every match has an entry of
    one of ``groups``: the rarest-looking word of each entry."""
    rank = {w: i for i, w in reversed(list(enumerate(common_words())))}
    return " ".join(sorted({max(e.split(), key=lambda w: (rank.get(w, 1 << 30), len(w)))
                            for g in groups for e in g}))  # fmt: skip
