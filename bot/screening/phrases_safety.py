"""Phrase groups for safety signals: self-harm (``phrases_selfharm.py``), abuse and grooming
(see ``phrases.py``)."""

from __future__ import annotations

from bot.screening.phrase_rx import S, _Group, _group, _seq, _w, opening
from bot.screening.phrases_selfharm import SELFHARM_GROUPS
from bot.screening.phrases_selfharm_signs import SIGN_GROUPS
from bot.screening.verdict import SELF_HARM

_I_WORDS = ("i", "im", "i m", "ima", "imma", "i am", "i ll", "ill", "i will", "i wanna",
        "i want to", "i m going to", "i m gonna", "im gonna", "im going to", "i am going to",
        "i am gonna",
        "i should", "i could", "i might", "i need to", "i have to", "i feel like",
        "i just want to", "i just wanna", "i think i will", "i think ill", "i want",
        "i wish i could", "gonna", "going to", "want to", "wanna")  # fmt: skip
_I = _w(*_I_WORDS)
_FAMILY_WORDS = ("dad", "daddy", "father", "mom", "mum", "mommy", "mummy", "mother", "stepdad",
             "step dad", "stepmom", "step mom", "stepfather", "stepmother", "uncle", "aunt",
             "auntie", "brother", "sister", "cousin", "grandpa", "grandad", "granddad", "grandma",
             "babysitter", "coach", "parents", "boyfriend", "girlfriend", "he", "she", "they",
             "someone", "somebody", "a man", "a lady", "an adult", "a grown up",
             "the man")  # fmt: skip
_FAMILY = _w(*_FAMILY_WORDS)
_SECRETS = (
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


SAFETY_GROUPS: tuple[_Group, ...] = (
    *SELFHARM_GROUPS,
    *SIGN_GROUPS,
    # --- abuse and grooming signals -------------------------------------------
    _group(
        "hits hit beats beat hurts hurt touches touched kicks kicked punches punched slaps "
        "slapped chokes choked burns burned locks locked",
        opening(("my", "our"), _FAMILY_WORDS)
        + _seq(
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
        opening(_I_WORDS, _SECRETS)
        + "(?:"
        + "|".join(
            (
                _seq(
                    _I,
                    _w("scared", "afraid", "frightened", "terrified"),
                    _w("to go home", "of my", "of him", "of her", "to tell", "he will", "she will"),
                ),
                _seq(_w(*_SECRETS)),
            )
        )
        + ")",
        (SELF_HARM,),
        3,
        "possible grooming or abuse signal",
    ),
)
