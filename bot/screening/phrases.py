"""Phrase detectors: name-calling frames, bullying, threats, self-harm and abuse signals.

Patterns run on "clean" text: folded (see ``normalize.py``), with obfuscated
tokens replaced by their readings, so "u r such a l0s3r" reads as
"u r such a loser". Words are separated by any run of non-alphanumerics.

Every group has a set of anchor words; its regex runs only when the message
has one of them, which keeps the common case (no anchor) to a set lookup.
All patterns here are written by the project and compiled at import; nothing
user-supplied is compiled.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.screening.lexicon import CONTEXT, FRAME, PHRASES, WORDS, Entry, trie_pattern
from bot.screening.verdict import BULLYING, INSULT, PII, SELF_HARM, SLUR

__all__ = ["FILLERS", "PhraseHit", "lone_word", "scan_phrases", "standalone"]

S = r"[^a-z0-9]+"  # word separator
B0 = r"(?<![a-z0-9])"  # word start
B1 = r"(?![a-z0-9])"  # word end


@dataclass(frozen=True, slots=True)
class PhraseHit:
    start: int
    end: int
    categories: tuple[str, ...]
    severity: int
    reason: str
    term: str = ""


_PLAIN = re.compile(r"[a-z0-9 ]+")


def _w(*alts: str) -> str:
    """Alternation of words; inside a word, a space means a word separator.
    Plain words are compiled as a trie (the engine then picks a branch by letter)."""
    if all(_PLAIN.fullmatch(a) for a in alts):
        return "(?:" + trie_pattern(set(alts), sep=S) + ")"
    return "(?:" + "|".join(a.replace(" ", S) for a in alts) + ")"


def _seq(*parts: str) -> str:
    """Words in sequence; a part written as "(?:X<sep>)?" is optional and brings its own
    separator."""
    out = ""
    for i, part in enumerate(parts):
        out += part
        if i < len(parts) - 1 and not part.endswith(S + ")?"):
            out += S
    return B0 + out + B1


def _opt(part: str) -> str:
    return f"(?:{part}{S})?"


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _word_start_free(pattern: str) -> re.Pattern[str]:
    """Compile ``pattern`` without its leading word-start look-behinds: a pattern that
    starts with letters lets the regex engine skip ahead to a possible first letter.
    ``_matches`` puts the word-start test back."""
    return re.compile(pattern.replace(B0, ""))


def _matches(rx: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Like ``rx.finditer(text)`` for a pattern from ``_word_start_free``: only matches
    that start a word (a match inside a word is skipped and the search goes on from
    the next character, so the result is the same as with the look-behind)."""
    pos = 0
    n = len(text)
    while pos <= n:
        m = rx.search(text, pos)
        if m is None:
            return
        start, end = m.span()
        if start and text[start - 1] in _ALNUM:
            pos = start + 1
            continue
        yield m
        pos = end if end > start else start + 1


_YOU = _w("you", "u", "ya", "yu", "yuo", "youu")
_YOUR = _w("your", "ur", "youre", "yer", "yur", "you re", "you are", "u r", "ur a")
_BE = _w("are", "r", "re", "is", "was", "be", "been", "look", "looks", "smell", "smells",
         "sound", "sounds", "act", "acting", "seem", "like", "a", "an")  # fmt: skip
_DEGREE = _w(
    "so", "such", "a", "an", "the", "really", "very", "too", "total", "complete", "absolute",
    "big", "biggest", "little", "lil", "fat", "stupid", "dumb", "ugly", "giant", "huge",
    "freaking", "dirty", "smelly", "useless", "like", "just", "literally", "actually", "kinda",
    "sorta", "most", "dumbest", "stupidest", "ugliest", "worst", "such a", "real", "fking",
    "fkn", "fucking", "freakin", "damn", "bloody", "massive",
)  # fmt: skip
_KIN = _w("mom", "mum", "mama", "momma", "mommy", "mother", "dad", "daddy", "sister",
          "brother", "family", "grandma", "nan")  # fmt: skip

_NAMECALL = {
    **{w: e for w, e in WORDS.items() if e.category in (INSULT, SLUR) and w == e.term},
    **FRAME,
    **CONTEXT,
}
_X = "(?P<x>" + trie_pattern(_NAMECALL) + ")"

