"""Spam: repeats of the student's recent messages, floods, shouting, mention storms,
and prize/promotion scams ("you won a free ...", "text WIN to 80082").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SpamHit", "find_spam"]

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

# prize/promotion signals; each that matches adds to a score
_PROMO = tuple(
    re.compile(p, re.I)
    for p in (
        r"\b(?:free|freemsg|fr33)\b",
        r"\b(?:win|wins|won|winner|winning|prize|prizes|award(?:ed)?|reward|bonus|jackpot|"
        r"lottery|raffle|draw)\b",
        r"\b(?:claim|redeem|collect)\b",
        r"\b(?:urgent|congrat(?:ulation)?s|act now|limited time|expires?|last chance|"
        r"guaranteed|selected|exclusive)\b",
        r"(?:£|\$|€)\s?\d[\d,]*|\b\d[\d,]*\s?(?:pounds|dollars|cash|gbp|usd|p/min|ppm)\b",
        r"\b(?:txt|text|sms|reply|send|call)\s+(?:[A-Z0-9]{2,12}\s+)?(?:to|on|now)?\s*\d{4,6}\b",
        r"\b(?:call|ring|dial)\s+(?:now\s+)?(?:on\s+)?0\d{9,11}\b|\b0[89]\d{8,10}\b",
        r"\b(?:ringtone|ringtones|voucher|vouchers|gift ?card|subscribe|subscription|"
        r"unsubscribe|opt ?out|stop to|per msg|per week|/wk|t&c|t&cs|t\s?&\s?c|18\+|"
        r"landline|valid\s?\d*hrs?|cust(?:omer)? (?:service|care))\b",
        r"\b(?:free\s+(?:robux|v-?bucks|vbucks|minecoins|skins?|nitro|gems|coins|iphone|ipad|"
        r"ps5|xbox)|click (?:here|the link|this link)|dm me for|check out my (?:channel|page))\b",
        r"\b(?:mobile|camera|nokia|iphone|holiday|cash|tickets?)\b.{0,80}\b(?:free|win|prize|"
        r"claim|offer)\b",
        r"\b(?:offer|deal|discount|sale|cheap|buy now|order now|promo|code)\b",
    )
)


def _key(text: str) -> str:
    return _SPACES_RE.sub(" ", text.strip().lower())


def find_spam(text: str, recent: tuple[str, ...] = ()) -> list[SpamHit]:
    """Spam findings (original offsets; whole-message findings span the whole text)."""
    hits: list[SpamHit] = []
    n = len(text)
    if recent:
        key = _key(text)
        if key and sum(1 for r in recent if _key(r) == key) >= REPEAT_LIMIT:
            hits.append(SpamHit(0, n, "repeated message"))
        if len(recent) >= FLOOD_RECENT:
            hits.append(SpamHit(0, n, "many messages in a short time"))
    if n > MAX_LENGTH or text.count("\n") >= MAX_LINES:
        hits.append(SpamHit(0, n, "very long message"))
    if n >= 20:
        m = _CHAR_FLOOD_RE.search(text)
        if m:
            hits.append(SpamHit(m.start(), m.end(), "repeated characters"))
        m2 = _WORD_FLOOD_RE.search(text) if n >= 40 else None
        if m2:
            hits.append(SpamHit(m2.start(), m2.end(), "repeated words"))
        if len(_EMOJI_RE.findall(text)) >= 20:
            hits.append(SpamHit(0, n, "emoji flood"))
    if "@" in text or "<" in text:
        mentions = _MENTION_RE.findall(text)
        if len(mentions) >= MENTION_LIMIT:
            hits.append(SpamHit(0, n, "many mentions"))
    letters = [c for c in text if c.isalpha()] if n >= CAPS_MIN_LETTERS else []
    if len(letters) >= CAPS_MIN_LETTERS:
        upper = sum(1 for c in letters if c.isupper())
        if upper / len(letters) >= 0.9 and len(text.split()) >= 6:
            hits.append(SpamHit(0, n, "all capitals"))
    if n >= 25:
        score = 0
        for rx in _PROMO:
            if rx.search(text):
                score += 1
                if score >= PROMO_THRESHOLD:
                    hits.append(SpamHit(0, n, "looks like a prize or promotion message"))
                    break
    return hits
