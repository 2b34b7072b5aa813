"""Spam: repeats of the student's recent messages, floods, shouting, mention storms,
and prize/promotion scams ("you won a free ...", "text WIN to 80082"), and a child
advertising their own channel ("sub to me on youtube", "check out my channel").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.screening.near import lower_view, near

__all__ = ["TRIGGERS", "SpamHit", "find_spam"]

REPEAT_LIMIT = 2  # the same message already in recent this many times
FLOOD_RECENT = 12  # this many recent messages in the window
MAX_LENGTH = 2000
MAX_LINES = 25
CAPS_MIN_LETTERS = 30
MENTION_LIMIT = 5
PROMO_THRESHOLD = 3


@dataclass(frozen=True, slots=True)
class SpamHit:
    start: int
    end: int
    detail: str


_SPACES_RE = re.compile(r"\s+")
_CHAR_FLOOD_RE = re.compile(r"(\S)\1{19,}")
_WORD_FLOOD_RE = re.compile(r"\b(\w{1,20})\b(?:\W{1,3}\1\b){7,}", re.I)
_MENTION_RE = re.compile(r"(?<!\w)@[\w.-]{2,32}|<@!?&?\d{5,25}>")
_EMOJI_RE = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")

# prize/promotion signals: (anchor words, pattern); each that matches adds to a score
_PROMO: tuple[tuple[frozenset[str], re.Pattern[str]], ...] = tuple(
    (frozenset(a.split()), re.compile(p, re.I))
    for a, p in (
        ("free freemsg fr33", r"\b(?:free|freemsg|fr33)\b"),
        (
            "win wins won winner winning prize prizes award awarded reward bonus jackpot "
            "lottery raffle draw",
            r"\b(?:win|wins|won|winner|winning|prize|prizes|award(?:ed)?|reward|bonus|jackpot|"
            r"lottery|raffle|draw)\b",
        ),
        ("claim redeem collect", r"\b(?:claim|redeem|collect)\b"),
        (
            "urgent congrats congratulations act limited expires expire last guaranteed "
            "selected exclusive",
            r"\b(?:urgent|congrat(?:ulation)?s|act now|limited time|expires?|last chance|"
            r"guaranteed|selected|exclusive)\b",
        ),
        (
            "£ $ € pounds dollars cash gbp usd ppm min",
            # an amount: a run of digits and commas with a word start before one of its
            # digits, tried once per run (tried from every comma, "1,1,1,…" was quadratic)
            r"(?:£|\$|€)\s?\d[\d,]*|(?<![\d,])(?:\b\d|(?>[\d,]*?,\d))[\d,]*+\s?"
            r"(?:pounds|dollars|cash|gbp|usd|p/min|ppm)\b",
        ),
        (
            "txt text sms reply send call",
            # (the same as "\s+ … (?:to|on|now)?\s*\d", without two ways to split spaces)
            r"\b(?:txt|text|sms|reply|send|call)\s+(?:[A-Z0-9]{2,12}\s+)?(?:(?:to|on|now)\s*)?"
            r"\d{4,6}\b",
        ),
        (
            "call ring dial #digits",
            r"\b(?:call|ring|dial)\s+(?:now\s+)?(?:on\s+)?0\d{9,11}\b|\b0[89]\d{8,10}\b",
        ),
        (
            "ringtone ringtones voucher vouchers gift giftcard subscribe subscription "
            "unsubscribe opt optout stop per wk t cs landline valid cust customer 18",
            r"\b(?:ringtone|ringtones|voucher|vouchers|gift ?card|subscribe|subscription|"
            r"unsubscribe|opt ?out|stop to|per msg|per week|/wk|t&c|t&cs|t\s?&\s?c|18\+|"
            r"landline|valid\s?\d*hrs?|cust(?:omer)? (?:service|care))\b",
        ),
        (
            "free click dm check",
            r"\b(?:free\s+(?:robux|v-?bucks|vbucks|minecoins|skins?|nitro|gems|coins|iphone|ipad|"
            r"ps5|xbox)|click (?:here|the link|this link)|dm me for"
            r"|check out my (?:channel|page))\b",
        ),
        (
            "mobile camera nokia iphone holiday cash ticket tickets",
            r"\b(?:mobile|camera|nokia|iphone|holiday|cash|tickets?)\b.{0,80}\b(?:free|win|prize|"
            r"claim|offer)\b",
        ),
        (
            "offer deal discount sale cheap buy order promo code",
            r"\b(?:offer|deal|discount|sale|cheap|buy now|order now|promo|code)\b",
        ),
    )
)
_MY_THINGS = (
    r"(?:yt|youtube|channel|chanel|vids?|videos?|vlogs?|streams?|twitch|tiktoks?|tik\s{0,2}tok|"
    r"insta(?:gram)?|ig|account|acc|profile|servers?|shorts|reels?|page|art\s{1,3}page|games?|"
    r"maps?|worlds?)"
)
# a child advertising their own channel or account, with no link
_SELF_PROMO_RE = re.compile(
    r"\b(?:check|chek|chk)\s{1,3}(?:out\s{1,3})?my\s{1,3}(?:new\s{1,3})?"
    r"(?:yt\s{1,3}|youtube\s{1,3}|twitch\s{1,3}|tiktok\s{1,3}|roblox\s{1,3}|minecraft\s{1,3}|"
    r"fortnite\s{1,3})?" + _MY_THINGS + r"(?:\s{1,3}out)?\b"
    r"|\b(?:sub|subs|subscribe|subcribe|subscibe|subscrib|suscribe)\s{1,3}(?:to|2)\s{1,3}(?:me|my)\b"
    r"|\bsub\s{0,3}(?:4|for)\s{0,3}sub\b|\blike\s{1,3}(?:and|&|n|\+)\s{1,3}(?:sub|subscribe)\b"
    r"|\b(?:sub|subscribe|subcribe|subscibe|follow)\s{1,3}(?:to\s{1,3}|2\s{1,3})?[\w.@]{2,30}"
    r"\s{1,3}on\s{1,3}(?:yt|youtube|tiktok|twitch|insta(?:gram)?)\b"
    r"|\b(?:go|pls|plz|please)\s{1,3}(?:sub|subscribe)\b(?!\s{1,3}(?:in|for)\b)"
    r"|\b(?:yt|youtube|twitch|tiktok)\s{1,3}channel\s{1,3}(?:is\s{1,3})?called\b"
    r"|\b(?:pls|plz|please|pleas|go|everyone|every1|guys)\s{1,3}(?:sub|subscribe|follow)"
    r"(?:\s{1,3}(?:to|2)\s{1,3}(?:me|my)|\s{1,3}me)?\s{0,3}(?:on\s{1,3})?"
    r"(?:yt|youtube|tiktok|twitch|insta(?:gram)?)\b"
    r"|\bfollow\s{1,3}(?:me|my)\s{1,3}(?:on\s{1,3}|at\s{1,3})?(?:tiktok|tik\s{0,2}tok|"
    r"insta(?:gram)?|ig|twitch|youtube|yt|twitter|channel|account|page)\b"
    r"|\b(?:watch|see|view)\s{1,3}my\s{1,3}(?:new\s{1,3}|latest\s{1,3}|last\s{1,3})?"
    r"(?:vids?|videos?|streams?|tiktoks?|shorts|reels?|vlogs?|channel|yt|youtube|twitch)\b"
    r"|\b(?:come|join|go)\s{1,3}(?:to\s{1,3}|watch\s{1,3}|on\s{1,3})?my\s{1,3}"
    r"(?:streams?|live|server|channel|discord\s{1,3}server|twitch|yt|youtube)\b"
    r"|\bmy\s{1,3}(?:yt|youtube|twitch|tiktok)(?:\s{1,3}channel)?\s{1,3}(?:is\s{1,3})?called\b"
    r"|\bsearch\s{1,3}(?:up\s{1,3})?my\s{1,3}(?:channel|name\s{1,3}on\s{1,3}(?:yt|youtube|tiktok))\b"
    r"|\bi\s{0,2}(?:'|’)?\s{0,2}m\s{1,3}(?:live|streaming)\s{1,3}(?:rn\s{1,3}|now\s{1,3})?on\s{1,3}"
    r"(?:twitch|youtube|yt|tiktok)\b"
)  # fmt: skip
# every match has one of these words
_SELF_PROMO_WORDS = frozenset(
    "yt youtube channel chanel vid vids video videos vlog vlogs stream streams twitch tiktok "
    "tiktoks tik insta instagram ig account acc profile server shorts reel reels page sub "
    "subs subscribe subcribe subscibe subscrib suscribe sub4sub game games map maps world "
    "worlds servers follow".split()
)


def _self_promotion(text: str, words: set[str] | frozenset[str]) -> tuple[int, int] | None:
    """Where a child advertises their channel or account, if they do (searched in lower
    case around the words every such message has)."""
    low = lower_view(text)
    for a, b in near(low, _SELF_PROMO_WORDS.intersection(words), 60, 60):
        m = _SELF_PROMO_RE.search(low, a, b)
        if m is not None:
            return m.start(), m.end()
    return None


# ALL CAPS is excitement ("OMG I LOVE THIS BOOK SO MUCH!!!"), not spam, unless it goes on
# (a paragraph of shouting) or says the same words over and over
CAPS_FLOOD_LETTERS = 200
CAPS_REPEAT_TOKENS = 6

# at least one group's anchor must be present for the score to reach the threshold
_PROMO_ANCHORS = frozenset().union(*(a for a, _ in _PROMO)) - {"£", "$", "€", "#digits"}
# anchor word -> the indexes of the ``_PROMO`` groups it belongs to
_GROUPS_OF: dict[str, tuple[int, ...]] = {
    w: tuple(i for i, (anchors, _rx) in enumerate(_PROMO) if w in anchors)
    for w in frozenset().union(*(a for a, _ in _PROMO))
}
# every word ``find_spam`` looks at: ``words & TRIGGERS`` gives the same findings when
# ``n_distinct`` is the number of distinct words
TRIGGERS: frozenset[str] = frozenset().union(*(a for a, _ in _PROMO), _SELF_PROMO_WORDS)
_ASCII_LOWER = b"abcdefghijklmnopqrstuvwxyz"
_LONG_DIGITS_RE = re.compile(r"\d{10}")


def _key(text: str) -> str:
    return _SPACES_RE.sub(" ", text.strip().lower())


def find_spam(
    text: str,
    recent: tuple[str, ...] = (),
    words: set[str] | frozenset[str] | None = None,
    n_tokens: int = 0,
    n_distinct: int | None = None,
    raw: bytes | None = None,
) -> list[SpamHit]:
    """Spam findings (original offsets; whole-message findings span the whole text).

    ``words``/``n_tokens``: the message's folded words and word count, used to skip
    checks that cannot match (computed here when not given); ``n_distinct``: the
    number of distinct words, if ``words`` holds only the message's ``TRIGGERS``;
    ``raw``: ``text.encode()`` if the caller already has it for ASCII text.
    """
    if raw is None and text.isascii():
        raw = text.encode()
    hits: list[SpamHit] = []
    n = len(text)
    if words is None:
        toks = re.findall(r"[a-z0-9]+", text.lower())
        words, n_tokens = set(toks), len(toks)
    if n_distinct is None:
        n_distinct = len(words)
    if recent:
        key = _key(text)
        if key and sum(1 for r in recent if _key(r) == key) >= REPEAT_LIMIT:
            hits.append(SpamHit(0, n, "repeated message"))
        if len(recent) >= FLOOD_RECENT:
            hits.append(SpamHit(0, n, "many messages in a short time"))
    if n > MAX_LENGTH or text.count("\n") >= MAX_LINES:
        hits.append(SpamHit(0, n, "very long message"))
    if n >= 20:
        if _flood_hint(text):
            m = _CHAR_FLOOD_RE.search(text)
            if m:
                hits.append(SpamHit(m.start(), m.end(), "repeated characters"))
        if n >= 40 and n_tokens - n_distinct >= 7:
            m2 = _WORD_FLOOD_RE.search(text)
            if m2:
                hits.append(SpamHit(m2.start(), m2.end(), "repeated words"))
        if (
            raw is None
            and n - len(text.encode("ascii", "ignore")) >= 20  # 20 non-ASCII characters
            and len(_EMOJI_RE.findall(text)) >= 20
        ):
            hits.append(SpamHit(0, n, "emoji flood"))
    if text.count("@") + text.count("<@") >= MENTION_LIMIT:
        mentions = _MENTION_RE.findall(text)
        if len(mentions) >= MENTION_LIMIT:
            hits.append(SpamHit(0, n, "many mentions"))
    if n >= CAPS_MIN_LETTERS and _mostly_caps(text, raw) and _shouting(text, n_tokens, n_distinct):
        hits.append(SpamHit(0, n, "all capitals"))
    if not _SELF_PROMO_WORDS.isdisjoint(words):
        m3 = _self_promotion(text, words)
        if m3 is not None:
            hits.append(SpamHit(m3[0], m3[1], "self-promotion (channel or account)"))
    if n >= 25 and not _PROMO_ANCHORS.isdisjoint(words):
        # the groups whose anchors are among the words (indexes into ``_PROMO``)
        hit: set[int] = set()
        for w in words:
            g = _GROUPS_OF.get(w)
            if g is not None:
                hit.update(g)
        if len(hit) + 2 >= PROMO_THRESHOLD:
            if "£" in text or "$" in text or "€" in text:
                hit.update(_GROUPS_OF["£"])
            if _enough_digits(raw, 10) and _LONG_DIGITS_RE.search(text) is not None:
                hit.update(_GROUPS_OF["#digits"])
        groups = [rx for i, (_anchors, rx) in enumerate(_PROMO) if i in hit]
        if len(groups) >= PROMO_THRESHOLD:
            score = 0
            for rx in groups:
                if rx.search(text):
                    score += 1
                    if score >= PROMO_THRESHOLD:
                        hits.append(SpamHit(0, n, "looks like a prize or promotion message"))
                        break
    return hits


def _shouting(text: str, n_tokens: int, n_distinct: int) -> bool:
    """All-capitals text that is a flood: long, or the same few words again and again
    ("STOP STOP STOP STOP ...", "JOIN MY SERVER JOIN MY SERVER JOIN MY SERVER")."""
    if n_tokens >= CAPS_REPEAT_TOKENS and 2 * n_distinct <= n_tokens:
        return True
    return sum(map(str.isalpha, text)) >= CAPS_FLOOD_LETTERS


_SAMPLE_RUN_RE = re.compile(r"(\S)\1\1\1")


def _flood_hint(text: str) -> bool:
    """Cheap pre-test for 20 identical characters in a row: such a run covers four
    neighbouring positions that are multiples of 5, so every 5th character of the
    text has the same (non-space) character four times in a row."""
    return _SAMPLE_RUN_RE.search(text[::5]) is not None


_DIGIT_BYTES = b"0123456789"


def _enough_digits(raw: bytes | None, k: int) -> bool:
    """Could the text have ``k`` digits? (exact count for ASCII text, given as ``raw``
    bytes; else yes)"""
    if raw is not None:
        return len(raw) - len(raw.translate(None, _DIGIT_BYTES)) >= k
    return True


def _mostly_caps(text: str, raw: bytes | None = None) -> bool:
    """``raw``: ``text.encode()`` for ASCII text, else ``None``."""
    if raw is not None:
        lower = len(raw) - len(raw.translate(None, _ASCII_LOWER))
        if lower * 9 > len(raw):
            return False
    else:
        # lower-case ASCII letters are letters and not upper-case: with more of them
        # than a tenth of the characters, upper < 0.9 * letters (exact early exit)
        raw = text.encode("ascii", "ignore")
        lower = len(raw) - len(raw.translate(None, _ASCII_LOWER))
        if lower * 10 > len(text):
            return False
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    return letters >= CAPS_MIN_LETTERS and upper >= 0.9 * letters and len(text.split()) >= 6
