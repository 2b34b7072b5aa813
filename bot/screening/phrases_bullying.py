"""Phrase groups for bullying with no rude word: exclusion worded freely, and mocking how
someone reads, looks or speaks (see ``phrases.py``; insult frames such as "ur ugly" are
name-calling frames there).

The words are families in ``data/bullying_words.txt``. The frames are second person
("you read like a baby", "your reading is so bad", "no one wants you in our group"),
so book talk ("nobody likes the villain", "this book helped me learn to read") is left
alone. Category ``bullying``, severity 2.
"""

from __future__ import annotations

from bot.screening.phrase_rx import (
    B0,
    B1,
    END,
    START_BEHIND,
    S,
    _Group,
    _group,
    _w,
    first_word,
    gap,
)
from bot.screening.verdict import BULLYING
from bot.screening.word_families import anchors, families, gate

__all__ = ["BULLYING_GROUPS"]

F = families("bullying_words.txt")


def fam(name: str) -> str:
    return _w(*F[name])


_YOU = _w("you", "u", "ya", "yu")
_YOUR = _w("your", "ur", "yur", "yor", "yer", "ya", "yo")
_DEGREE = f"(?:{fam('degree')}{S})"

# --- exclusion ----------------------------------------------------------------------
# "no body likes u", "nobody wants to sit with you", "no one will ever be your friend"
# (not "nobody likes the villain")
_NONE = (
    fam("none") + S + f"(?:{_w('really', 'even', 'ever', 'here', 'in this class', 'at school', 'in our class')}{S}){{0,2}}"  # noqa: E501
    + fam("none_verb") + B1
    + f"(?:{S}{_w('you', 'u', 'ya', 'yu', 'here', 'around', 'anyway', 'at all')}{B1}|{END})"
)  # fmt: skip
_WHO_ARE = _w(*F["you_are"], *F["your"], "you", "u", "ya")
# "your not in our group anymore", "you aren t allowed in our club"
_NOT_IN = (
    _WHO_ARE + S + f"(?:{_w('so', 'just', 'still', 'officially')}{S})?" + fam("not_in") + S
    + _w("our", "my", "the", "this", "his", "her", "their", "any") + S + fam("group") + B1
)  # fmt: skip
# "we dont want you on our team", "i dont want u near me"
_DONT_WANT = (
    _w("we", "i", "they", "nobody", "no one", "noone", "we all", "everyone") + S
    + _w("don t", "dont", "do not", "doesn t", "doesnt", "didn t", "didnt", "never") + S
    + _w("want", "wanted", "want to have") + S + _YOU + B1
    + f"(?:{S}" + _w("in", "on", "at", "near", "around", "here", "to join", "to come",
                     "to play", "to sit", "anymore", "there") + f"{B1}|{END})"
)  # fmt: skip

# --- mocking ------------------------------------------------------------------------
# "you read like a baby", "u talk like a 5 year old"
_LIKE_DET = _w("a", "an", "my", "your", "ur", "his", "her", "the", "some", "a little", "little",
              "lil", "tiny", "stupid", "dumb", "a lil", "a tiny")  # fmt: skip
