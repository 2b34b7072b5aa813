"""Phrase detectors: name-calling frames, bullying, threats, self-harm and abuse signals.

Patterns run on "clean" text: folded (see ``normalize.py``), with obfuscated
tokens replaced by their readings, so "u r such a l0s3r" reads as
"u r such a loser". Words are separated by any run of non-alphanumerics.

Every group has a set of anchor words; its regex runs only when the message
has one of them, which keeps the common case (no anchor) to a set lookup.
All patterns here are written by the project and compiled at import; nothing
user-supplied is compiled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.screening.grooming import GROOMING_GROUPS
from bot.screening.lexicon import CONTEXT, FRAME, PHRASES, WORDS, Entry, trie_pattern
from bot.screening.phrase_rx import (
    _YOU,
    _YOUR,
    B0,
    B1,
    END,
    S,
    _Group,
    _matches,
    _w,
    _word_start_free,
    first_word,
)
from bot.screening.phrases_accounts import ACCOUNT_GROUPS
from bot.screening.phrases_disclosure import DISCLOSURE_GROUPS
from bot.screening.phrases_hurtful import HURTFUL_GROUPS
from bot.screening.phrases_safety import SAFETY_GROUPS
from bot.screening.phrases_social import SOCIAL_GROUPS
from bot.screening.verdict import BULLYING, INSULT, SLUR
from bot.screening.word_families import common_words, families

__all__ = ["FILLERS", "TRIGGERS", "PhraseHit", "lone_word", "scan_phrases", "standalone"]


@dataclass(frozen=True, slots=True)
class PhraseHit:
    start: int
    end: int
    categories: tuple[str, ...]
    severity: int
    reason: str
    term: str = ""


_BE = _w("are", "r", "re", "is", "was", "be", "been", "look", "looks", "smell", "smells",
         "sound", "sounds", "act", "acting", "seem", "like", "a", "an")  # fmt: skip
_DEGREE = _w(
    "so", "such", "a", "an", "the", "really", "very", "too", "total", "complete", "absolute",
    "big", "biggest", "little", "lil", "fat", "stupid", "dumb", "ugly", "giant", "huge",
    "freaking", "dirty", "smelly", "useless", "like", "just", "literally", "actually", "kinda",
    "sorta", "most", "dumbest", "stupidest", "ugliest", "worst", "such a", "real", "fking",
    "fkn", "fucking", "freakin", "damn", "bloody", "massive",
)  # fmt: skip
_KIN = _w("mom", "mum", "mama", "momma", "mommy", "mother", "dad", "daddy", "sister",
          "brother", "family", "grandma", "nan")  # fmt: skip

_NAMECALL = {
    **{w: e for w, e in WORDS.items() if e.category in (INSULT, SLUR) and w == e.term},
    **FRAME,
    **CONTEXT,
}
_X = "(?P<x>" + trie_pattern(_NAMECALL) + ")"

# "you X", "u r so X", "ur such a X", "what a X", "shut up X", "your mom is X"
_FRAME_RES = tuple(
    _word_start_free(p)
    for p in (
        (
            B0 + _YOU + S + f"(?:{_BE}{S})?" + f"(?:{_DEGREE}{S}){{0,3}}" + _X + B1,
            B0 + _YOUR + S + f"(?:{_DEGREE}{S}){{1,3}}" + _X + B1,
            B0 + _w("such", "what", "wat", "wut") + S + _w("a", "an") + S
            + f"(?:{_DEGREE}{S}){{0,2}}" + _X + B1,
            B0 + _w("shut up", "shutup", "stfu", "go away", "get lost", "bye", "go die",
                    "get out", "stop it", "hey", "hi", "oi", "ok", "okay", "lol", "lmao",
                    "nobody likes you", "no one likes you", "nobody asked")
            + S + f"(?:{_YOU}{S})?" + f"(?:{_DEGREE}{S}){{0,2}}" + _X + B1,
            B0 + _w("your", "ur", "yo", "ya", "yer") + S + _KIN + S
            + f"(?:{_w('is', 'are', 'so', 'such', 'a', 'an', 'iz', 'r', 'looks', 'like', 'was', 'be')}{S}){{0,3}}"  # noqa: E501
            + _X + B1,
        )
    )
)  # fmt: skip

# "ur ugly", "your stupid!", "youre dumb", "ur so cringe": insult adjectives with no
# degree word. After "ur"/"your" (also the possessive) the adjective must end the clause
# or go on with a word like "and", "lol" ("ur ugly lol", not "your fat cat").
_BULLY = families("bullying_words.txt")
_ADJ = {w: _NAMECALL.get(w) or Entry(w, INSULT, 1) for w in _BULLY["insult_adjective"]}
_ADJ_TRIE = trie_pattern(_ADJ)
_BARE_RES = (
    _word_start_free(B0 + first_word(
        (_BULLY["your"], (), S + f"(?:{_DEGREE}{S}){{1,2}}({_ADJ_TRIE}){B1}"),
        (_BULLY["your"], (), S + f"({_ADJ_TRIE}){B1}"
         + f"(?:(?={S}{_w(*_BULLY['insult_tail'])}{B1})|{END})"),
        (_BULLY["you_are"], (), S + f"(?:{_DEGREE}{S}){{0,2}}({_ADJ_TRIE}){B1}"),
    )),
)  # fmt: skip
_FRAME_RES += _BARE_RES
_X_ENTRY = {**_ADJ, **_NAMECALL}
_NAMECALL_SET = frozenset(_X_ENTRY)
_DISMISS = 3  # index of the "shut up X" / "go away X" frame: name-calling plus bullying
# per frame, words of which every match has at least one (as a whole word): the frame's
# regex runs only when the message has one of them
_FRAME_GATES = tuple(
    frozenset(g.split())
    for g in (
        "you u ya yu yuo youu",
        "your ur youre yer yur you u",
        "such what wat wut",
        "shut shutup stfu go get bye stop hey hi oi ok okay lol lmao nobody no",
        "your ur yo ya yer",
        " ".join(sorted({e.split()[0] for f in ("your", "you_are") for e in _BULLY[f]})),
    )
)
_FRAME_ANCHORS = frozenset().union(*_FRAME_GATES)
# per frame, the words its name-calling word is one of
_FRAME_X = (frozenset(_NAMECALL),) * (len(_FRAME_RES) - len(_BARE_RES)) + (frozenset(_ADJ),) * len(
    _BARE_RES
)

# Words that do not count when deciding whether a message is just one name-calling word.
FILLERS = frozenset(
    "omg lol lmao lmfao rofl haha hahaha hah ha ugh ew eww ewww smh bruh bro dude oh ok okay "
    "wow ur u you ya a an such what wat shut up so totally such the hey hi oi yo just ok "
    "yeah yes no nah well like really im i am is are r".split()
)

_GROUPS: tuple[_Group, ...] = (
    *SAFETY_GROUPS,
    *SOCIAL_GROUPS,
    *GROOMING_GROUPS,
    *DISCLOSURE_GROUPS,
    *HURTFUL_GROUPS,
    *ACCOUNT_GROUPS,
)


_RANK = {w: i for i, w in reversed(list(enumerate(common_words())))}
_NOT_COMMON = 1 << 30


def _rarity(word: str) -> tuple[int, int, str]:
    """How likely a word is to be rare: not a common word, else further down the list
    of common words; then longer."""
    return (_RANK.get(word, _NOT_COMMON), len(word), word)


def _anchor_index() -> tuple[
    dict[str, tuple[int, ...]], dict[str, tuple[tuple[frozenset[str], int], ...]]
]:
    """Anchor word -> groups it opens; for "a+b" anchors, "a" -> (the other words, group)."""
    singles: dict[str, list[int]] = {}
    pairs: dict[str, list[tuple[frozenset[str], int]]] = {}
    for gi, (sing, prs, *_rest) in enumerate(_GROUPS):
        for w in sing:
            singles.setdefault(w, []).append(gi)
        for pr in prs:
            first = max(pr, key=_rarity)
            pairs.setdefault(first, []).append((pr - {first}, gi))
    return (
        {w: tuple(v) for w, v in singles.items()},
        {w: tuple(v) for w, v in pairs.items()},
    )


_SINGLE_INDEX, _PAIR_INDEX = _anchor_index()
_ANCHOR_WORDS = frozenset(_SINGLE_INDEX) | frozenset(_PAIR_INDEX)
_NONE: frozenset[str] = frozenset()
# anchor word -> (the other words needed, group, its gates): one look-up per word
_INDEX = {
    w: tuple((_NONE, gi, _GROUPS[gi][6]) for gi in _SINGLE_INDEX.get(w, ()))
    + tuple((others, gi, _GROUPS[gi][6]) for others, gi in _PAIR_INDEX.get(w, ()))
    for w in _ANCHOR_WORDS
}

# multi-word lexicon terms
_PHRASE_ANCHORS = frozenset(words[0] for words in PHRASES)
# one trie over every phrase (words joined by any non-alphanumerics), not ~400 branches
_PHRASE_RE = re.compile(
    B0 + "(?P<p>" + trie_pattern({" ".join(w) for w in PHRASES}, sep="[^a-z0-9]*") + ")" + B1
)
_PHRASE_KEY = {"".join(words): entry for words, entry in PHRASES.items()}
_NONALNUM = re.compile(r"[^a-z0-9]+")


def scan_phrases(clean: str, words: set[str]) -> list[PhraseHit]:
    """Phrase hits in clean text; ``words`` is the set of the message's token readings."""
    hits: list[PhraseHit] = []
    if not _FRAME_ANCHORS.isdisjoint(words) and not _NAMECALL_SET.isdisjoint(words):
        for i, rx in enumerate(_FRAME_RES):
            if _FRAME_GATES[i].isdisjoint(words) or _FRAME_X[i].isdisjoint(words):
                continue
            for m in _matches(rx, clean):
                e = _X_ENTRY[m.group(m.lastindex or 0)]  # the one group: the word
                fcats: tuple[str, ...] = (e.category, BULLYING) if i == _DISMISS else (e.category,)
                hits.append(PhraseHit(m.start(), m.end(), fcats, max(e.severity, 1),
                                      "name-calling", e.term))  # fmt: skip
    present = _ANCHOR_WORDS.intersection(words)
    if present:
        todo: set[int] = set()
        for w in present:
            for others, gi, gates in _INDEX[w]:
                if gi in todo or not others <= words:
                    continue
                for g in gates:
                    if g.isdisjoint(words):
                        break
                else:
                    todo.add(gi)
        for gi in sorted(todo):
            _singles, _pairs, rx, cats, sev, reason, _gates = _GROUPS[gi]
            for m in _matches(rx, clean):
                hits.append(PhraseHit(m.start(), m.end(), cats, sev, reason))
    if PHRASES and not _PHRASE_ANCHORS.isdisjoint(words) and _has_phrase_pair(clean, words):
        for m in _PHRASE_RE.finditer(clean):
            e2: Entry | None = _PHRASE_KEY.get(_NONALNUM.sub("", m.group()))
            if e2 is not None:
                hits.append(PhraseHit(m.start(), m.end(), (e2.category,), e2.severity,
                                      "offensive phrase", e2.term))  # fmt: skip
    return hits


