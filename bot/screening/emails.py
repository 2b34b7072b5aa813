"""E-mail addresses a child should not share: written ("sam@gmail.com") or spoken
("sam at gmail dot com"). Pure text analysis; every pattern is linear."""

from __future__ import annotations

import re

from bot.screening.near import near

# mail providers children use (worldwide, and NZ/AU/UK ones: xtra, bigpond, btinternet)
_PROVIDERS = (
    "gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|icloud|aol|live|msn|proton|"
    "protonmail|mail|gmx|xtra|bigpond|btinternet|zoho"
)
# "@", "(at)", "[at]", "{at}", "<at>", "(@)", or the word "at"
_AT = r"(?:\s{0,3}(?:@|\(at\)|\[at\]|\{at\}|<at>|\(@\)|\[@\])\s{0,3}|\s(?:at|@)\s)"
_DOT_WORD = (
    r"(?:\s{0,3}(?:\(dot\)|\[dot\]|\{dot\}|<dot>|\(\.\)|\[\.\]|\{\.\})\s{0,3}|\s(?:dot|d0t)\s)"
)
_DOT = r"(?:\s{0,3}\.\s{0,3}|" + _DOT_WORD + ")"
_TLD = r"(?:com|net|org|co|uk|de|fr|nz|au|ca|ie|us|edu|school|kiwi|io|me)"
# possessive: what follows the name never starts with one of its characters
_LOCAL = r"\b[\w.+-]{2,64}+"
# "sam at gmail dot com", "sam (at) hotmail (dot) co (dot) uk", "sam@gmail dot com"
EMAIL_SPOKEN_RE = re.compile(
    _LOCAL + _AT + r"(?:" + _PROVIDERS + r")" + _DOT + _TLD + r"(?:" + _DOT + _TLD
    + r")?\b"
)  # fmt: skip
# "sam@gmail", "sam (at) gmail", and "sam at gmail" with a word about e-mail
_PROVIDER_ONLY_RE = re.compile(
    _LOCAL + r"(?:\s{0,3}(?:@|\(at\)|\[at\]|\{at\}|<at>|\(@\)|\[@\])\s{0,3}|"
    r"(?P<word>\sat\s))(?:" + _PROVIDERS + r")\b"
)  # fmt: skip
# any domain, with "dot" spelled out: "sam at rataschool dot nz", "sam@kowhai dot school dot nz"
_DOMAIN_SPOKEN_RE = re.compile(
    _LOCAL + _AT + r"[a-z0-9][a-z0-9-]{1,40}(?:" + _DOT + r"[a-z0-9][a-z0-9-]{1,40})"
    r"{0,2}" + _DOT_WORD + _TLD + r"\b"
)  # fmt: skip
_PROVIDER_WORDS = frozenset(_PROVIDERS.split("|")) - {"live", "mail"}
_ABOUT_MAIL = frozenset("email emails mail".split())  # "e-mail" has the word "mail"
# every word ``spoken_emails`` looks at
MAIL_WORDS = _PROVIDER_WORDS | _ABOUT_MAIL | {"dot", "d0t"}
# without one of these ``spoken_emails`` finds nothing ("email" only changes what it finds)
MAIL_GATE = _PROVIDER_WORDS | {"mail", "dot", "d0t"}


def spoken_emails(low: str, words: set[str] | frozenset[str]) -> list[tuple[int, int]]:
    """(start, end) of every e-mail address written with words ("sam at gmail dot com")
    or without its ending ("sam@gmail"); ``low``: the message in lower case
    (``near.lower_view``); ``words``: its words."""
    hits: list[tuple[int, int]] = []
    # ("sam at live dot com" is read only beside another provider: "live" is a common word)
    providers = set(_PROVIDER_WORDS.intersection(words))
    if "mail" in words:
        providers.add("mail")
    if providers:
        about = not _ABOUT_MAIL.isdisjoint(words)
        for a, b in near(low, providers, 80, 40):
            whole = set()
            for m in EMAIL_SPOKEN_RE.finditer(low, a, b):
                hits.append((m.start(), m.end()))
                whole.add(m.start())
            for m in _PROVIDER_ONLY_RE.finditer(low, a, b):
                if m.start() not in whole and (m.group("word") is None or about):
                    hits.append((m.start(), m.end()))
    dots = {"dot", "d0t"}.intersection(words)
    if dots:
        for a, b in near(low, dots, 200, 20):
            hits += [(m.start(), m.end()) for m in _DOMAIN_SPOKEN_RE.finditer(low, a, b)]
    return hits


_LOCAL_RE = re.compile(r"[\w.+-]{1,64}$")
_EMAIL_DOMAIN_RE = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?){0,5}\.[A-Za-z]{2,24}(?![\w-])"
)


def emails(text: str) -> list[tuple[int, int]]:
    """(start, end) of every e-mail address, found from each '@' outwards (no scan of
    every position)."""
    hits: list[tuple[int, int]] = []
    i = text.find("@")
    while i > 0:
        c = text[i - 1]
        if not (c.isalnum() or c in "_.+-\n"):
            # no local part ends right before this "@" (a mention: "hi @sam"); "\n"
            # stays a candidate because "$" also matches before a final newline
            i = text.find("@", i + 1)
            continue
        local = _LOCAL_RE.search(text, max(0, i - 64), i)
        if local is not None:
            dom = _EMAIL_DOMAIN_RE.match(text, i + 1)
            if dom is not None:
                hits.append((local.start(), dom.end()))
        i = text.find("@", i + 1)
    return hits
