"""Game and social handles a child shares: "add me on roblox", "my roblox is cool_kid_99",
"my fortnite name is ...", "im sammy_reads on insta", "follow me @sammy_reads".

The class itself meets on Discord (or Matrix): talk about Discord ("see you on discord",
"my discord is lagging") is no handle; a Discord tag ("my discord is sam#1234") and a
request to be added ("add me on discord") are. "my X is ..." counts only with a value
that looks like a handle (digits, "_", ".", "@", "#" or CamelCase), or after "name",
"username", "tag" or "id". Every pattern is linear.
"""

from __future__ import annotations

import re

from bot.screening.near import occurrences

__all__ = ["ADD_WORDS", "HANDLE_GATE", "HANDLE_WORDS", "find_handles"]

# platforms children name (games, social apps, chat apps)
_PLATFORMS = (
    "insta|instagram|ig|snap|snapchat|sc|tiktok|tik tok|tt|discord|roblox|fortnite|minecraft|"
    "mc|xbox|psn|playstation|ps4|ps5|switch|nintendo|whatsapp|kik|telegram|fb|facebook|"
    "twitter|youtube|yt|twitch|steam|epic|epic games|messenger|wechat|skype|zoom|"
    "brawl stars|pinterest|bereal|email|gmail"
)
# an account's name on its own ("my gamertag is ..."); "name", "id", "tag" ... only with
# a platform ("my roblox name is ...", "my id on roblox is ..."): "my name is Sam" is not
_OWN_NAME = r"gamertag|gamer tag|username|user name|ign|handle"
_ACCOUNT = _OWN_NAME + r"|user|account|acc|channel|tag|id|name|code|profile"
_NAMED = frozenset("gamertag tag username name ign handle code id".split())
_ADD = r"add|follow|dm|message|msg|find|friend|hit|snap|text|pm|inbox|chat with|search"
_HANDLE = r"@?[\w.#@'’-]{2,30}"
# Each rule is tried where its anchor word is ("me", "my", a platform), looking back a
# few words and matching forward, so no rule scans the message.
_PLATFORM_RE = re.compile(r"(?:" + _PLATFORMS + r")\b")
# "add me on roblox", "hit me up on snap": the asking word before "me", then the platform
_ASK_BEFORE_RE = re.compile(r"\b(?:" + _ADD + r")\s{1,3}\Z")
_ME_ON_RE = re.compile(
    r"me\s{1,3}(?:up\s{1,3})?(?:on|at|@|in)\s{1,3}(?:(?:" + _PLATFORMS + r")\b|@\w)"
)
# "add me coolkid_99", "follow me @sammy_reads"
_ADD_BEFORE_RE = re.compile(r"\b(?:add|follow)\s{1,3}\Z")
_ME_VALUE_RE = re.compile(r"me\s{0,3}[:,-]?\s{0,3}(" + _HANDLE + r")")
# "my roblox is X", "my roblox name is X", "my username on roblox is X", "my ign: X"
_MY_RE = re.compile(
    r"my\s{1,3}(?:(?:" + _PLATFORMS + r")(?:\s{1,3}(" + _ACCOUNT + r"))?|(" + _OWN_NAME
    + r")(?:\s{1,3}(?:on|in|for)\s{1,3}(?:" + _PLATFORMS + r"))?|(" + _ACCOUNT
    + r")\s{1,3}(?:on|in|for)\s{1,3}(?:" + _PLATFORMS + r"))"
    r"\s{0,3}(?:is|=|:|-|@|'s)\s{0,3}(?:like\s{1,3})?(" + _HANDLE + r")"
)  # fmt: skip
# "im cool_kid_99 on roblox", "sammy_reads on insta": the handle before "on <platform>"
_HANDLE_BEFORE_RE = re.compile(r"(?<![\w@])(@?[\w.#@-]{2,30})\s{1,3}(?:on|in)\s{1,3}\Z")
# "roblox: coolkid"; after "on"/"in": "i'm on roblox as coolkid99"
_PLATFORM_VALUE_RE = re.compile(r"(?:" + _PLATFORMS + r")\s{0,3}[:=]\s{0,3}(@?[\w.#]{3,30})")
_PLATFORM_AS_RE = re.compile(
    r"(?:" + _PLATFORMS + r")\s{1,3}(?:as|its|it'?s|called|i'?m|im)\s{1,3}(" + _HANDLE + r")"
)
_ON_BEFORE = (" on", " in")
# values that say something about the account, not its name
_NOT_A_HANDLE = frozenset(
    "is not a an the so very really too lagging laggy broken down private public secret "
    "new old banned hacked locked deleted gone blocked fun good bad boring cool awesome "
    "glitching glitchy slow fast working crashing crashed weird ok okay on off in at up "
    "me mine you your ur his her their and or but still just also here there this that "
    "what it same different to please pls plz back now".split()
)