_PHRASE_PAIRS = frozenset((w[0], w[1]) for w in PHRASES)
_PAIR_FIRST = {a: frozenset(b for a2, b in _PHRASE_PAIRS if a2 == a) for a, _ in _PHRASE_PAIRS}

# every word ``scan_phrases`` looks at: it gives the same hits for ``words`` as for
# ``words & TRIGGERS`` (so a caller may pass that smaller set)
TRIGGERS: frozenset[str] = frozenset().union(
    _FRAME_ANCHORS,
    _NAMECALL_SET,
    _ANCHOR_WORDS,
    *(others for pairs in _PAIR_INDEX.values() for others, _gi in pairs),
    *(g for grp in _GROUPS for g in grp[6]),
    _PHRASE_ANCHORS,
    *_PAIR_FIRST.values(),
)


def _has_phrase_pair(clean: str, words: set[str]) -> bool:
    """Cheap test: could a multi-word term occur (its first two words are both present)?"""
    for first in _PHRASE_ANCHORS.intersection(words):
        if not _PAIR_FIRST[first].isdisjoint(words):
            return True
    return False


def lone_word(readings: list[str]) -> str | None:
    """The only content word of a short message ("X!!!", "omg X"), if there is one."""
    content = [r for r in readings if r not in FILLERS]
    return content[0] if len(content) == 1 else None


def standalone(readings: list[str]) -> Entry | None:
    """A name-calling word that is the whole message ("X!!!", "omg X")."""
    content = [r for r in readings if r not in FILLERS]
    if len(content) == 1:
        return CONTEXT.get(content[0])
    return None
