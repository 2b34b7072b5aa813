"""Phrase groups for self-harm in children's own words (see ``phrases.py``).

The words are families in ``data/selfharm_words.txt``; the rules here are frames over
them. What makes a sentence about the writer and not about a story: "i" (or no subject
at the start of a message: "just wanna die") and a wish or a plan ("i want to",
"i m gonna"), not a past story event ("he jumped off the bridge") or a figure of
speech ("die of boredom", "dying to know", "i would die for this book"). Every match
escalates (category ``selfharm``, severity 3).
"""

from __future__ import annotations

import re

from bot.screening.phrase_rx import (
    B0,
    B1,
    END,
    START,
    S,
    _Group,
    _group,
    _w,
    gap,
    not_followed_by,
)
from bot.screening.verdict import SELF_HARM
from bot.screening.word_families import anchors, families, gate, leet

__all__ = ["SELFHARM_GROUPS", "F"]

F = families("selfharm_words.txt")
LEET = {"die", "self", "harm_verb", "slang", "wish"}


def fam(name: str) -> str:
    """One family as a trie alternation (with digit spellings for some families)."""
    return _w(*(leet(F[name]) if name in LEET else F[name]))


def words_of(*names: str) -> tuple[str, ...]:
    return tuple(e for n in names for e in (leet(F[n]) if n in LEET else F[n]))


_FILL = f"(?:{fam('filler')}{S})"


def _front(intents: tuple[str, ...], after: str, *, fused: bool = False, bare: bool = False) -> str:
    """An intent word ("want to", "gonna") with what opens it, then ``after`` (from the
    separator after the intent on): "i just wanna", "im literally gonna", or no subject
    at the start of the message ("just wanna", "wanna"). ``fused``: also "ima", "ill"
    (subject and intent in one); ``bare``: also a subject with no intent ("i took").

    Written compact (``after`` once) with a first-letter look-ahead, not merged by first
    letter: these rules run rarely, and a small pattern stays in the CPU's cache."""
    intent = _w(*intents)
    opener = f"(?:{intent}{S})?" if bare else f"{intent}{S}"
    heads = (*F["subject"], *F["lead"], *intents, *(F["subject_going"] if fused else ()))
    chars = "".join(sorted({re.escape(e[0]) for e in heads}))
    alts = [
        fam("subject") + S + f"{_FILL}{{0,3}}" + opener,
        START + f"(?:{fam('lead')}{S}(?:{fam('lead')}{S})?)?" + intent + S,
    ]
    if fused:
        alts.append(fam("subject_going") + S)
    return f"(?=[{chars}])(?:" + "|".join(alts) + ")" + after[len(S) :]


SELF_NONE = ("nobody", "no body", "noone", "no one", "no1", "nobdy", "not one person", "no 1")
_WISH_GOING = (*words_of("wish"), *words_of("going"))
_FIG = not_followed_by(fam("die_figure"))
_PRED = not_followed_by(_w(*F["die_figure"], *F["die_prediction"]))

