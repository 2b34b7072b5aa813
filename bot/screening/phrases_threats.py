"""Phrase groups for threats and for telling someone to die (see ``phrases.py``).

The words are families in ``data/threat_words.txt`` (places and vehicles are shared
with ``data/selfharm_words.txt``). A threat is second person: "i ll hurt you", "watch
your back", "you re dead after school", "burn your house down"; the book's "this book
will break your heart" or "wait till you read chapter 5" is not. Threats are bullying
at severity 3; telling someone to kill themself also escalates as self-harm.
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
    not_followed_by,
)
from bot.screening.phrases_selfharm import F as SELF_F
from bot.screening.verdict import BULLYING, SELF_HARM
from bot.screening.word_families import anchors, families, gate, leet

__all__ = ["THREAT_GROUPS"]

F = families("threat_words.txt")
_LEET = {"yourself", "kill_verb", "kys", "go_what", "threat_verb"}


def fam(name: str) -> str:
    return _w(*words_of(name))


def words_of(name: str) -> tuple[str, ...]:
    if name in F:
        return leet(F[name]) if name in _LEET else F[name]
    return SELF_F[name]


_FILL = f"(?:{_w(*SELF_F['filler'])}{S}){{0,2}}"
_GAP3 = f"(?:[a-z0-9]++{S}){{0,3}}"
_DIE_FIGURE = not_followed_by(_w(*SELF_F["die_figure"], *SELF_F["die_prediction"]))

# --- telling someone to die ---------------------------------------------------------
# "go play in traffic", "just go die" (not "i m gonna go die in a hole", said of oneself)
_GO = first_word((
    ("go",),
    ("na ", "to ", "ll ", "i ", "ma "),
    S + f"(?:{_w('and', 'away and', 'off and', 'ahead and', 'just')}{S})?"
    + f"(?:{fam('go_what')}{B1}{_DIE_FIGURE})",
))  # fmt: skip
# "just die", opening the message or after "pls", "why dont you" (not "i could just die")
_JUST = S + _w(*leet(("die",))) + B1 + _DIE_FIGURE
_JUST_DIE = first_word(
    (("just",), (START_BEHIND,), _JUST),
    (("you", "u", "pls", "please", "plz", "so", "and", "now", "then", "why don t you",
      "why dont you", "why dont u", "y dont u", "can you", "can u"), (), S + "just" + _JUST),
)  # fmt: skip
# "everyone would be happier without you", "nobody would care if you died"
_YOU_ABSENT = fam("you_absent") + B1
_BETTER = (
    _w("better", "happier", "easier", "nicer", "glad", "relieved", "happy") + S + _GAP3
    + _YOU_ABSENT
)  # fmt: skip
_NOBODY_CARES = (
    _w("nobody", "no body", "no one", "noone", "no1") + S + _GAP3
    + _w("care", "cares", "notice", "miss", "cry", "remember") + S + _GAP3 + _YOU_ABSENT
)  # fmt: skip
# not "don t hurt yourself", "did you cut yourself?"
_TELL_TO_DIE = "tells someone to hurt themself"
_NOT_CARE_KILL = first_word(
    (words_of("kill_verb"), ("n.t ", "nt ", "not ", "you ", "u "), S + fam("yourself") + B1)
)

# --- threats ------------------------------------------------------------------------
# "i ll beat you up", "we re gonna find you" (not "i ll get you a copy", "beat you at chess")
_HIT_UP = f"(?!hit{S}{_w('you', 'u', 'ya')}{S}up{B1})"  # "i ll hit you up": a call
_HURT_YOU = (
    fam("threat_subject") + S + _FILL + _HIT_UP + fam("threat_verb") + S
    + fam("threat_target") + B1
    + not_followed_by(fam("target_not"))
)  # fmt: skip
# "i ll punch you tomorrow", "im gonna hit you at lunch" (not "i ll hit you up later")
_STRIKE_YOU = (
    fam("threat_subject") + S + _FILL + _HIT_UP + fam("hurt_verb") + S
    + fam("threat_target") + B1
    + not_followed_by(fam("hurt_not"))
)  # fmt: skip
# "i ll make you cry", "im gonna ruin your life"
_MAKE = fam("threat_subject") + S + _FILL + fam("make") + B1
# "burn your house down", "i ll smash your stupid face in" (not "break your heart")
_WRECK = (
    fam("wreck") + S + fam("your") + S
    + f"(?:{_w('stupid', 'ugly', 'fat', 'dumb', 'little', 'whole', 'big', 'lil', 'precious', 'new')}{S}){{0,2}}"  # noqa: E501
    + fam("belonging") + B1
)  # fmt: skip
# "wait till recess", "you just wait til i see you" (not "i cant wait till recess",
# "wait till you read chapter 5")
_WHEN = (
    S + fam("wait_when") + B1
    + not_followed_by(_w("to", "for", "so", "then", "before", "because", "cause", "and read"))
)  # fmt: skip
_WAIT = first_word(
    (F["wait"], (START_BEHIND,), _WHEN),
    (("just",), (START_BEHIND,), S + fam("wait") + _WHEN),
    (F["wait_lead"], (), S + f"(?:just{S})?" + fam("wait") + _WHEN),
)
# "ur dead after school", "you re so dead", "you re dead meat"; "your dead" alone is
# also "bring out your dead", so it needs a "so" or a "when"
_SO_DEAD = _w("so", "soo", "sooo", "gonna be", "going to be", "will be", "ll be", "literally",
              "totally", "actually", "completely", "super", "deadass", "like")  # fmt: skip
_DEAD = first_word(
    (F["you_are"], (), S + f"(?:{_SO_DEAD}{S}){{0,2}}" + "dead" + S + fam("dead_when") + B1),
    (F["you_are"], (), S + f"(?:{_SO_DEAD}{S}){{1,2}}" + "dead" + END),
    (("youre", "you re", "ur", "u r", "you r", "u are", "you are"), (), S + "dead" + END),
)  # fmt: skip
# "you re gonna get it", "you ll be sorry", "you re gonna die" (not "... when you read it")
_WILL_WHAT = first_word(
    (F["you_will"], (), S
     + f"(?:{fam('will_what')}{B1}|pay{END}|{_w(*leet(('die',)))}{B1}{_DIE_FIGURE})"),
    (("re gonna", "r gonna", "are gonna", "gonna", "re so gonna", "are so gonna"), (),
     S + "get it" + f"(?:{END}|{S}{fam('dead_when')}{B1})"),
)  # fmt: skip
_YOU_WILL = _w("you", "u", "ya", "youre", "ur", "your") + S + _WILL_WHAT
_THREAT = "threat"
_YOU_FIRST = ("you", "u", "ya", "youre", "ur", "your")


def _rule(anchor_words: str, pattern: str, reason: str, *gates: str) -> _Group:
    """One rule: its own anchors (and gates), so its regex runs only when it could match."""
    cats = (BULLYING, SELF_HARM) if reason == _TELL_TO_DIE else (BULLYING,)
    return _group(anchor_words, B0 + "(?:" + pattern + ")", cats, 3, reason, gates)


_DIE = leet(("die",))
THREAT_GROUPS: tuple[_Group, ...] = (
    _rule(anchors(words_of("yourself")), _NOT_CARE_KILL, _TELL_TO_DIE),
    _rule(anchors(words_of("kys")), fam("kys") + B1, _TELL_TO_DIE),
    _rule(anchors(words_of("go_what")), _GO, _TELL_TO_DIE, "go"),
    _rule(anchors(_DIE), _JUST_DIE, _TELL_TO_DIE, "just"),
    _rule(anchors(F["you_absent"]), _BETTER, _TELL_TO_DIE),
    _rule(anchors(F["you_absent"]), _NOBODY_CARES, _TELL_TO_DIE),
    _rule(anchors(words_of("threat_verb")), _HURT_YOU, _THREAT,
          gate(F["threat_subject"]), gate(F["threat_target"])),
    _rule(anchors(words_of("hurt_verb")), _STRIKE_YOU, _THREAT,
          gate(F["threat_subject"]), gate(F["threat_target"])),
    _rule(anchors(F["make"]), _MAKE, _THREAT, gate(F["threat_subject"])),
    # "house", "dog" are common in stories: the verb opens the rule
    _rule(anchors(F["wreck"]), _WRECK, _THREAT, gate(F["belonging"]), gate(F["your"])),
    _rule(anchors(F["wait"]), _WAIT, _THREAT, gate(F["wait_when"])),
    _rule("dead", _DEAD, _THREAT),
    _rule(anchors(F["will_what"], ("pay", "get it"), _DIE), _YOU_WILL, _THREAT,
          " ".join(_YOU_FIRST)),
    _rule(anchors(F["know"]), fam("know") + B1, _THREAT),
    _rule(anchors(F["watch"]), fam("watch") + B1, _THREAT),
)  # fmt: skip
