"""Disguises children use for rude words, and the ordinary chat that looks like them.

Doubled letters, x or v for a vowel, one slip of spelling, digits and symbols for
letters (also in the words around the rude one), dotted letters joined to a chunk,
all-digit spellings inside name-calling.
"""

from __future__ import annotations

import pytest

from bot.screening import screen, spellings
from bot.screening.lexicon import quick_words
from bot.screening.normalize import fold
from bot.screening.readings import tokenize
from bot.screening.spellings import near_reading, unusual
from bot.screening.verdict import INSULT, PROFANITY, SLUR


def cats(text: str) -> frozenset[str]:
    return screen(text).categories


def readings(text: str) -> list[str]:
    return [t.reading for t in tokenize(fold(text).text)]


# --- letters doubled once ------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reading"),
    [("fuuck", "fuck"), ("shiit", "shit"), ("biitch", "bitch"), ("nooncee", "nonce"),
     ("spaankk", "spank"), ("wankerr", "wanker"), ("bullshiit", "bullshit"),
     ("moroon", "moron")],
)  # fmt: skip
def test_a_word_with_letters_doubled_once_reads_as_the_word(word: str, reading: str) -> None:
    assert near_reading(word) == reading


@pytest.mark.parametrize(
    ("text", "category"),
    [("ur such a biitch", PROFANITY), ("omg hes a nooncee", INSULT),
     ("shut up spaankk", PROFANITY), ("this level is shiit lol", PROFANITY)],
)  # fmt: skip
def test_doubled_letters_in_a_message_are_flagged(text: str, category: str) -> None:
    assert category in cats(text)


@pytest.mark.parametrize(
    "word",
    ["good", "book", "class", "cool", "weekkk", "soooo", "yesss", "quizz", "books",
     "stopped", "penn", "webb", "leezy", "ssm", "dogs"],
)  # fmt: skip
def test_ordinary_words_and_excitement_are_not_read_as_rude(word: str) -> None:
    assert near_reading(word) is None
    assert not cats(f"the {word} was great")


def test_letters_must_be_repeated_not_moved() -> None:
    # "penn" squeezes like "peen" but is not "peen" with a letter repeated
    assert near_reading("peeen") == "peen"
    assert near_reading("penn") is None


# --- x or v for a vowel ------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reading"),
    [("bxtch", "bitch"), ("shxtty", "shitty"), ("dxck", "dick"), ("pvssy", "pussy"),
     ("cvnt", "cunt")],
)  # fmt: skip
def test_x_or_v_between_consonants_stands_for_a_vowel(word: str, reading: str) -> None:
    assert near_reading(word) == reading


@pytest.mark.parametrize(
    "text",
    ["txt me when u finish", "i have 3 txts from my mum", "thx for reading", "xbox later?",
     "we watched the dvd", "nvm i found it", "love u xx", "night everyone xxx", "xoxo"],
)  # fmt: skip
def test_chat_words_with_x_or_v_stay_clean(text: str) -> None:
    assert not cats(text)


def test_v_for_u_inside_a_compound() -> None:
    assert PROFANITY in cats("shut up fvckwh!")


# --- one slip of spelling -----------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "reading"),
    [("stupd", "stupid"), ("idoit", "idiot"), ("retarted", "retarded"),
     ("retared", "retard"), ("dumbas", "dumbass"), ("bastad", "bastard"),
     ("idiout", "idiot"), ("imbicile", "imbecile"), ("wankr", "wanker"),
     ("stuppid", "stupid")],
)  # fmt: skip
def test_one_slip_from_an_insult_reads_as_the_insult(word: str, reading: str) -> None:
    assert near_reading(word) == reading


@pytest.mark.parametrize(
    ("text", "category"),
    [("ur so retarted", SLUR), ("ur an idoit", INSULT), ("u r so stupd", INSULT),
     ("ur a looser haha", INSULT), ("stop being such a dumbas", INSULT)],
)  # fmt: skip
def test_misspelled_insults_are_flagged(text: str, category: str) -> None:
    assert category in cats(text)


