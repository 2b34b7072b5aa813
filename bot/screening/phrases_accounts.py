"""Phrase groups for a child's accounts and secrets (see ``phrases.py``): someone asking
for a password ("whats ur password", "give me ur login"), a secret to be kept from the
adults ("can you keep a secret from your teacher"), and free game money, the usual bait
for stolen accounts ("free robux", "vbucks generator")."""

from __future__ import annotations

from bot.screening.phrase_rx import _YOUR, S, _Group, _group, _seq, _w, opening
from bot.screening.verdict import GROOMING, PII, SPAM

_ASKING = ("whats", "what s", "what is", "wats", "wuts", "tell me", "give me", "gimme",
           "send me", "share", "type", "i need", "can i have", "can i get")  # fmt: skip
_SECRET_WORDS = ("password", "passwords", "pass word", "pw", "passcode", "pin", "login",
                 "log in", "account")  # fmt: skip
_ADULTS = ("teacher", "teachers", "mum", "mom", "mummy", "mommy", "dad", "daddy", "parents",
           "family", "mother", "father", "nan", "nana", "grandma", "grandpa", "aunty",
           "auntie")  # fmt: skip
# a platform's own money (free gems or coins inside a game are ordinary game talk)
_GAME_MONEY = ("robux", "vbucks", "v bucks", "vbux", "minecoins")

ACCOUNT_GROUPS: tuple[_Group, ...] = (
    _group(
        " ".join(w for w in _SECRET_WORDS if " " not in w),
        opening(_ASKING) + _seq(_w(*_ASKING), f"(?:{_w('me')}{S})?" + _YOUR, _w(*_SECRET_WORDS)),
        (PII,),
        2,
        "asks for a password or login",
    ),
    _group(
        "secret secrets",
        opening(("secret", "secrets"))
        + _seq(
            _w("secret", "secrets"),
            _w("from"),
            f"(?:{_w('your', 'ur', 'the', 'our', 'my', 'ya')}{S})?" + _w(*_ADULTS),
        ),
        (GROOMING,),
        3,
        "asks for a secret kept from the adults",
    ),
    _group(
        "free+robux free+vbucks free+v free+vbux free+minecoins generator giveaway",
        "(?:"
        + "|".join(
            (
                _seq(_w("free"), _w(*_GAME_MONEY)),
                _seq(_w("robux", "vbucks", "v bucks", "vbux"), _w("generator", "giveaway")),
            )
        )
        + ")",
        (SPAM,),
        2,
        "offers free game money, the usual bait for stolen accounts",
    ),
)