_LIKE = (
    _YOU + S + fam("mock_verb") + S + f"{_DEGREE}{{0,2}}" + "like" + S
    + f"(?:{_LIKE_DET}{S}){{0,2}}" + fam("like_who") + B1
)  # fmt: skip
# "you can t sit at our table", "u cant play in our game"
_CANT_JOIN = (
    _YOU + S
    + _w("can t", "cant", "cannot", "can not", "aren t allowed to", "arent allowed to",
         "are not allowed to", "re not allowed to", "r not allowed to", "not allowed to",
         "ain t allowed to", "will never", "ll never")
    + S + _w("sit", "play", "eat", "hang out", "stand", "be", "come", "join", "stay")
    + S + _w("at", "in", "with", "on", "near", "to") + S
    + _w("our", "my", "this", "the", "us at", "us in") + S + fam("group") + B1
)  # fmt: skip
# "you read so slow", "you talk funny" (not "you read so well")
_HOW = _YOU + S + fam("mock_verb") + S + f"{_DEGREE}{{0,2}}" + fam("how_bad") + B1
# "you cant even read", "u cant even spell lol" (not "you can t read it without crying")
_CANT = (
    _YOU + S + fam("cant") + S + fam("skill") + B1
    + f"(?:{S}{fam('cant_tail')}{B1}|{END})"
)  # fmt: skip
# "go learn to read", "learn how to read!" (not "this book helped me learn to read")
_LEARNED = S + fam("skill") + B1 + f"(?:{S}{fam('learn_tail')}{B1}|{END})"
_LEARN = first_word(
    (F["learn"], (START_BEHIND,), _LEARNED),
    (F["learn_lead"], (), S + fam("learn") + _LEARNED),
)
# "your reading is so bad", "ur teeth are gross" (not "your drawing is so good")
_FEATURE = (
    _YOUR + S + f"{_DEGREE}?" + fam("feature") + S + fam("is") + S + f"{_DEGREE}{{0,2}}"
    + fam("judgement") + B1
)  # fmt: skip
# "u have big ears"
_BIG = (
    _YOU + S + _w("have", "got", "ve got", "have got", "has", "have such", "got such") + S
    + f"(?:{_w('a', 'an', 'the', 'such a', 'really', 'so')}{S})?" + f"{_DEGREE}?"
    + fam("big") + S + fam("body_part") + B1
)  # fmt: skip
# "my little sister reads better than you" (not "... better than you think")
_BETTER = (
    fam("does_better") + S + _YOU + B1
    + f"(?!{S}{_w('think', 'thought', 'do', 'did', 'can', 'could', 'would', 'will', 'might', 'expect', 'expected', 'imagine', 'know', 'realize', 'lol jk')}{B1})"  # noqa: E501
)  # fmt: skip
# "you re the worst reader in the class"
_BAD_READER = _w(*F["you_are"], "your", "ur") + S + gap(2) + fam("bad_reader") + B1


_EXCLUDING = "excluding someone"
_MOCKING = "mocks how someone reads, looks or speaks"


def _rule(anchor_words: str, pattern: str, reason: str, *gates: str) -> _Group:
    """One rule: its own anchors (and gates), so its regex runs only when it could match."""
    return _group(anchor_words, B0 + "(?:" + pattern + ")", (BULLYING,), 2, reason, gates)


_YOU_WORDS = "you u ya yu"
BULLYING_GROUPS: tuple[_Group, ...] = (
    _rule(anchors(F["none"]), _NONE, _EXCLUDING, gate(F["none_verb"])),
    _rule(anchors(F["group"]), _NOT_IN, _EXCLUDING, gate(F["not_in"])),
    _rule("want wanted", _DONT_WANT, _EXCLUDING, "don dont not doesn doesnt didn didnt never",
          _YOU_WORDS),
    _rule(anchors(F["exclusion"]), fam("exclusion") + B1, _EXCLUDING),
    _rule(anchors(F["group"]), _CANT_JOIN, _EXCLUDING, _YOU_WORDS,
          "can cant cannot aren arent allowed not never ain will ll"),
    _rule(anchors(F["like_who"]), _LIKE, _MOCKING, gate(F["mock_verb"]), _YOU_WORDS),
    _rule(anchors(F["how_bad"]), _HOW, _MOCKING, gate(F["mock_verb"]), _YOU_WORDS),
    # "read" is in most messages about a book: the rarer words open these two
    _rule(anchors(F["cant"]), _CANT, _MOCKING, gate(F["skill"]), _YOU_WORDS),
    _rule(anchors(F["learn"]), _LEARN, _MOCKING, gate(F["skill"])),
    _rule(anchors(F["judgement"]), _FEATURE, _MOCKING, gate(F["feature"])),
    _rule(anchors(F["body_part"]), _BIG, _MOCKING, gate(F["big"]), _YOU_WORDS),
    _rule(anchors(F["does_better"]), _BETTER, _MOCKING),
    _rule(anchors(F["bad_reader"]), _BAD_READER, _MOCKING),
    _rule(anchors(F["speak_right"]), fam("speak_right") + B1, _MOCKING),
)  # fmt: skip