# "you X", "u r so X", "ur such a X", "what a X", "shut up X", "your mom is X"
_FRAME_RES = tuple(
    _word_start_free(p)
    for p in (
        (
            B0 + _YOU + S + f"(?:{_BE}{S})?" + f"(?:{_DEGREE}{S}){{0,3}}" + _X + B1,
            B0 + _YOUR + S + f"(?:{_DEGREE}{S}){{1,3}}" + _X + B1,
            B0 + _w("such", "what", "wat", "wut") + S + _w("a", "an") + S
            + f"(?:{_DEGREE}{S}){{0,2}}" + _X + B1,
            B0 + _w("shut up", "shutup", "stfu", "go away", "get lost", "bye", "go die",
                    "get out", "stop it", "hey", "hi", "oi", "ok", "okay", "lol", "lmao",
                    "nobody likes you", "no one likes you", "nobody asked")
            + S + f"(?:{_YOU}{S})?" + f"(?:{_DEGREE}{S}){{0,2}}" + _X + B1,
            B0 + _w("your", "ur", "yo", "ya", "yer") + S + _KIN + S
            + f"(?:{_w('is', 'are', 'so', 'such', 'a', 'an', 'iz', 'r', 'looks', 'like', 'was', 'be')}{S}){{0,3}}"  # noqa: E501
            + _X + B1,
        )
    )
)  # fmt: skip
_NAMECALL_SET = frozenset(_NAMECALL)
_DISMISS = 3  # index of the "shut up X" / "go away X" frame: name-calling plus bullying
_FRAME_ANCHORS = frozenset(
    "you u ya yu yuo youu ur your youre yer yur such what wat wut shut shutup stfu go get "
    "bye stop yo hey hi oi ok okay lol lmao".split()
)

# Words that do not count when deciding whether a message is just one name-calling word.
FILLERS = frozenset(
    "omg lol lmao lmfao rofl haha hahaha hah ha ugh ew eww ewww smh bruh bro dude oh ok okay "
    "wow ur u you ya a an such what wat shut up so totally such the hey hi oi yo just ok "
    "yeah yes no nah well like really im i am is are r".split()
)

_Group = tuple[
    frozenset[str], tuple[frozenset[str], ...], "re.Pattern[str]", tuple[str, ...], int, str
]


def _group(anchors: str, pattern: str, cats: tuple[str, ...], sev: int, reason: str) -> _Group:
    """A phrase group; it runs when the message has one of the anchor words, and for an
    anchor written "a+b", when it has both words."""
    singles = frozenset(a for a in anchors.split() if "+" not in a)
    pairs = tuple(frozenset(a.split("+")) for a in anchors.split() if "+" in a)
    return (singles, pairs, _word_start_free(pattern), cats, sev, reason)


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

_GROUPS: tuple[_Group, ...] = (
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
    # --- bullying -------------------------------------------------------------
    _group(
        "kill hang stab shoot cut kys die drown",
        "|".join(
            (
                _seq(
                    _w(
                        "kill", "hang", "stab", "shoot", "cut", "drown", "hurt", "delete", "unalive"
                    ),
                    _w(
                        "yourself",
                        "your self",
                        "urself",
                        "ur self",
                        "yourselves",
                        "yoself",
                        "yaself",
                    ),
                ),
                _seq(
                    _w(
                        "kys",
                        "go die",
                        "drop dead",
                        "die in a hole",
                        "hope you die",
                        "hope u die",
                        "you should die",
                        "u should die",
                        "just die",
                    )
                ),
            )
        ),
        (BULLYING, SELF_HARM),
        3,
        "tells someone to hurt themself",
    ),
    _group(
        "beat punch kill hurt hit kick smash stab shoot break punch slap get",
        _seq(
            _w(
                "i ll",
                "ill",
                "i will",
                "im gonna",
                "i m gonna",
                "i m going to",
                "im going to",
                "gonna",
                "we ll",
                "we will",
                "we re gonna",
                "imma",
                "ima",
                "i am going to",
                "i am gonna",
                "i want to",
                "i wanna",
            ),
            _w(
                "beat",
                "punch",
                "kill",
                "hurt",
                "hit",
                "kick",
                "smash",
                "stab",
                "shoot",
                "slap",
                "break",
                "get",
                "murder",
                "destroy",
                "find",
            ),
            _w("you", "u", "ya", "your face", "ur face", "your head", "you up", "u up"),
        ),
        (BULLYING,),
        3,
        "threat",
    ),
    _group(
        "nobody+likes nobody+loves nobody+cares nobody+wants nobody+invited nobody+asked "
        "noone+likes noone+loves noone+cares noone+wants one+likes one+loves one+cares "
        "one+wants one+invited one+asked no1+likes nobdy+likes everyone+hates everyone+hate "
        "everyone+laughs everyone+laughing everyone+thinks everyone+knows everybody+hates "
        "everybody+hate everybody+laughs everybody+laughing everybody+thinks every1+hates "
        "all+hate all+hates class+hates hate+you hate+u hate+ya hate+guts stand+you stand+u "
        "despise+you despise+u like+dont like+don",
        "|".join(
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
                    _w("hates", "hate", "laughs at", "laughing at", "thinks", "knows"),
                    f"(?:{_w('you', 'u', 'ya')})",
                ),
                _seq(
                    _w("i", "we", "we all", "i really", "i just"),
                    _w("hate", "can t stand", "cant stand", "despise", "don t like", "dont like"),
                    _w("you", "u", "ya", "your guts", "ur guts"),
                ),
            )
        ),
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
        "|".join(
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
        ),
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
        "|".join(
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
                    _w("meet", "meet up", "meetup", "hang out", "hangout", "hang"),
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
        ),
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


