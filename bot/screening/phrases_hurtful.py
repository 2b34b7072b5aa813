"""Phrase groups for hurtful words that name no rude word: prejudice ("go back to your
country", "that's so gay" as a put-down), taunts about a child's family ("your real
parents don't want you") and threats to share a child's pictures ("i'll send your pics to
everyone"). Written for this project; the rows of tests/screening/children/hurtful.tsv and
book_talk.tsv test them.
"""

from __future__ import annotations

from bot.screening.phrase_rx import B1, END, S, _Group, _group, _opt, _w, opening
from bot.screening.verdict import BULLYING, GROOMING, SLUR

_YOUR = _w("your", "ur", "yor", "yur", "you r", "u r")
_GO_BACK = _w("go back", "get back", "go home", "go bak", "goback") + S
_WHERE_FROM = _w(
    "to your country", "to ur country", "to your own country", "to ur own country",
    "where you came from", "where u came from", "where you come from", "where u come from",
    "to where you came from", "to where u came from", "to your planet", "to africa",
    "to china", "to india", "to mexico",
)  # fmt: skip
# "that's so gay", "ur so gay", "this book is gay" (a put-down; "my uncle is gay" is not)
_SO_GAY = (
    _w("that s", "thats", "that is", "this is", "its", "it s", "that was", "you re", "youre",
       "ur", "u r", "you are", "ur so", "this book is", "this chapter is", "you")
    + S + _opt(_w("so", "soo", "sooo", "such", "really", "super", "totally", "literally"))
    + _w("gay", "gae", "ghey", "gey")
    + f"(?:{END}|{S}{_w('lol', 'lmao', 'haha', 'bro', 'dude')}{B1})"
)  # fmt: skip
_PARENTS = _w("parents", "mom", "mum", "dad", "mother", "father", "family", "real parents",
              "real mom", "real mum", "real dad", "own parents", "own mum", "own mom")  # fmt: skip
_DONT_LOVE = _w("don t", "dont", "doesn t", "doesnt", "didn t", "didnt", "never", "wont",
                "won t", "will never") + S + _w("love", "loved", "want", "wanted", "like",
                                               "care about")  # fmt: skip
# "ur parents dont love u", "your real mum didnt want you"
_FAMILY_TAUNT = _YOUR + S + _PARENTS + S + _DONT_LOVE + S + _w("you", "u", "ya") + B1
# "i'll send your pics to everyone", "i have ur nudes", "send me more pics or i'll ..."
_PICS = _w("pics", "pictures", "photos", "nudes", "selfies", "videos", "pic", "picture",
           "photo", "video", "nude")  # fmt: skip
_SHARE_PICS = (
    _w("i ll", "ill", "i will", "im gonna", "i m gonna", "i m going to", "im going to",
       "we ll", "we will", "i could", "i can")
    + S + _w("send", "show", "post", "share", "leak", "put", "spread")
    + S + _YOUR + S + _PICS + S
    + _w("to everyone", "to the class", "to your mom", "to ur mom", "to your mum",
         "to ur mum", "to your parents", "to ur parents", "online", "everywhere",
         "to the whole school", "on the internet", "to all", "to your friends")
    + B1
)  # fmt: skip
_HAVE_NUDES = _w("i have", "i ve got", "ive got", "i got") + S + _YOUR + S + _w(
    "nudes", "nude pics", "nude pictures", "naked pics", "naked pictures", "naked photos"
) + B1  # fmt: skip
_OR_ELSE = (
    _w("send me", "send", "give me") + S + _opt(_w("more", "another", "a")) + _PICS + S
    + _w("or i ll", "or ill", "or i will", "or else", "or im", "or i m") + B1
)  # fmt: skip

HURTFUL_GROUPS: tuple[_Group, ...] = (
    _group(
        "back home",
        opening(("go", "get")) + _GO_BACK + _WHERE_FROM + B1,
        (BULLYING, SLUR),
        3,
        "tells someone to go back where they came from",
    ),
    _group(
        "gay gae ghey gey",
        opening(("that", "this", "its", "it", "you", "ur", "u")) + _SO_GAY,
        (SLUR,),
        2,
        "uses 'gay' as a put-down",
    ),
    _group(
        "love loved want wanted like care",
        opening(("your", "ur", "yor", "yur", "you", "u")) + _FAMILY_TAUNT,
        (BULLYING,),
        3,
        "taunts someone about their family",
    ),
    _group(
        "send show post share leak put spread nudes naked pics pictures photos",
        opening(("i", "w", "s", "g"))
        + "(?:"
        + _SHARE_PICS
        + "|"
        + _HAVE_NUDES
        + "|"
        + _OR_ELSE
        + ")",
        (GROOMING, BULLYING),
        3,
        "threatens to share someone's pictures",
    ),
)
