"""Phrase groups for bullying (threats in ``phrases_threats.py``) and personal-information
requests (see ``phrases.py``)."""

from __future__ import annotations

from bot.screening.phrase_rx import (
    _YOU,
    _YOUR,
    B0,
    B1,
    YOU_WORDS,
    YOUR_WORDS,
    S,
    _Group,
    _group,
    _seq,
    _w,
    not_followed_by,
    opening,
)
from bot.screening.phrases_bullying import BULLYING_GROUPS
from bot.screening.phrases_threats import THREAT_GROUPS
from bot.screening.verdict import BULLYING, INSULT, PII

# after "hang": the writer or someone hurt, not a meeting ("wanna hang myself")
_HANG_SELF = ("myself", "my self", "mself", "meself", "myslef", "mysef", "mysel", "m1self",
              "yourself", "urself", "ur self", "your self", "himself", "herself", "themselves",
              "themself", "him", "her", "them", "my")  # fmt: skip

SOCIAL_GROUPS: tuple[_Group, ...] = (
    # --- bullying -------------------------------------------------------------
    *THREAT_GROUPS,
    *BULLYING_GROUPS,
    _group(
        "nobody+likes nobody+loves nobody+cares nobody+wants nobody+invited nobody+asked "
        "noone+likes noone+loves noone+cares noone+wants one+likes one+loves one+cares "
        "one+wants one+invited one+asked no1+likes nobdy+likes everyone+hates everyone+hate "
        "everyone+laughs everyone+laughing everybody+hates "
        "everybody+hate everybody+laughs everybody+laughing every1+hates "
        "all+hate all+hates class+hates hate+you hate+u hate+ya hate+guts stand+you stand+u "
        "despise+you despise+u like+dont like+don",
        opening(
            ("nobody", "noone", "no one", "no1", "nobdy"),
            ("everyone", "everybody", "every1", "we all", "all of us", "the whole class"),
            ("i", "we"),
        )
        + "(?:"
        + "|".join(
            (
                _seq(
                    _w("nobody", "noone", "no one", "no1", "nobdy"),
                    _w(
                        "likes",
                        "loves",
                        "cares about",
                        "wants",
                        "wants to play with",
                        "wants to be friends with",
                        "wants to be your friend",
                        "will ever like",
                        "would ever like",
                        "invited",
                        "asked",
                        "cares",
                        "wants you",
                        "wants u",
                    ),
                    f"(?:{_w('you', 'u', 'ya', 'here', 'anyway')})?",
                ),
                _seq(
                    _w("everyone", "everybody", "every1", "we all", "all of us", "the whole class"),
                    _w("hates", "hate", "laughs at", "laughing at"),
                    f"(?:{_w('you', 'u', 'ya')})",
                ),
                _seq(
                    _w("i", "we", "we all", "i really", "i just"),
                    _w("hate", "can t stand", "cant stand", "despise", "don t like", "dont like"),
                    _w("you", "u", "ya", "your guts", "ur guts"),
                ),
            )
        )
        + ")",
        (BULLYING,),
        2,
        "exclusion or hostility toward someone",
    ),
    _group(
        "no+friends no+friend zero+friends 0+friends no+life not+invited not+welcome "
        "not+friend not+allowed not+one not+wanted not+cool belong fit+in want+here "
        "want+around want+play want+sit want+in play+us sit+us join+us play+me sit+me "
        "hang+us talk+her talk+him talk+them play+her play+him play+them sit+her sit+him "
        "sit+them talk+loser talk+freak talk+weirdo",
        opening(YOU_WORDS, YOUR_WORDS, ("we", "i", "nobody", "no one", "don t", "dont", "never"))
        + "(?:"
        + "|".join(
            (
                _seq(
                    _YOU,
                    _w("have", "got", "ve got", "have got"),
                    _w("no", "zero", "0"),
                    _w("friends", "friend", "life"),
                ),
                _seq(
                    _YOUR,
                    f"(?:{_w('so', 'just')}{S})?",
                    "not",
                    _w(
                        "invited",
                        "welcome",
                        "my friend",
                        "our friend",
                        "allowed to play",
                        "allowed to sit",
                        "allowed to join",
                        "one of us",
                        "wanted",
                        "cool enough",
                    ),
                ),
                _seq(_w("you", "u"), _w("don t", "dont", "do not"), _w("belong", "fit in")),
                _seq(
                    _w("we", "i", "nobody", "no one"),
                    _w("don t", "dont", "do not", "doesn t"),
                    _w("want"),
                    _w("you", "u"),
                    _w("here", "in", "to play", "to sit", "around"),
                ),
                _seq(
                    _w("you", "u"),
                    _w("can t", "cant", "cannot"),
                    _w("play", "sit", "join", "hang out"),
                    _w("with us", "with me", "here"),
                ),
                _seq(
                    _w("don t", "dont", "do not", "nobody", "no one", "never"),
                    _w("talk", "play", "sit", "hang out"),
                    _w("with", "to"),
                    _w("her", "him", "them", "that loser", "that freak", "that weirdo"),
                ),
            )
        )
        + ")",
        (BULLYING,),
        2,
        "excluding someone",
    ),
    _group(
        "suck sucks stink stinks smell smells worst",
        _seq(
            _YOU,
            f"(?:{_w('really', 'so', 'just', 'all')}{S})?",
            _w(
                "suck",
                "stink",
                "smell",
                "are the worst",
                "r the worst",
                "re the worst",
                "smell bad",
                "smell like",
            ),
        ),
        (BULLYING,),
        1,
        "rude remark about someone",
    ),
    _group(
        "face head brain butt",
        B0
        + _w(
            "fat",
            "ugly",
            "stupid",
            "dumb",
            "poo",
            "poop",
            "poopy",
            "butt",
            "pig",
            "dog",
            "monkey",
            "rat",
            "weirdo",
            "loser",
            "idiot",
        )
        + " ?"
        + _w("face", "head", "brain", "butt")
        + B1,
        (INSULT,),
        1,
        "name-calling",
    ),
    # --- personal-information requests and meet-ups --------------------------
    _group(
        "meet meetup hang come address live number phone house",
        opening(
            (
                "let s",
                "wanna",
                "want to",
                "we should",
                "can we",
                "could we",
                "shall we",
                "should we",
                "do you want to",
                "you want to",
                "u wanna",
            ),
            (
                "meet me",
                "come to",
                "i ll",
                "ill",
                "where",
                "what s",
                "whats",
                "send",
                "give",
                "text me",
                "call me",
                "are you",
                "r u",
            ),
        )
        + "(?:"
        + "|".join(
            (
                _seq(
                    _w(
                        "let s",
                        "lets",
                        "wanna",
                        "want to",
                        "we should",
                        "can we",
                        "could we",
                        "shall we",
                        "should we",
                        "do you want to",
                        "you want to",
                        "u wanna",
                    ),
                    # ("hang myself" is self-harm, not a meeting)
                    "(?:"
                    + _w("meet", "meet up", "meetup", "hang out", "hangout")
                    + "|hang"
                    + not_followed_by(_w(*_HANG_SELF))
                    + ")",
                ),
                _seq(
                    _w(
                        "meet me",
                        "come to my house",
                        "come over to my",
                        "come to my place",
                        "i ll pick you up",
                        "ill pick you up",
                        "where do you live",
                        "where do u live",
                        "where u live",
                        "what s your address",
                        "whats your address",
                        "whats ur address",
                        "send me your address",
                        "what s your number",
                        "whats your number",
                        "whats ur number",
                        "give me your number",
                        "send me your number",
                        "what s your phone",
                        "text me",
                        "call me at",
                        "call me on",
                        "what school do you go to",
                        "what school do u go to",
                        "where do you go to school",
                        "are you home alone",
                        "r u home alone",
                    )
                ),
            )
        )
        + ")",
        (PII,),
        2,
        "asks for or arranges a meeting or personal details",
    ),
    _group(
        "pic pics picture pictures photo photos selfie selfies nudes",
        _seq(
            _w("send", "snap", "show"),
            f"(?:{_w('me', 'us')}{S})?",
            f"(?:{_w('a', 'some', 'your', 'ur', 'more')}{S})?",
            _w(
                "pic",
                "pics",
                "picture",
                "pictures",
                "photo",
                "photos",
                "selfie",
                "selfies",
                "nudes",
                "face pic",
            ),
        ),
        (PII,),
        2,
        "asks for photos",
    ),
)