def _first_words(alts: str) -> frozenset[str]:
    return frozenset(a.split()[0].split("-")[0] for a in alts.split("|"))


_PLATFORM_WORDS = _first_words(_PLATFORMS)
_OWN_WORDS = _first_words(_OWN_NAME)

_ADD_WORDS = _first_words(_ADD)
_ADD_ME_WORDS = frozenset("add follow".split())
# every word ``find_handles`` looks at; without one of ``HANDLE_GATE`` (or an "@" and an
# ``ADD_WORDS`` word) it finds nothing
HANDLE_WORDS = _PLATFORM_WORDS | _OWN_WORDS | _ADD_WORDS
HANDLE_GATE = _PLATFORM_WORDS | _OWN_WORDS | _ADD_ME_WORDS
ADD_WORDS = _ADD_WORDS


def _looks_like_handle(value: str) -> bool:
    """A made-up account name: digits, "_", ".", "@" or "#" in it, or CamelCase."""
    v = value.strip(".'’-")
    if len(v) < 2 or v.lower() in _NOT_A_HANDLE:
        return False
    if any(c.isdigit() or c in "_.@#" for c in v):
        return True
    return any(c.isupper() for c in v[1:]) and not v.isupper()


def _value(text: str, m: re.Match[str], g: int) -> tuple[str, int]:
    """The handle in group ``g`` as written (case kept) and where it ends."""
    value = text[m.start(g) : m.end(g)].rstrip(".,!?'’")
    return value, m.start(g) + len(value)


def find_handles(text: str, low: str, words: set[str] | frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every shared handle or request to be added in ``text``; ``low``:
    the text in lower case (``near.lower_view``); ``words``: its words (only
    ``HANDLE_WORDS`` matter)."""
    platforms = _PLATFORM_WORDS.intersection(words)
    hits: list[tuple[int, int]] = []
    if not _ADD_WORDS.isdisjoint(words):
        for j in occurrences(low, ("me",)):
            if platforms or "@" in text:
                ask = _ASK_BEFORE_RE.search(low, max(0, j - 14), j)
                on = _ME_ON_RE.match(low, j) if ask is not None else None
                if ask is not None and on is not None:
                    hits.append((ask.start(), on.end()))
            if not _ADD_ME_WORDS.isdisjoint(words):
                add = _ADD_BEFORE_RE.search(low, max(0, j - 12), j)
                me = _ME_VALUE_RE.match(low, j) if add is not None else None
                if add is not None and me is not None:
                    value, end = _value(text, me, 1)
                    if _looks_like_handle(value):
                        hits.append((add.start(), end))
    if platforms or not _OWN_WORDS.isdisjoint(words):
        for i in occurrences(low, ("my",)):
            m = _MY_RE.match(low, i)
            if m is None:
                continue
            value, end = _value(text, m, 4)
            named = m.group(1) or m.group(2) or m.group(3)
            if named is not None and named.split()[-1] in _NAMED:
                ok = value.lower().strip(".'’-") not in _NOT_A_HANDLE
            else:
                ok = _looks_like_handle(value)
            if ok:
                hits.append((i, end))
    for i in occurrences(low, platforms) if platforms else ():
        after_on = low[max(0, i - 5) : i].rstrip().endswith(_ON_BEFORE)
        if after_on:
            before = _HANDLE_BEFORE_RE.search(low, max(0, i - 40), i)
            platform = _PLATFORM_RE.match(low, i)
            if before is not None and platform is not None:
                value, _end = _value(text, before, 1)
                if _looks_like_handle(value):
                    hits.append((before.start(), platform.end()))
            m = _PLATFORM_AS_RE.match(low, i)
            if m is not None:
                value, end = _value(text, m, 1)
                if _looks_like_handle(value):
                    hits.append((i, end))
        m = _PLATFORM_VALUE_RE.match(low, i)
        if m is not None:
            value, end = _value(text, m, 1)
            if value.lower() not in _NOT_A_HANDLE:
                hits.append((i, end))
    return hits
