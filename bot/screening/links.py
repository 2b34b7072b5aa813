"""Links: URLs, bare domains, spelled-out domains and chat invite links.

A class may allow some domains (``Context.allowed_domains``): a link whose
host is an allowed domain or a subdomain of one is not reported. Runs on folded
text, so look-alike letters and full-width dots in a domain are caught too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.screening.near import near

__all__ = ["TRIGGERS", "LinkHit", "find_links", "host_allowed"]


@dataclass(frozen=True, slots=True)
class LinkHit:
    start: int  # folded offsets
    end: int
    host: str
    detail: str  # "link", "invite link", "spelled-out link"
    severity: int


# Top-level domains that are not also common English words in chat.
_TLDS = (
    "com net org edu gov mil int io co uk de fr ru cn jp au ca nl info biz xyz app dev ly gg "
    "tv online site club shop store top live fun tk ml ga cf gq ws cc ai link click win vip "
    "icu pw su es se ch pl br mx kr tw hk sg nz za ie dk fi pt gr cz hu ro tr ua il pk ph vn "
    "eu asia mobi pro tech space website blog news page games game lol wtf xxx porn sex bet "
    "casino gift gifts free cloud email world today one ru rs ir ar cl pe ve ng ke gh eg sa "
    "ae qa kz by lt lv ee sk si hr ba bg md mn np lk bd th my sx fm"
)
# Also top-level domains, but ordinary words: need a path, or "www."/a scheme.
_WORD_TLDS = "me to be it in is us at so no am do go id im la lu mu tv ms ly cat art fyi"
_TLD_ALT = "|".join(sorted(set(_TLDS.split()), key=len, reverse=True))
_WORD_TLD_ALT = "|".join(
    sorted(set(_WORD_TLDS.split()) - set(_TLDS.split()), key=len, reverse=True)
)

_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_URL_RE = re.compile(r"(?:\b(?:https?|ftp)://|\bwww\d{0,3}\.)[^\s<>\"'`]{1,2000}")
_DOMAIN_RE = re.compile(
    rf"(?<![@\w.-])((?:{_LABEL}\.){{1,6}}(?:{_TLD_ALT}))(?![a-z0-9-])(?:[/:?#][^\s<>\"']{{0,2000}})?"
    rf"|(?<![@\w.-])((?:{_LABEL}\.){{1,6}}(?:{_WORD_TLD_ALT}))/[^\s<>\"']{{1,2000}}"
)
# a dot said or bracketed: "(dot)", "[.]", " dot ", " d0t "
_DOT_SAID = (
    r"(?:\s{0,3}(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\(\.\)|\[\.\]|\{\.\})\s{0,3}|\s(?:dot|d0t|dott)\s)"
)
# a dot with a space before it or after it: "youtube . com", "youtube .com", "youtube. com"
_DOT_SPACED = r"(?:\s{1,3}\.\s{0,3}|\.\s{1,3})"
_SPOKEN_TLDS = "com|net|org|io|co|gg|tv|uk|app|xyz|nz|au|ca|ie|de|fr|es|us|edu|info|online|site"
# "site dot com", "rata dot school dot nz", "www dot site dot com"
_SPOKEN_RE = re.compile(
    r"\b([a-z0-9][a-z0-9-]{1,62}(?:" + _DOT_SAID + r"[a-z0-9][a-z0-9-]{1,62}){0,2})" + _DOT_SAID
    + r"(" + _SPOKEN_TLDS + r")\b"
)  # fmt: skip
# spaced dots only before endings that start no sentence ("it. tv was on", "fun. net ball"):
# a space before the dot, or "com"/"org" after ". "
_SPACED_TLDS = "com|org|net|io|gg|xyz|nz|au|ly"
# "youtube . com", "www . site . com", "google . co . nz", "w w w . site . com"
_SPACED_RE = re.compile(
    r"(?:\bw\s?w\s?w(?:" + _DOT_SPACED + r"|\.|" + _DOT_SAID + r"))?"
    r"\b([a-z0-9][a-z0-9-]{1,62}(?:(?:" + _DOT_SPACED + r"|\.)[a-z0-9][a-z0-9-]{1,62}){0,2})"
    + r"(?:\s{1,3}\.\s{0,3}(" + _SPACED_TLDS + r")|\.\s{1,3}(com|org))(?![a-z0-9-])"
)  # fmt: skip
_SEPARATORS_RE = re.compile(
    r"\s*(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\(\.\)|\[\.\]|\{\.\}|\s(?:dot|d0t|dott)\s|\.)\s*"
)
_INVITE_RE = re.compile(
    r"\b(?:discord(?:app)?\.(?:gg|com/invite|io|me)|dsc\.gg|chat\.whatsapp\.com|wa\.me|t\.me|"
    r"telegram\.me|matrix\.to|kik\.me|snapchat\.com/add|roblox\.com/share|"
    r"instagram\.com|tiktok\.com/@|invite\.gg|join\.skype\.com|zoom\.us/j)"
)
_HOST_RE = re.compile(r"^(?:[a-z][a-z0-9+.-]{0,10}://)?(?:[^@/\s]{0,64}@)?([^/:?#\s]{1,253})")


def host_allowed(host: str, allowed: frozenset[str]) -> bool:
    """True if ``host`` is an allowed domain or a subdomain of one."""
    if not allowed:
        return False
    host = host.lower().strip(".")
    if host.startswith("www."):
        host = host[4:]
    parts = host.split(".")
    for i in range(len(parts) - 1):
        if ".".join(parts[i:]) in allowed:
            return True
    return host in allowed


_TLD_SET = frozenset(_TLDS.split())
_WORD_TLD_SET = frozenset(_WORD_TLDS.split())
# every word ``find_links`` looks at (``words & TRIGGERS`` gives the same links)
_SPACED_SET = frozenset(_SPACED_TLDS.split("|"))
_SAID_WORDS = frozenset({"dot", "d0t", "dott"})
TRIGGERS: frozenset[str] = _TLD_SET | _WORD_TLD_SET | {"www"} | _SAID_WORDS


def find_links(
    folded: str, words: set[str] | None = None, allowed: frozenset[str] = frozenset()
) -> list[LinkHit]:
    """Links in folded text that are not on the allow-list.

    ``words``: the message's folded words, to skip checks that cannot match.
    """
    if words is None:
        words = set(re.findall(r"[a-z0-9]+", folded))
    hits: list[LinkHit] = []
    has_dot = said_dot = spaced = False
    if "." in folded:
        tlds = set(_TLD_SET.intersection(words))
        if tlds:
            # "youtube(.)com", "youtube . com"
            said_dot = "(." in folded or "[." in folded or "{." in folded
            spaced = not _SPACED_SET.isdisjoint(tlds) and (". " in folded or " ." in folded)
        if "/" in folded:
            tlds.update(_WORD_TLD_SET.intersection(words))
        has_dot = any("." + t in folded for t in tlds)
    if has_dot or "://" in folded or "www" in words:
        taken: list[tuple[int, int]] = []
        for m in _URL_RE.finditer(folded):
            url = m.group().rstrip(".,;:!?)]}'\"")
            hm = _HOST_RE.match(url)
            host = hm.group(1) if hm else url
            taken.append((m.start(), m.start() + len(url)))
            if not host_allowed(host, allowed):
                hits.append(_hit(m.start(), m.start() + len(url), host, url))
        if has_dot:
            for m in _DOMAIN_RE.finditer(folded):
                if any(a <= m.start() < b for a, b in taken):
                    continue
                url = m.group().rstrip(".,;:!?)]}'\"")
                host = m.group(1) or m.group(2) or url
                if not host_allowed(host, allowed):
                    hits.append(_hit(m.start(), m.start() + len(url), host, url))
    # spelled-out and spaced-out links, searched around their dots only
    if said_dot or not _SAID_WORDS.isdisjoint(words):
        said = _SAID_WORDS.intersection(words) | ({"(.", "[.", "{."} if said_dot else set())
        for a, b in near(folded, said, 200, 40):
            for m in _SPOKEN_RE.finditer(folded, a, b):
                host = _SEPARATORS_RE.sub(".", m.group(1)) + "." + m.group(2)
                if not host_allowed(host, allowed):
                    hits.append(LinkHit(m.start(), m.end(), host, "spelled-out link", 2))
    if spaced:
        for a, b in near(folded, _SPACED_SET.intersection(words), 220, 4):
            for m in _SPACED_RE.finditer(folded, a, b):
                host = _SEPARATORS_RE.sub(".", m.group(1)) + "." + (m.group(2) or m.group(3))
                if not host_allowed(host, allowed):
                    hits.append(LinkHit(m.start(), m.end(), host, "spaced-out link", 2))
    return hits


def _hit(start: int, end: int, host: str, url: str) -> LinkHit:
    if _INVITE_RE.search(url):
        return LinkHit(start, end, host, "invite link", 2)
    return LinkHit(start, end, host, "link", 1)
