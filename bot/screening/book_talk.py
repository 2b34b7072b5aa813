"""Book talk that phrase rules would read as something else.

* A story's dialogue, told by a narrator: the rude word is inside a quotation that a
  dialogue tag or narration in the third person closes ("'Idiot!' said the Queen",
  "'you coward!' and at last she ..."). Children in chat do not write inverted tags;
  a threat counts as dialogue only with a tag ("'I'll eat you!' roared the giant").
* Keeping the book's secrets: "don't tell anyone the ending", "... about this book".
* Dying figuratively: "I'll die of boredom", "we died laughing".
* "he/she" is a pair of pronouns, not the slur written "he-she".

Patterns are the project's own, bounded and compiled once (see test_screening_runs.py).
"""

from __future__ import annotations

import re

from bot.screening.verdict import GROOMING, SELF_HARM, SLUR

__all__ = ["innocent", "story_dialogue"]

_S = r"[^a-z0-9]+"
# a closing quotation mark after the finding: punctuation, then the mark ("!'", ",”");
# an apostrophe inside a word ("Hell's") is not one
_CLOSE = re.compile(r"(?:[^'\"‘’“”\n]|(?<=[A-Za-z])['’](?=[a-z])){0,40}?[!?,.…—–-]['\"’”]")
_CLOSING_MARK = re.compile(r"[!?,.…—–-]['\"’”]")
_SPEECH = (
    "said|says|cried|shouted|screamed|yelled|called|roared|replied|asked|whispered|"
    "muttered|exclaimed|snapped|growled|added|continued|answered|bellowed|hissed|sobbed|"
    "snarled|shrieked|thundered|grumbled|sneered|laughed|spat|barked|squeaked|declared|"
    "went on|thought"
)
_INVERTED = re.compile(
    rf"\s*(?:{_SPEECH})\s+(?:(?:the|a|an|his|her|their|poor|old|little)\s+[A-Za-z]+|[A-Z][a-z]+)"
)
_TAG = re.compile(rf"\s*(?P<who>he|she|they|the\s+[a-z]+|[A-Z][a-z]+)\s+(?:{_SPEECH})\b")
_NARRATION = re.compile(r"\s*(?:and|but|then|as|while|so)\b")
# a tag before the quotation, with its comma: "The toad said, 'You ...'"
_OPENING = re.compile(
    rf"(?:^|[^a-z])(?P<who>[A-Za-z]+)\s+(?:{_SPEECH})\s*[,:]\s*['\"‘“](?P<said>(?:[^'\"‘’“”\n]|(?<=[A-Za-z])['’](?=[a-z]))*)$"
)
_THIRD = frozenset("he she they his her him them their".split())
_SPEAKER = frozenset("i me my mine im ive you u ur your yours we us our".split())
_WORD = re.compile(r"[a-z]+")


def story_dialogue(body: str, start: int, end: int, *, threat: bool) -> bool:
    """Is original [start, end) inside a narrator's quotation: one that ends soon after
    it, closed by a dialogue tag or by narration about someone else (no "I" or "you"
    in it), or opened by a tag with its comma ("the toad said, '...")? A threat needs a
    tag naming who speaks ("the wolf whispered", "roared the giant"), not a pronoun or
    only narration."""
    if _CLOSING_MARK.search(body, end, end + 42) is None:
        return False  # the common case, told by one scan
    m = _CLOSE.match(body, end)
    if m is None:
        return False
    after = body[m.end() : m.end() + 80]
    words = _WORD.findall(after.lower())[:6]
    if not _SPEAKER.isdisjoint(words):
        return False  # "... said Jake to me": a child telling what was said to them
    # a threat quoted with only "he said" may be a child telling what was said to them
    # ("'i'll get you' he said"): it stays for the teacher; a named speaker is the story's
    tag = _TAG.match(after)
    if _INVERTED.match(after) or (tag and not (threat and tag.group("who") in _THIRD)):
        return True
    opening = _OPENING.search(body, max(0, start - 80), start)
    if opening is not None and opening.group("who").lower() not in _SPEAKER:
        return not (threat and opening.group("who").lower() in _THIRD)
    return not threat and _NARRATION.match(after) is not None and not _THIRD.isdisjoint(words[:5])


# "don't tell anyone" + what about the book is kept from them
_NOBODY = re.compile(r"(?:anyone|anybody|nobody|no one|noone|no body|everyone|everybody)$")
_SPOILER = re.compile(
    rf"{_S}(?:about{_S})?(?:(?:the|this|that|these|my|our|any|what|who|how|which|it|in|"
    rf"of|book s|story s){_S}){{0,3}}(?:book|books|story|ending|endings|end|ends|chapter|"
    r"chapters|twist|twists|spoiler|spoilers|spoil|plot|series|sequel|answer|answers|"
    r"riddle|surprise|movie|film|character|characters|title|page|pages|part|happens|"
    r"happened|dies|died|wins|won|killer|villain|murderer|mystery)(?![a-z0-9])"
)
# a promise to keep the book's secret: the ending was named before it
_KEEP = re.compile(r"^keep" + _S + r"(?:it|this|that)" + _S)
_SPOILER_BEFORE = re.compile(
    r"(?<![a-z0-9])(?:ending|endings|spoiler|spoilers|twist|plot|who dies|what happens)"
    r"(?![a-z0-9])"
)
_DYING = re.compile(r"(?:die|dying|died|dead|death)$")
_FIGURATIVE = re.compile(
    rf"{_S}(?:(?:of|from|with){_S}(?:boredom|laughter|laughing|embarrassment|cringe|"
    r"cuteness|suspense|excitement|curiosity|happiness|shock|fright|jealousy|envy)|"
    r"laughing)(?![a-z0-9])"
)
_PRONOUNS = re.compile(r"s?he" + r"[ ]?/[ ]?" + r"s?he")


def innocent(clean: str, start: int, end: int, cats: tuple[str, ...]) -> bool:
    """Is the phrase finding at clean [start, end) book talk rather than what it looks like?"""
    said = clean[start:end]
    if SLUR in cats:
        return _PRONOUNS.fullmatch(said) is not None
    if GROOMING in cats or SELF_HARM in cats:
        if _NOBODY.search(said) and _SPOILER.match(clean, end):
            return True
        if _KEEP.match(said) and _SPOILER_BEFORE.search(clean, 0, start):
            return True
    if SELF_HARM in cats and _DYING.search(said):
        return _FIGURATIVE.match(clean, end) is not None
    return False
