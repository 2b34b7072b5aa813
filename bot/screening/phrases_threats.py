"""Phrase groups for threats and for telling someone to die (see ``phrases.py``).

The words are families in ``data/threat_words.txt`` (places and vehicles are shared
with ``data/selfharm_words.txt``). A threat is second person: "i ll hurt you", "watch
your back", "you re dead after school", "burn your house down"; the book's "this book
will break your heart" or "wait till you read chapter 5" is not. Threats are bullying
at severity 3; telling someone to kill themself also escalates as self-harm.
"""

from __future__ import annotations

from bot.screening.phrase_rx import B0, B1, END, START, S, _Group, _group, _w, not_followed_by
from bot.screening.phrases_selfharm import F as SELF_F
from bot.screening.verdict import BULLYING, SELF_HARM
from bot.screening.word_families import anchors, families, leet

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
_GO = (
    "(?<!na )(?<!to )(?<!ll )(?<!i )(?<!ma )"
    + "go" + S + f"(?:{_w('and', 'away and', 'off and', 'ahead and', 'just')}{S})?"
    + f"(?:{fam('go_what')}{B1}{_DIE_FIGURE})"
)  # fmt: skip
# "just die", opening the message or after "pls", "why dont you" (not "i could just die")
_JUST_DIE = (
    f"(?:{START}|{_w('you', 'u', 'pls', 'please', 'plz', 'so', 'and', 'now', 'then', 'why don t you', 'why dont you', 'why dont u', 'y dont u', 'can you', 'can u')}{S})"  # noqa: E501
    + "just" + S + _w(*leet(("die",))) + B1 + _DIE_FIGURE
)  # fmt: skip
# "everyone would be happier without you", "nobody would care if you died"
_YOU_ABSENT = fam("you_absent") + B1
_BETTER = (
    _w("better", "happier", "easier", "nicer", "glad", "relieved", "happy") + S + _GAP3
    + _YOU_ABSENT
    + "|" + _w("nobody", "no body", "no one", "noone", "no1") + S + _GAP3
    + _w("care", "cares", "notice", "miss", "cry", "remember") + S + _GAP3 + _YOU_ABSENT
)  # fmt: skip
# not "don t hurt yourself", "did you cut yourself?"
_NOT_CARE = "(?<!n.t )(?<!nt )(?<!not )(?<!you )(?<!u )"
_TELL_TO_DIE = B0 + "(?:" + "|".join((
    _NOT_CARE + fam("kill_verb") + S + fam("yourself") + B1,
    fam("kys") + B1,
    _GO,
    _JUST_DIE,
    _BETTER,
)) + ")"  # fmt: skip

# --- threats ------------------------------------------------------------------------
# "i ll beat you up", "we re gonna find you" (not "i ll get you a copy", "beat you at chess")
_HURT_YOU = (
    fam("threat_subject") + S + _FILL + fam("threat_verb") + S + fam("threat_target") + B1
    + not_followed_by(fam("target_not"))
    + "|" + fam("threat_subject") + S + _FILL + fam("make") + B1
)  # fmt: skip
# "burn your house down", "i ll smash your stupid face in" (not "break your heart")
_WRECK = (
    fam("wreck") + S + fam("your") + S
    + f"(?:{_w('stupid', 'ugly', 'fat', 'dumb', 'little', 'whole', 'big', 'lil', 'precious', 'new')}{S}){{0,2}}"  # noqa: E501
    + fam("belonging") + B1
)  # fmt: skip
# "wait till recess", "you just wait til i see you" (not "i cant wait till recess",
# "wait till you read chapter 5")
_WAIT = (
    f"(?:{START}|{fam('wait_lead')}{S})" + f"(?:just{S})?" + fam("wait") + S
    + fam("wait_when") + B1
    + not_followed_by(_w("to", "for", "so", "then", "before", "because", "cause", "and read"))
)  # fmt: skip
# "ur dead after school", "you re so dead", "you re dead meat"; "your dead" alone is
# also "bring out your dead", so it needs a "so" or a "when"
_SO_DEAD = _w("so", "soo", "sooo", "gonna be", "going to be", "will be", "ll be", "literally",
              "totally", "actually", "completely", "super", "deadass", "like")  # fmt: skip
_DEAD = (
    fam("you_are") + S + f"(?:{_SO_DEAD}{S}){{0,2}}" + "dead" + S + fam("dead_when") + B1
    + "|" + fam("you_are") + S + f"(?:{_SO_DEAD}{S}){{1,2}}" + "dead" + END
    + "|" + _w("youre", "you re", "ur", "u r", "you r", "u are", "you are") + S + "dead" + END
)  # fmt: skip
# "you re gonna get it", "you ll be sorry", "you re gonna die" (not "... when you read it")
_YOU_WILL = (
    _w("you", "u", "ya", "youre", "ur", "your") + S + fam("you_will") + S
    + f"(?:{fam('will_what')}{B1}|pay{END}|{_w(*leet(('die',)))}{B1}{_DIE_FIGURE})"
    + "|" + _w("you", "u", "ya", "youre", "ur", "your") + S
    + _w("re gonna", "r gonna", "are gonna", "gonna", "re so gonna", "are so gonna") + S
    + "get it" + f"(?:{END}|{S}{fam('dead_when')}{B1})"
)  # fmt: skip
_THREAT = B0 + "(?:" + "|".join((
    _HURT_YOU,
    _WRECK,
    _WAIT,
    _DEAD,
    _YOU_WILL,
    fam("know") + B1,
    fam("watch") + B1,
)) + ")"  # fmt: skip


THREAT_GROUPS: tuple[_Group, ...] = (
    _group(
        anchors(words_of("yourself"), words_of("kys"), words_of("go_what"), leet(("die",)),
                F["you_absent"]),
        _TELL_TO_DIE,
        (BULLYING, SELF_HARM),
        3,
        "tells someone to hurt themself",
    ),  # fmt: skip
    _group(
        anchors(words_of("threat_verb"), F["make"], F["belonging"], F["wait_when"],
                ("dead",), F["will_what"], ("pay",), leet(("die",)), F["know"], F["watch"]),
        _THREAT,
        (BULLYING,),
        3,
        "threat",
    ),  # fmt: skip
)