@pytest.mark.parametrize(
    "word",
    # a first vowel changed, a letter that is not a vowel dropped from a short word, a
    # consonant that does not sound alike, a doubled letter left out, other first letters
    ["neglet", "moest", "inbed", "began", "racist", "morton", "bong", "hussle", "bitten",
     "tweets", "twinkies", "weirdy", "sloppery", "samba", "guides", "muttering", "banning"],
)  # fmt: skip
def test_words_near_an_insult_but_not_its_slips_stay_plain(word: str) -> None:
    assert near_reading(word) is None


def test_a_dictionary_word_is_never_read_as_a_misspelling() -> None:
    assert "shet" in spellings.DICTIONARY
    assert near_reading("shet") is None
    assert not cats("the knot got looser and looser")


# --- digits and symbols ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["y0u ar3 stupid", "hey y0u stupid", "u r a l0s3r", "y0u ar3 s0 dumb lol",
     "why r u s0 stup1d", "y0u l00k l1k3 a m0nk3y"],
)  # fmt: skip
def test_digits_in_the_words_around_an_insult_still_make_the_frame(text: str) -> None:
    assert INSULT in cats(text)


def test_digits_in_ordinary_words_are_read_as_the_words() -> None:
    assert readings("y0u ar3 s0 dumb") == ["you", "are", "so", "dumb"]


@pytest.mark.parametrize("token", ["1st", "10am", "3rd", "b4", "4u", "@tom", "kiss*", "50p"])
def test_numbers_mentions_and_stars_keep_their_own_reading(token: str) -> None:
    assert readings(f"see {token} ok") == ["see", token, "ok"]


@pytest.mark.parametrize("text", ["ur an @$$", "p!$$ off", "$h!t", "ur such a p!$$ lol"])
def test_all_symbol_leet_is_read(text: str) -> None:
    assert PROFANITY in cats(text)


def test_symbols_after_digits_are_read() -> None:
    assert SLUR in cats("$1@nty!!!")


@pytest.mark.parametrize(
    "text", ["it costs $100", "win $$ now", "meet @5pm", "$5 each", "i got 100%"]
)
def test_amounts_and_times_with_symbols_stay_clean(text: str) -> None:
    assert not ({PROFANITY, INSULT, SLUR} & cats(text))


@pytest.mark.parametrize(
    "text", ["kiss my 455", "ur a 455", "ur such a 455 lol", "what a 455", "shut up 455",
             "you 455"],
)  # fmt: skip
def test_an_all_digit_spelling_counts_inside_name_calling(text: str) -> None:
    assert PROFANITY in cats(text)


@pytest.mark.parametrize(
    "text",
    ["455", "page 455", "chapter 455", "455 pages", "a 455 page book", "i got 455 points",
     "you need 455 points", "my score was 455", "we read 717 pages"],
)  # fmt: skip
def test_numbers_outside_name_calling_stay_numbers(text: str) -> None:
    assert not cats(text)


# --- dotted letters ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["you are st.u.p.i.d", "ur so s.t.u.p.id", "go away you st-u-p-i-d", "u r such a lo.s.e.r",
     "you are stu.p.i.d"],
)  # fmt: skip
def test_dotted_letters_joined_to_a_chunk_are_read(text: str) -> None:
    assert INSULT in cats(text)


@pytest.mark.parametrize(
    "text", ["we meet at 10 a.m. ok", "i.e. the end", "it is in the u.s.a", "p.s. read ch.2"]
)
def test_ordinary_dotted_abbreviations_stay_clean(text: str) -> None:
    assert not cats(text)


# --- the fast path -------------------------------------------------------------------


def test_a_plain_word_is_remembered_and_a_misspelling_is_not() -> None:
    words = quick_words(fold("the quokka read a book about idoit").text)
    assert unusual(words)
    assert "quokka" in spellings.PLAIN
    assert "idoit" not in spellings.PLAIN
    assert not unusual(quick_words(fold("the quokka read a book").text))


def test_the_remembered_words_are_bounded() -> None:
    assert spellings._PLAIN_MAX <= 100_000
    assert len(spellings.PLAIN) <= spellings._PLAIN_MAX