# "i want to die", "just wanna unalive", "i deserve to die" (not "die of boredom")
_WISH_DIE = _front(
    words_of("wish"),
    S + f"{_FILL}{{0,2}}" + f"(?:{fam('die')}{B1}{_FIG}|{fam('die_misspelt')}{B1}{END})",
)
# "i m gonna die", but not "i m gonna die if there is no sequel" or "gonna die lol"
_GOING_DIE = _front(words_of("going"), S + f"{_FILL}{{0,2}}" + fam("die") + B1 + _PRED, fused=True)
# "i wanna disappear forever", "i wish i could just disappear." (not "disappear into")
_FADE = _front(
    _WISH_GOING,
    S + f"{_FILL}{{0,2}}" + fam("fade") + B1 + f"(?:{S}{fam('forever')}{B1}|{END})",
    fused=True,
)
# "i wish i was never born", "wish i could stop existing"
_STATE = (
    _w("wish", "wished", "wishing", "wishes") + S + f"(?:that{S})?" + _w("i", "i d", "id")
    + S + f"(?:{fam('filler')}{S})?"
    + f"(?:{fam('state')}{B1}"
    + f"|{fam('state_fade')}{B1}(?:{S}{fam('forever')}{B1}|{END})"
    + f"|{_w('could', 'would', 'd')}{S}{_FILL}?{fam('die')}{B1}{_FIG})"
)  # fmt: skip
# "no point in living", "i don t see the point of being alive"
_POINT = (
    _w("no", "the", "any") + S + "point" + S + _w("in", "of", "to", "in even", "of even") + S
    + _w("living", "being alive", "existing", "going on", "me living", "me being alive",
         "staying alive", "waking up", "trying anymore", "being here", "me being here",
         "anything", "anything anymore", "life", "my life", "being born",
         "living anymore", "even trying", "even living", "being me")
    + B1
)  # fmt: skip
# "i don t want to live anymore", "dont wanna wake up" (not "wake up early")
_DONT_LIVE = _front(
    F["dont"],
    S + _w("want", "wanna", "wana", "feel like", "wish to") + S + f"(?:{_w('to', '2')}{S})?"
    + fam("live") + B1
    + not_followed_by(_w("early", "for", "at", "on", "in", "so early", "to go", "and go")),
)  # fmt: skip
# "thinking about killing myself", "i keep thinking about dying a lot"
_THINK = _front(
    F["think"],
    S + f"(?:{fam('think_what')}{B1}|(?:{fam('think_dying')}|(?<!like )death)"
    f"(?:{S}{fam('think_tail')}{B1}|{END}))",
)
# "nobody would notice if i was gone", "they d all be happier without me"
_ABSENT = (
    f"(?:if{S}i{S}(?:{_w('just', 'really', 'ever', 'suddenly', 'one day')}{S})?"
    f"{fam('absent_if')}|{fam('absent')})"
    + B1
    + not_followed_by(
        _w(
            "to",
            "for",
            "on",
            "at",
            "in(?!" + S + "it" + B1 + ")",
            "away",
            "camping",
            "out",
            "from",
            "like",
            "into",
            "with",
            "as",
        )
    )
)
_CARE = fam("care") + S + gap(3) + _ABSENT
_ABSENT_FIRST = _ABSENT + S + gap(2) + fam("who") + S + gap(2) + fam("care") + B1
_WORTH = fam("worth") + B1 + not_followed_by(fam("worth_figure"))
# "nobody would even miss me", "no one cares about me" (not "... like my dog does")
_UNWANTED = (
    _w(*SELF_NONE) + S + gap(2) + fam("unwanted") + B1
    + not_followed_by(_w("like", "as", "more", "than", "except", "but", "when", "back"))
)  # fmt: skip
# "i m so done with my life", "im literally tired of being alive"
_DONE = (
    _w("i m", "im", "i am", "iam", "i", "i ve been", "ive been") + S + f"{_FILL}{{0,2}}"
    + _w("done with", "tired of", "sick of", "so over", "sick and tired of", "fed up with")
    + S + _w("life", "my life", "living", "being alive", "existing", "being me", "this life",
             "my whole life", "being here", "waking up")
    + B1 + not_followed_by(_w("for today", "lol", "lmao", "haha", "in the story"))
)  # fmt: skip
# "my best friend said she wants to die", "a boy in my class is cutting himself"
_FRIEND = fam("friend") + S + gap(4) + fam("friend_harm") + B1
# "why am i even alive", "idk why i even exist"
_WHY_ALIVE = (
    "why" + S + f"(?:{_w('am i', 'do i', 'was i', 'm i', 'im', 'i m', 'i am', 'does', 'is')}{S})?"
    + f"(?:{_w('even', 'still', 'ever', 'even still')}{S})?"
    + _w("alive", "exist", "born", "living", "breathing", "bother living", "here on earth",
         "bother", "awake", "a thing", "still alive")
    + B1
)  # fmt: skip
# "i wouldnt mind dying", "i don t care if i die"
_NOT_MIND = (
    _w("wouldn t", "wouldnt", "would not", "don t", "dont", "do not", "wouldn t even",
       "wouldnt even", "don t even", "dont even", "honestly wouldnt", "really wouldnt")
    + S + _w("mind", "care") + S
    + f"(?:{_w('dying', 'being dead', 'not existing', 'not waking up', 'disappearing')}{B1}"
    + f"|{_ABSENT})"
)  # fmt: skip
# "i wish a car would hit me", "i wish someone would just kill me"
_HIT_ME = (
    _w("wish", "hope", "wished", "hoping") + S
    + _w("a car", "a bus", "a truck", "a train", "someone", "somebody", "something")
    + S + f"(?:{_w('would', 'will', 'd', 'could')}{S})?" + f"(?:just{S})?"
    + _w("hit", "hits", "kill", "kills", "run over", "runs over", "end", "murder", "shoot")
    + S + "me" + B1 + not_followed_by(_w("with", "back", "too", "in the", "at", "up"))
)  # fmt: skip
_NOT_EATING = (
    fam("not_eating")
    + B1
    + f"(?:{S}"
    + _w(
        "so",
        "because",
        "cause",
        "cuz",
        "bc",
        "and",
        "for days",
        "for a week",
        "anymore",
        "at all",
        "on purpose",
        "to disappear",
        "to get thin",
        "to be thin",
        "so i can",
    )
    + f"{B1}|{END})"
)
# "what if i just wasnt here anymore", "would anyone care if i died"
_WHAT_IF = fam("what_if") + S + _ABSENT

