"""Phrase groups for safety signals: self-harm, abuse and grooming (see ``phrases.py``)."""

from __future__ import annotations

from bot.screening.phrase_rx import B0, B1, S, _Group, _group, _seq, _w
from bot.screening.verdict import SELF_HARM

_ME = _w("myself", "my self", "meself", "me", "my life", "my own life")
_I = _w("i", "im", "i m", "ima", "imma", "i am", "i ll", "ill", "i will", "i wanna", "i want to",
        "i m going to", "i m gonna", "im gonna", "im going to", "i am going to", "i am gonna",
        "i should", "i could", "i might", "i need to", "i have to", "i feel like",
        "i just want to", "i just wanna", "i think i will", "i think ill", "i want",
        "i wish i could", "gonna", "going to", "want to", "wanna")  # fmt: skip
_FAMILY = _w("dad", "daddy", "father", "mom", "mum", "mommy", "mummy", "mother", "stepdad",
             "step dad", "stepmom", "step mom", "stepfather", "stepmother", "uncle", "aunt",
             "auntie", "brother", "sister", "cousin", "grandpa", "grandad", "granddad", "grandma",
             "babysitter", "coach", "parents", "boyfriend", "girlfriend", "he", "she", "they",
             "someone", "somebody", "a man", "a lady", "an adult", "a grown up",
             "the man")  # fmt: skip


SAFETY_GROUPS: tuple[_Group, ...] = (
    # --- self-harm ----------------------------------------------------------
    _group(
        "kill hurt harm cut end stab starve hang drown kms",
        B0
        + _I
        + S
        + f"(?:{_w('just', 'really', 'actually', 'literally', 'maybe', 'go', 'to')}{S})?"
        + _w("kill", "hurt", "harm", "cut", "end", "stab", "starve", "hang", "drown", "shoot")
        + S
        + _ME
        + B1
        + "|"
        + _seq(
            _w(
                "kms",
                "kill myself",
                "killing myself",
                "end my life",
                "ending my life",
                "end it all",
                "hurting myself",
                "cutting myself",
                "harming myself",
                "hurt myself",
                "cut myself",
            )
        ),
        (SELF_HARM,),
        3,
        "talks about hurting themself",
    ),
    _group(
        "die dead exist disappear alive live born suicide suicidal selfharm self overdose "
        "od pointless worthless miss better hate",
        "|".join(
            (
                _seq(
                    _w("want", "wanna", "wish", "going", "gonna", "ready", "rather", "deserve"),
                    f"(?:{_w('to', 'i', 'i could', 'i was', 'i were')}{S})?",
                    _w(
                        "die",
                        "be dead",
                        "not exist",
                        "disappear forever",
                        "not be alive",
                        "not be here anymore",
                        "not wake up",
                        "end it",
                        "dead",
                    ),
                ),
                _seq(
                    _w("i", "i just"),
                    _w("wish", "want"),
                    _w("i", "i was", "i were", "to be"),
                    _w("dead", "never born", "not alive", "gone forever", "die"),
                ),
                _seq(
                    _w("i", "i just", "i really"),
                    _w("don t", "dont", "do not", "didn t", "didnt"),
                    _w("want", "wanna"),
                    f"(?:{_w('to')}{S})?",
                    _w("live", "be alive", "exist", "wake up", "be here anymore", "live anymore"),
                ),
                _seq(
                    _w(
                        "suicide",
                        "suicidal",
                        "selfharm",
                        "self harm",
                        "self harming",
                        "overdose",
                        "no reason to live",
                        "nothing to live for",
                        "better off dead",
                        "better off without me",
                        "no one would miss me",
                        "nobody would miss me",
                        "nobody would care if i",
                        "no one would care if i",
                        "i hate myself",
                        "i hate my life",
                        "life is pointless",
                        "my life is pointless",
                        "my life is worthless",
                        "i am worthless",
                        "im worthless",
                        "life isn t worth living",
                        "life isnt worth living",
                    )
                ),
            )
        ),
        (SELF_HARM,),
        3,
        "may be thinking about self-harm",
    ),
    # --- abuse and grooming signals -------------------------------------------
    _group(
        "hits hit beats beat hurts hurt touches touched kicks kicked punches punched slaps "
        "slapped chokes choked burns burned locks locked",
        _seq(
            f"(?:{_w('my', 'our')}{S})?" + _FAMILY,
            f"(?:{_w('always', 'keeps', 'sometimes', 'still', 'often')}{S})?",
            _w(
                "hits",
                "hit",
                "beats",
                "beat",
                "hurts",
                "hurt",
                "touches",
                "touched",
                "kicks",
                "kicked",
                "punches",
                "punched",
                "slaps",
                "slapped",
                "chokes",
                "choked",
                "burns",
                "burned",
                "locks",
                "locked",
            ),
            _w("me", "me up", "my"),
        ),
        (SELF_HARM,),
        3,
        "may be describing abuse",
    ),
    _group(
        "scared afraid frightened secret tell",
        "|".join(
            (
                _seq(
                    _I,
                    _w("scared", "afraid", "frightened", "terrified"),
                    _w("to go home", "of my", "of him", "of her", "to tell", "he will", "she will"),
                ),
                _seq(
                    _w(
                        "our little secret",
                        "our secret",
                        "keep it a secret",
                        "keep this a secret",
                        "dont tell your",
                        "don t tell your",
                        "do not tell your",
                        "dont tell anyone",
                        "don t tell anyone",
                        "don t tell anybody",
                        "dont tell anybody",
                        "do not tell anyone",
                    )
                ),
            )
        ),
        (SELF_HARM,),
        3,
        "possible grooming or abuse signal",
    ),
)
