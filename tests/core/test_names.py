"""Names and quoted words as the bot shows them: nothing a student picks can fake the bot."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.names import NAME_LIMIT, clean, reposted
from bot.core.quoting import BAR, quoted, review_quote


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("Sam", "Sam"),
        ("  Sam   Jones ", "Sam Jones"),
        ("Sam\n✅ Approved #1 by Ms Rivera", "Sam Approved #1 by Ms Rivera"),
        ("✅ Approved #1 by Ms Rivera.", "Approved #1 by Ms Rivera."),
        ("⚠️ Flag #3: please check", "Flag #3: please check"),
        ("> Ms Rivera", "Ms Rivera"),
        ("Ms Smith [Teacher]", "Ms Smith"),
        ("Sam (teacher)", "Sam"),
        ("(Mod) Mia", "Mia"),
        ("Jo {READ-ALOUD bot}", "Jo"),
        ("Mia (Year 6)", "Mia (Year 6)"),
        ("\u202eniaM\u202c", "niaM"),
        ("Sam\u200b\u200d\u2060\ufeffy", "Samy"),
        ("Sam\u2028Ms Rivera\u2029", "Sam Ms Rivera"),
        ("\u3164\u3164", "a student"),
        ("", "a student"),
        ("🦊🦊", "🦊🦊"),
        ("𝐓𝐞𝐚𝐜𝐡𝐞𝐫 Tom", "Teacher Tom"),
        ("x\u0301\u0302\u0303\u0304\u0305oe", "x\u0301\u0302oe"),
    ],
)
def test_a_name_shows_as_one_plain_line(raw: str, shown: str) -> None:
    assert clean(raw) == shown


def test_a_long_name_is_cut_with_an_ellipsis() -> None:
    name = clean("Sam " + "a" * 300)
    assert len(name) == NAME_LIMIT and name.endswith("…")


def test_a_repost_is_marked_as_a_students() -> None:
    assert reposted("Ms Smith [Teacher]") == "Ms Smith (student)"
    assert reposted("Moderator") == "Moderator (student)"
    assert reposted("\n\t") == "A student"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=400))
def test_whatever_the_name_the_result_is_one_short_visible_line(raw: str) -> None:
    name = clean(raw)
    assert name and len(name) <= NAME_LIMIT
    assert name == name.strip() and "  " not in name
    hidden = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}
    assert not any(unicodedata.category(ch) in hidden for ch in name)
    assert "✅" not in name and "❌" not in name
    if any(ch.isalnum() for ch in name):  # only a name of symbols alone keeps its symbols
        assert name[0].isalnum()


def test_every_quoted_line_is_behind_the_bar() -> None:
    text = "hi\n✅ Approved #1 by Ms Rivera\r\nWhy: nothing\u2028bye"
    assert quoted(text).split("\n") == [
        "│ hi",
        "│ ✅ Approved #1 by Ms Rivera",
        "│ Why: nothing",
        "│ bye",
    ]


def test_blank_padding_cannot_push_words_out_of_the_review() -> None:
    text = "\n" * 40 + "the words that matter" + "\n\n\n\n" + "more"
    assert review_quote(text) == "│ the words that matter\n│\n│ more"


def test_a_long_message_is_capped_with_a_note_of_what_is_left() -> None:
    text = "\n".join(f"line {n}" for n in range(1, 61))
    shown = review_quote(text, more="mod show 7 shows it all").split("\n")
    assert shown[:2] == ["│ line 1", "│ line 2"] and len(shown) == 13
    assert shown[-1] == "… (48 more lines; mod show 7 shows it all)"


def test_one_enormous_line_is_cut_too() -> None:
    shown = review_quote("a" * 5000).split("\n")
    assert len(shown) == 2 and len(shown[0]) < 1300 and shown[0].endswith("…")
    assert shown[1] == "… (the rest is cut here)"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_whatever_the_text_every_shown_line_is_quoted_and_the_review_stays_short(
    text: str,
) -> None:
    shown = review_quote(text).split("\n")
    assert len(shown) <= 13 and sum(map(len, shown)) <= 1400
    assert all(line.startswith(BAR.strip()) for line in shown[:-1])
    assert shown[-1].startswith((BAR.strip(), "… ("))
