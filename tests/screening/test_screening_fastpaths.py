"""The speed-ups must not change results: trigger-word sets, token cache, early exits."""

from __future__ import annotations

import pytest

from bot.screening import links, phrases, pii, readings, spam
from bot.screening.lexicon import quick_words
from bot.screening.normalize import fold

SAMPLES = [
    "hi everyone, chapter two was great",
    "my address is 12 Oak Road, call me on 555 123 4567",
    "add me on insta: @reader_kid99 or email me at kid at gmail dot com",
    "I go to Springfield Elementary School, my name is Tom Smith",
    "WIN a FREE prize!! txt CLAIM to 80080 now, T&Cs apply, cash £500",
    "check out www.example.com/page and example dot com",
    "live at 7 Maple Street apt 4, zip code 12345",
    "you are so annoying, nobody likes you",
    "ÁLL CAPS ÉVERYWHERE IN THIS MESSAGE WITH ÀCCENTS ÖK ÜBER",
    "mostly lower ßtraße 5 with ünïcödé letters here and there",
    "no no no no no no no no no no no no",
    "",
]


def _words(text: str) -> set[str]:
    return set(quick_words(fold(text).text))


@pytest.mark.parametrize("text", SAMPLES)
def test_detectors_see_only_their_trigger_words(text: str) -> None:
    folded = fold(text).text
    words = _words(text)
    n = len(quick_words(folded))
    assert pii.find_pii(text, words) == pii.find_pii(text, words & pii.TRIGGERS)
    assert links.find_links(folded, words) == links.find_links(folded, words & links.TRIGGERS)
    assert phrases.scan_phrases(folded, words) == phrases.scan_phrases(
        folded, words & phrases.TRIGGERS
    )
    assert spam.find_spam(text, (), words, n) == spam.find_spam(
        text, (), words & spam.TRIGGERS, n, len(words)
    )


def _mostly_caps_reference(text: str) -> bool:
    letters = sum(map(str.isalpha, text))
    upper = sum(map(str.isupper, text))
    return letters >= spam.CAPS_MIN_LETTERS and upper >= 0.9 * letters and len(text.split()) >= 6


@pytest.mark.parametrize("text", SAMPLES + [s.upper() for s in SAMPLES])
def test_mostly_caps_early_exit_is_exact(text: str) -> None:
    assert spam._mostly_caps(text) == _mostly_caps_reference(text)


@pytest.mark.parametrize(
    ("raw", "bang"), [("5h1t", False), ("p@k", True), ("123", False), ("1", True), ("#a$$", False)]
)
def test_token_cache_matches_uncached_reading(raw: str, bang: bool) -> None:
    uncached = readings.read_token.__wrapped__
    for triples in (False, True):
        assert readings.read_token(raw, triples, bang) == uncached(raw, triples, bang)


def test_token_caches_are_bounded() -> None:
    assert readings.read_token.cache_info().maxsize == readings.TOKEN_CACHE_SIZE
    assert readings._resolve.cache_info().maxsize == readings.TOKEN_CACHE_SIZE
    assert readings.TOKEN_CACHE_SIZE <= 65_536


def _is_phone_reference(candidate: str) -> bool:
    import phonenumbers

    try:
        region = None if candidate.lstrip("(").startswith("+") else pii.DEFAULT_REGION
        return bool(phonenumbers.is_possible_number(phonenumbers.parse(candidate, region)))
    except phonenumbers.NumberParseException:
        return False


def test_phone_pre_test_never_rejects_a_possible_number() -> None:
    import random

    rnd = random.Random(3)
    seps = [" ", "-", ".", "(", ")", "\u00a0", "", "", ""]
    for _ in range(3000):
        lead = rnd.choice(["", "", "0", "1", "011", "00", "11", "01", "+44", "+1", "("])
        digits = lead + "".join(rnd.choice("0123456789") for _ in range(rnd.randint(5, 16)))
        cand = "".join(d + (rnd.choice(seps) if rnd.random() < 0.3 else "") for d in digits)
        cand = cand.rstrip(" .-(")
        assert pii._is_phone(cand) == _is_phone_reference(cand), cand