# "kill myself", "i keep hurting myself" (not "hurt myself playing football")
_HARM_SELF = (
    _w(*words_of("harm_verb", "harm_gerund")) + S + fam("self") + B1
    + not_followed_by(fam("accident"))
)  # fmt: skip
_TIME = _w("days", "weeks", "months", "years", "year", "a while", "ages", "long", "a long time")
# "i ve been cutting again", "i started cutting my arms" (not "cutting out shapes")
_CUTTING = (
    fam("cut_subject") + S + f"(?:{fam('filler')}{S}){{0,2}}" + fam("cut_word") + B1
    + f"(?:{S}{fam('cut_tail')}{B1}|{S}for{S}{gap(2)}{_TIME}{B1}|{END})"
)  # fmt: skip
# "im going to jump off a bridge", "i wanna step in front of a car"
_JUMP = _front(
    (*_WISH_GOING, *F["think"]),
    S + f"{_FILL}{{0,2}}" + fam("jump") + S
    + f"(?:{fam('jump_off')}{S}{gap(4)}{fam('height')}"
    f"|{fam('jump_front')}{S}{gap(2)}{fam('vehicle')}"
    f"|{fam('jump_into')}{S}{gap(2)}{fam('road')}){B1}",
    fused=True,
)  # fmt: skip
# "i took a bunch of my mums pills", "i want to drink bleach"
_PILLS = _front(
    _WISH_GOING,
    S
    + f"{_FILL}?"
    + fam("take")
    + S
    + f"(?:{fam('pills_how_many')}{S}{gap(2)}{fam('pills')}|(?:some{S})?{_w('bleach', 'poison')})"
    + B1,
    fused=True,
    bare=True,
)


_HURTING = "talks about hurting themself"
_THINKING = "may be thinking about self-harm"


def _rule(anchor_words: str, pattern: str, reason: str, *gates: str) -> _Group:
    """One rule: its own anchors (and gates), so its regex runs only when it could match."""
    return _group(anchor_words, B0 + "(?:" + pattern + ")", (SELF_HARM,), 3, reason, gates)


_JUMP_TO = (*F["height"], *F["vehicle"], *F["road"])
_GOING_GATE = gate(words_of("wish"), words_of("going"), F["subject_going"])
SELFHARM_GROUPS: tuple[_Group, ...] = (
    _rule(anchors(words_of("self")), _HARM_SELF, _HURTING),
    _rule(anchors(words_of("cut_word")), _CUTTING, _HURTING),
    _rule(anchors(F["wrists"]), fam("wrists") + B1, _HURTING),
    _rule(anchors(_JUMP_TO), _JUMP, _HURTING, gate(F["jump"]), _GOING_GATE),
    _rule(anchors(F["pills"]), _PILLS, _HURTING, gate(F["take"])),
    _rule(
        anchors(words_of("die", "die_misspelt")),
        _WISH_DIE + "|" + _GOING_DIE,
        _THINKING,
        _GOING_GATE,
    ),
    _rule(anchors(words_of("fade")), _FADE, _THINKING, _GOING_GATE),
    _rule("wish wished wishing wishes", _STATE, _THINKING),
    _rule("point", _POINT, _THINKING),
    _rule(anchors(F["live"]), _DONT_LIVE, _THINKING, gate(F["dont"])),
    _rule(
        anchors(words_of("think_what", "think_dying"), ("death",)),
        _THINK,
        _THINKING,
        gate(F["think"]),
    ),
    # one rule for the three "if i was gone" frames: they share their many anchors
    _rule(
        anchors(F["absent"], F["absent_if"]),
        _CARE + "|" + _ABSENT_FIRST + "|" + _WHAT_IF,
        _THINKING,
        gate(F["care"], F["what_if"]),
    ),
    _rule(anchors(F["worth"]), _WORTH, _THINKING),
    _rule(
        "mind care",
        _NOT_MIND,
        _THINKING,
        "wouldn wouldnt would don dont do",
        "dying dead existing waking disappearing if without when whether after once",
    ),
    _rule(anchors(F["friend_harm"]), _FRIEND, _THINKING, gate(F["friend"])),
    _rule(
        "alive exist born living breathing bother earth awake thing", _WHY_ALIVE, _THINKING, "why"
    ),
    _rule("life living alive existing waking", _DONE, _THINKING, "done tired sick over fed"),
    _rule(
        "hit hits kill kills run runs end murder shoot",
        _HIT_ME,
        _THINKING,
        "wish hope wished hoping",
    ),
    _rule(anchors(F["not_eating"]), _NOT_EATING, _HURTING),
    _rule(anchors(F["unwanted"]), _UNWANTED, _THINKING, gate(SELF_NONE)),
    _rule(anchors(words_of("slang")), fam("slang") + B1, _THINKING),
)
