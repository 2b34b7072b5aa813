"""Phrase groups for self-harm in children's own words (see ``phrases.py``).

The words are families in ``data/selfharm_words.txt``; the rules here are frames over
them. What makes a sentence about the writer and not about a story: "i" (or no subject
at the start of a message: "just wanna die") and a wish or a plan ("i want to",
"i m gonna"), not a past story event ("he jumped off the bridge") or a figure of
speech ("die of boredom", "dying to know", "i would die for this book"). Every match
escalates (category ``selfharm``, severity 3).
"""

from __future__ import annotations

from bot.screening.phrase_rx import B0, B1, END, START, S, _Group, _group, _w, gap, not_followed_by
from bot.screening.verdict import SELF_HARM
from bot.screening.word_families import anchors, families, leet

__all__ = ["F", "SELFHARM_GROUPS"]

F = families("selfharm_words.txt")
LEET = {"die", "self", "harm_verb", "harm_gerund", "slang", "cut_word", "fade", "think_what"}


def fam(name: str) -> str:
    """One family as a trie alternation (with digit spellings for some families)."""
    return _w(*(leet(F[name]) if name in LEET else F[name]))


def words_of(*names: str) -> tuple[str, ...]:
    return tuple(e for n in names for e in (leet(F[n]) if n in LEET else F[n]))


_FRONT = (
    f"(?:{fam('subject')}{S}(?:{fam('filler')}{S}){{0,3}}"
    f"|{START}(?:{fam('lead')}{S}){{0,2}})"
)
_WISH_OR_GOING = f"(?:{fam('wish')}|{fam('going')})"
# a wish or a plan: "i want to", "i m gonna", and "ima", "ill" (subject and verb in one)
_INTENT = f"(?:{_FRONT}{_WISH_OR_GOING}|{fam('subject_going')})"
_FIG = not_followed_by(fam("die_figure"))
_PRED = not_followed_by(_w(*F["die_figure"], *F["die_prediction"]))

# "i want to die", "just wanna unalive", "i deserve to die" (not "die of boredom")
_WISH_DIE = (
    _FRONT + fam("wish") + S + f"(?:{fam('filler')}{S}){{0,2}}"
    + f"(?:{fam('die')}{B1}{_FIG}|{fam('die_misspelt')}{B1}{END})"
)  # fmt: skip
# "i m gonna die", but not "i m gonna die if there is no sequel" or "gonna die lol"
_GOING_DIE = (
    f"(?:{_FRONT}{fam('going')}|{fam('subject_going')})" + S
    + f"(?:{fam('filler')}{S}){{0,2}}" + fam("die") + B1 + _PRED
)  # fmt: skip
# "i wanna disappear forever", "i wish i could just disappear." (not "disappear into")
_FADE = (
    _INTENT + S + f"(?:{fam('filler')}{S}){{0,2}}" + fam("fade") + B1
    + f"(?:{S}{fam('forever')}{B1}|{END})"
)  # fmt: skip
# "i wish i was never born", "wish i could stop existing"
_STATE = (
    _w("wish", "wished", "wishing", "wishes") + S + f"(?:that{S})?" + _w("i", "i d", "id")
    + S + f"(?:{fam('filler')}{S})?" + fam("state") + B1
)  # fmt: skip
# "i don t want to live anymore", "dont wanna wake up" (not "wake up early")
_DONT_LIVE = (
    _FRONT + fam("dont") + S + _w("want", "wanna", "wana", "feel like", "wish to")
    + S + f"(?:{_w('to', '2')}{S})?" + fam("live") + B1
    + not_followed_by(_w("early", "for", "at", "on", "in", "so early", "to go", "and go"))
)  # fmt: skip
# "thinking about killing myself", "i keep thinking about dying a lot"
_THINK = (
    _FRONT + fam("think") + S
    + f"(?:{fam('think_what')}{B1}|(?:{fam('think_dying')}|(?<!like )death)"
    f"(?:{S}{fam('think_tail')}{B1}|{END}))"
)  # fmt: skip
# "nobody would notice if i was gone", "they d all be happier without me"
_ABSENT = fam("absent") + B1 + not_followed_by(
    _w("to", "for", "on", "at", "in", "away", "camping", "out", "from")
)
_CARE = (
    fam("care") + S + gap(3) + _ABSENT
    + "|" + _ABSENT + S + gap(2) + fam("who") + S + gap(2) + fam("care") + B1
)  # fmt: skip
_WORTH = fam("worth") + B1 + not_followed_by(fam("worth_figure"))

# "kill myself", "i keep hurting myself" (not "hurt myself playing football")
_HARM_SELF = (
    f"(?:{fam('harm_verb')}|{fam('harm_gerund')})" + S + fam("self") + B1
    + not_followed_by(fam("accident"))
)  # fmt: skip
_TIME = _w("days", "weeks", "months", "years", "year", "a while", "ages", "long", "a long time")
# "i ve been cutting again", "i started cutting my arms" (not "cutting out shapes")
_CUTTING = (
    fam("cut_subject") + S + f"(?:{fam('filler')}{S}){{0,2}}" + fam("cut_word") + B1
    + f"(?:{S}{fam('cut_tail')}{B1}|{S}for{S}{gap(2)}{_TIME}{B1}|{END})"
)  # fmt: skip
# "im going to jump off a bridge", "i wanna step in front of a car"
_JUMP = (
    _INTENT + S + f"(?:{fam('filler')}{S}){{0,2}}" + fam("jump") + S
    + f"(?:{fam('jump_off')}{S}{gap(4)}{fam('height')}"
    f"|{fam('jump_front')}{S}{gap(2)}{fam('vehicle')}"
    f"|{fam('jump_into')}{S}{gap(2)}{fam('road')}){B1}"
)  # fmt: skip
# "i took a bunch of my mums pills", "i want to drink bleach"
_PILLS = (
    f"(?:{_INTENT}{S}|{fam('subject')}{S}(?:{fam('filler')}{S}){{0,2}})" + fam("take") + S
    + fam("pills") + B1
)  # fmt: skip


def _either(*patterns: str) -> str:
    return B0 + "(?:" + "|".join(patterns) + ")"


SELFHARM_GROUPS: tuple[_Group, ...] = (
    _group(
        anchors(words_of("self"), words_of("cut_word"), F["wrists"], F["height"],
                F["vehicle"], F["road"], F["pills"]),
        _either(_HARM_SELF, _CUTTING, fam("wrists") + B1, _JUMP, _PILLS),
        (SELF_HARM,),
        3,
        "talks about hurting themself",
    ),  # fmt: skip
    _group(
        anchors(words_of("die", "die_misspelt", "fade", "think_what", "think_dying", "slang"), F["live"],
                F["absent"], F["worth"]) + " wish wished wishing wishes",
        _either(_WISH_DIE, _GOING_DIE, _FADE, _STATE, _DONT_LIVE, _THINK, _CARE, _WORTH,
                fam("slang") + B1),
        (SELF_HARM,),
        3,
        "may be thinking about self-harm",
    ),  # fmt: skip
)