def _anchor_index() -> tuple[
    dict[str, tuple[int, ...]], dict[str, tuple[tuple[frozenset[str], int], ...]]
]:
    """Anchor word -> groups it opens; for "a+b" anchors, "a" -> (the other words, group)."""
    singles: dict[str, list[int]] = {}
    pairs: dict[str, list[tuple[frozenset[str], int]]] = {}
    for gi, (sing, prs, *_rest) in enumerate(_GROUPS):
        for w in sing:
            singles.setdefault(w, []).append(gi)
        for pr in prs:
            first = min(pr)
            pairs.setdefault(first, []).append((pr - {first}, gi))
    return (
        {w: tuple(v) for w, v in singles.items()},
        {w: tuple(v) for w, v in pairs.items()},
    )


_SINGLE_INDEX, _PAIR_INDEX = _anchor_index()
_ANCHOR_WORDS = frozenset(_SINGLE_INDEX) | frozenset(_PAIR_INDEX)

# multi-word lexicon terms
_PHRASE_ANCHORS = frozenset(words[0] for words in PHRASES)
_PHRASE_RE = re.compile(
    B0
    + "(?P<p>"
    + "|".join(
        S.join(map(re.escape, words)).replace(S, "[^a-z0-9]*")
        for words in sorted(PHRASES, key=lambda w: -len(" ".join(w)))
    )
    + ")"
    + B1
)
_PHRASE_KEY = {"".join(words): entry for words, entry in PHRASES.items()}
_NONALNUM = re.compile(r"[^a-z0-9]+")


def scan_phrases(clean: str, words: set[str]) -> list[PhraseHit]:
    """Phrase hits in clean text; ``words`` is the set of the message's token readings."""
    hits: list[PhraseHit] = []
    if not _FRAME_ANCHORS.isdisjoint(words) and not _NAMECALL_SET.isdisjoint(words):
        for i, rx in enumerate(_FRAME_RES):
            for m in _matches(rx, clean):
                e = _NAMECALL[m.group("x")]
                fcats: tuple[str, ...] = (e.category, BULLYING) if i == _DISMISS else (e.category,)
                hits.append(PhraseHit(m.start(), m.end(), fcats, max(e.severity, 1),
                                      "name-calling", e.term))  # fmt: skip
    present = _ANCHOR_WORDS.intersection(words)
    if present:
        todo: set[int] = set()
        for w in present:
            todo.update(_SINGLE_INDEX.get(w, ()))
            for others, gi in _PAIR_INDEX.get(w, ()):
                if gi not in todo and others <= words:
                    todo.add(gi)
        for gi in sorted(todo):
            _singles, _pairs, rx, cats, sev, reason = _GROUPS[gi]
            for m in _matches(rx, clean):
                hits.append(PhraseHit(m.start(), m.end(), cats, sev, reason))
    if PHRASES and not _PHRASE_ANCHORS.isdisjoint(words) and _has_phrase_pair(clean, words):
        for m in _PHRASE_RE.finditer(clean):
            e2: Entry | None = _PHRASE_KEY.get(_NONALNUM.sub("", m.group()))
            if e2 is not None:
                hits.append(PhraseHit(m.start(), m.end(), (e2.category,), e2.severity,
                                      "offensive phrase", e2.term))  # fmt: skip
    return hits


_PHRASE_PAIRS = frozenset((w[0], w[1]) for w in PHRASES)
_PAIR_FIRST = {a: frozenset(b for a2, b in _PHRASE_PAIRS if a2 == a) for a, _ in _PHRASE_PAIRS}


def _has_phrase_pair(clean: str, words: set[str]) -> bool:
    """Cheap test: could a multi-word term occur (its first two words are both present)?"""
    for first in _PHRASE_ANCHORS.intersection(words):
        if not _PAIR_FIRST[first].isdisjoint(words):
            return True
    return False


def lone_word(readings: list[str]) -> str | None:
    """The only content word of a short message ("X!!!", "omg X"), if there is one."""
    content = [r for r in readings if r not in FILLERS]
    return content[0] if len(content) == 1 else None


def standalone(readings: list[str]) -> Entry | None:
    """A name-calling word that is the whole message ("X!!!", "omg X")."""
    content = [r for r in readings if r not in FILLERS]
    if len(content) == 1:
        return CONTEXT.get(content[0])
    return None
