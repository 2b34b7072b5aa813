"""When do two classes ask the same thing? Normalized word overlap, forgiving small typos.

Pure functions, no I/O. Two questions are the same when the words that carry
meaning (question words kept, filler dropped, light stemming) overlap enough:
a soft Jaccard score where a long word with one typo still counts as a match.
The threshold is set by tests/cogs/test_authors_similarity.py: rephrasings
merge, while questions that differ in one meaningful word ("a real mouse" /
"a real cat") do not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher

THRESHOLD = 0.75
TYPO_RATIO = 0.85  # two long words this alike are the same word misspelled
TYPO_MIN_LENGTH = 5
FILLER = frozenset(
    """a an the is are was were be been am do does did you your yours i me my we our us
    it its of to in on at for with from and or but so that this these those there their
    they them he she his her him please hi hello dear mr mrs ms miss author um uh really
    very just can could would will shall should about all also any some ever much ok okay
    yes no not been being have had has into out up""".split()
)
# "have" carries little but "had" vs "has" should not split a question; keep wh-words
CONTRACTIONS = {"what's": "what", "where's": "where", "who's": "who", "how's": "how"}


def _stem(word: str) -> str:
    """Light suffix stripping, enough for plurals and tenses."""
    for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            return word[: -len(suffix)] + keep
    return word


def normalize(text: str) -> str:
    """Lower case, accents and punctuation gone, spaces collapsed."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"['’]s\b", "", text.replace("’", "'"))  # possessives: Auggie's → Auggie
    for short, long in CONTRACTIONS.items():
        text = text.replace(short, long)
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def meaning_words(text: str) -> list[str]:
    """The words that carry the question's meaning, stemmed, in order, each once."""
    seen: list[str] = []
    for word in normalize(text).split():
        if word in FILLER or len(word) < 2:
            continue
        stem = _stem(word)
        if stem not in seen:
            seen.append(stem)
    return seen


def _same_word(a: str, b: str) -> bool:
    if a == b:
        return True
    # stems that differ only in an ending ("auggy" / "auggie")
    pairs = enumerate(zip(a, b, strict=False))
    common = next((i for i, (x, y) in pairs if x != y), min(len(a), len(b)))
    if common >= 4 and max(len(a), len(b)) - common <= 2:
        return True
    if min(len(a), len(b)) < TYPO_MIN_LENGTH:
        return False
    return SequenceMatcher(None, a, b).ratio() >= TYPO_RATIO


def similarity(a: str, b: str) -> float:
    """0.0 (unrelated) to 1.0 (the same question), symmetric."""
    wa, wb = meaning_words(a), meaning_words(b)
    if not wa or not wb:
        return 1.0 if normalize(a) == normalize(b) else 0.0
    unmatched = list(wb)
    matched = 0
    for word in sorted(wa, key=lambda w: w not in wb):  # exact matches first
        hit = next((u for u in unmatched if _same_word(word, u)), None)
        if hit is not None:
            unmatched.remove(hit)
            matched += 1
    return matched / (len(wa) + len(wb) - matched)


def same_question(a: str, b: str, threshold: float = THRESHOLD) -> bool:
    """Whether two classes' wordings should become one inbox item."""
    return similarity(a, b) >= threshold


def best_match(text: str, candidates: Iterable[tuple[int, str]]) -> int | None:
    """The id of the candidate (id, text) most like `text`, if any is alike enough."""
    best: tuple[float, int] | None = None
    for cid, other in candidates:
        score = similarity(text, other)
        if score >= THRESHOLD and (best is None or score > best[0]):
            best = (score, cid)
    return best[1] if best else None
