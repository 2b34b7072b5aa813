"""The speed-ups must not change results: trigger-word sets, token cache, early exits."""

from __future__ import annotations

import pytest

from bot.screening import links, phrases, pii, pii_addresses, pii_numbers, readings, spam
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
        region = None if candidate.lstrip("(").startswith("+") else pii_numbers.DEFAULT_REGION
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
        assert pii_numbers._is_phone(cand) == _is_phone_reference(cand), cand


def _random_texts(n: int = 1500) -> list[str]:
    import random

    rnd = random.Random(11)
    alphabet = "abcxyz ABC 0123456789 @$£€.:-/!\n" + "ßäöü\u00e9\u200b😀"
    words = "free win prize claim call txt cash 18 per stop code offer street road".split()
    texts = list(SAMPLES)
    for _ in range(n):
        parts = [
            rnd.choice(words) if rnd.random() < 0.5 else
            "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(1, 12)))
            for _ in range(rnd.randrange(1, 15))
        ]  # fmt: skip
        texts.append(" ".join(parts))
    return texts


def test_shared_ascii_bytes_give_the_same_findings() -> None:
    """The engine passes ``text.encode()`` (ASCII text) down; results must not change."""
    for text in _random_texts():
        words = _words(text)
        raw = text.encode() if text.isascii() else None
        assert pii.find_pii(text, words, raw) == pii.find_pii(text, words)
        assert spam.find_spam(text, (), words, len(words), len(words), raw) == spam.find_spam(
            text, (), words, len(words), len(words)
        )
        assert pii_addresses.eu_street_word(text, raw) == pii_addresses.eu_street_word(text)


def _promo_groups_reference(text: str, words: set[str]) -> list[object]:
    # the former implementation: every group's anchors tested against the words
    groups = [rx for anchors, rx in spam._PROMO if not anchors.isdisjoint(words)]
    extra = set()
    if "£" in text or "$" in text or "€" in text:
        extra.add("£")
    if spam._enough_digits(text.encode() if text.isascii() else None, 10) and (
        spam._LONG_DIGITS_RE.search(text) is not None
    ):
        extra.add("#digits")
    if extra:
        groups = [rx for anchors, rx in spam._PROMO if not anchors.isdisjoint(words | extra)]
    return groups


def test_promo_group_index_matches_reference() -> None:
    for text in _random_texts():
        words = _words(text)
        if len(text) < 25 or spam._PROMO_ANCHORS.isdisjoint(words):
            continue
        ref = _promo_groups_reference(text, words)
        hit: set[int] = set()
        for w in words:
            hit.update(spam._GROUPS_OF.get(w, ()))
        if "£" in text or "$" in text or "€" in text:
            hit.update(spam._GROUPS_OF["£"])
        raw = text.encode() if text.isascii() else None
        if spam._enough_digits(raw, 10) and spam._LONG_DIGITS_RE.search(text) is not None:
            hit.update(spam._GROUPS_OF["#digits"])
        assert [rx for i, (_a, rx) in enumerate(spam._PROMO) if i in hit] == ref


def _suspicious_reference(folded: str, words: list[str]) -> bool:
    # the former implementation: a regex symbol test before the byte-class test
    from bot.screening import lexicon as lx

    if lx._SYMBOL_RE.search(folded) is not None:
        if folded.isascii():
            cls = folded.encode().translate(lx._CLASSES)
            if b"a1" in cls or b"1a" in cls or b"a2" in cls or b"3a" in cls:
                return True
            # "p!$$", "$1@nty", "@$$", "@55", "$$"
            if b"a31" in cls or b"a32" in cls or "$$" in folded:
                return True
            if "@" in folded and (b"12a" in cls or "@$" in folded or "@5" in folded):
                return True
        elif lx._MIXED_RE.search(folded) is not None:
            return True
        elif lx._SYMBOLIC_RE.search(folded) is not None:
            return True
        if "@" in folded:
            for m in lx._AT_WORD_RE.finditer(folded):
                if "a" + m.group(1) in lx.KNOWN:
                    return True
    if lx._TRIPLE_RE.search(folded) is not None:
        return True
    if sum(map(lx._SINGLE_CHARS.__contains__, words)) >= 3:
        return lx._SPACED_RE.search(folded) is not None
    return False


def test_suspicious_matches_reference() -> None:
    import random

    from bot.screening.lexicon import suspicious

    rnd = random.Random(5)
    alphabet = "abcsdklmo 0123456789@$*#!|+€.,_-~/'^:=\"`aaa\u00e9\u00df😀\u200b"
    texts = [*_random_texts(), "@ss", "a@ss", "1@a", "sh1t", "f u c k", "€a", "a€"]
    texts += ["p!$$", "@$$", "$1@nty", "@55", "win $$", "p!$$ é", "@$$ é", "$1@nty é", "wow!1"]
    texts += [
        "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 30))) for _ in range(5000)
    ]
    for text in texts:
        folded = fold(text).text
        words = quick_words(folded)
        expected = _suspicious_reference(folded, words)
        assert suspicious(folded, words) == expected, folded
        assert suspicious(folded, words, lx_has_triple(folded)) == expected, folded


def lx_has_triple(folded: str) -> bool:
    from bot.screening.lexicon import has_triple

    return has_triple(folded)
