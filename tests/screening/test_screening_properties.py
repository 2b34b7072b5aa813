"""Property tests: any input returns a Verdict, never raises; offsets stay in range.

Time bounds are checked by benchmarks/screening.py, not by timed asserts here.
"""

from __future__ import annotations

import re
from typing import Literal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.screening import Context, Verdict, screen
from bot.screening.normalize import fold

_NO_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
_CHARS = st.characters(codec=None, exclude_categories=_NO_SURROGATES)
_TRICKY = st.sampled_from(
    [*"fuckshitass@$!|*.-_ 0134578", "\u200b", "\u200d", "\ufeff", "\u0336", "ａ", "с"]
)


def _check(text: str, v: Verdict) -> None:
    assert isinstance(v, Verdict)
    assert 0 <= v.severity <= 3
    assert (v.severity == 0) == (not v.categories)
    for s in v.spans:
        assert 0 <= s.start <= s.end <= len(text)
        assert s.category in v.categories
    if v.categories:
        assert v.student_note and v.reasons


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=_CHARS, max_size=300))
def test_arbitrary_unicode_never_raises(text: str) -> None:
    _check(text, screen(text))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_TRICKY, max_size=200))
def test_obfuscation_alphabet_never_raises(text: str) -> None:
    _check(text, screen(text))


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=_CHARS, max_size=200))
def test_fold_offsets_are_monotonic_and_in_range(text: str) -> None:
    f = fold(text)
    if f.index is not None:
        assert len(f.index) == len(f.text)
        assert all(0 <= i < len(text) for i in f.index)
        assert list(f.index) == sorted(f.index)


@settings(max_examples=100, deadline=None)
@given(
    st.frozensets(st.text(max_size=20), max_size=5),
    st.frozensets(st.text(max_size=20), max_size=5),
    st.lists(st.text(max_size=50), max_size=15),
    st.text(max_size=100),
)
def test_teacher_context_is_data_not_regex(
    words: frozenset[str], domains: frozenset[str], recent: list[str], text: str
) -> None:
    ctx = Context(allowed_words=words, allowed_domains=domains, recent=tuple(recent))
    _check(text, screen(text, ctx))


def test_pathological_inputs_do_not_raise() -> None:
    cases = [
        "",
        "a" * 100_000,
        "a " * 50_000,
        "f.u.c.k." * 12_500,
        "1234567 " * 12_500,
        "@a" * 50_000,
        "*" * 100_000,
        "a\u200b" * 50_000,
        "a\u0336" * 50_000,
        "www.a.com/" * 10_000,
        "you " * 25_000,
        "a@b." * 25_000,
        "\x00\n\t" * 1000,
        "\ud7ff\U0010ffff" * 1000,
    ]
    for text in cases:
        _check(text, screen(text))


def test_screen_is_deterministic() -> None:
    text = "ur such a l0s3r, add me on snap and visit www.x.com"
    assert screen(text) == screen(text)


def test_no_user_text_reaches_re_compile(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    compiled: list[str] = []
    real = re.compile

    def spy(pattern, flags=0):  # type: ignore[no-untyped-def]
        compiled.append(pattern)
        return real(pattern, flags)

    monkeypatch.setattr(re, "compile", spy)
    screen("this is shit", Context(allowed_words=frozenset({"(a+)+$ evil"})))
    assert not any("evil" in str(p) for p in compiled)
