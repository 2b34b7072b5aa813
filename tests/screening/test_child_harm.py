"""Self-harm in children's words, threats, and bullying with no rude word (issue 12,
items 1-3): what a teacher sees for a child's message, and the machinery behind it
(word families in data files, tries merged by first letter, anchors that never hide a
match, no backtracking on long runs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.core.deadline import Deadline
from bot.screening import phrases as P
from bot.screening import screen
from bot.screening.children import examples
from bot.screening.lexicon import quick_words
from bot.screening.normalize import fold
from bot.screening.phrase_rx import S, _matches, first_word
from bot.screening.phrases_bullying import BULLYING_GROUPS
from bot.screening.phrases_selfharm import SELFHARM_GROUPS
from bot.screening.phrases_selfharm_signs import SIGN_GROUPS
from bot.screening.phrases_threats import THREAT_GROUPS
from bot.screening.readings import read_token
from bot.screening.verdict import BULLYING, INSULT, PII, SELF_HARM
from bot.screening.word_families import anchors, families, leet
from cogs.moderation.policy import screening_deadline

HARM_GROUPS = (*SELFHARM_GROUPS, *SIGN_GROUPS, *THREAT_GROUPS, *BULLYING_GROUPS)
DATA = Path("bot/screening/data")
DEADLINE: Deadline = screening_deadline()


def cats(text: str) -> frozenset[str]:
    return screen(text).categories


# --- self-harm ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i want to unalive myself",
        "thinking abt sewer slide",
        "i looked up s u i c i d e",
        "ive been cutting again",
        "im gonna jump off the bridge",
        "nobody would even notice if i was gone",
        "my family would be so much happier without me",
        "i just wanna disappear forever",
        "i wish i had never been born",
        "i want 2 d1e",
        "i wanna dieeee",
        "k m s",
        "im so tired of being alive",
        "what if i just wasnt here anymore",
        "i want to k!ll myself",
        "thinking about $uicide again",
        "i just want to d!e",
        "im going to h@ng myself",
        "i want to cut m1 wr1sts",
        "i dont see a reason to keep living",
        "i bit myself till it bled again",
        "i hide the cuts under my sleeves",
        "i wrote a goodbye letter to my family",
        "im gonna overdose on my meds",
    ],
)
def test_self_harm_in_childrens_words_escalates_to_the_safeguarding_adult(text: str) -> None:
    v = screen(text)
    assert SELF_HARM in v.categories
    assert v.severity == 3
    assert "trusted adult" in v.student_note


@pytest.mark.parametrize(
    "text",
    [
        "the knight died",
        "I'm dying to know what happens",
        "this chapter killed me lol",
        "the dragon wanted to disappear into the mountain",
        "she cut the rope",
        "he jumped off the bridge into the river to save her",
        "i would die for this book",
        "im gonna die of boredom",
        "i want to disappear into this book",
        "i'd rather die than miss the last chapter lol",
        "i want to die my hair purple",
        "my mum is gonna kill me for reading late",
        "i hate myself for forgetting my book lol",
        "i hurt myself playing football",
        "i scratched my knee until it bled when i fell off my bike",
        "the character hid her scars from everyone",
        "i scratch my legs when the bites itch",
        "im gonna starve until lunch lol",
        "she wrote a goodbye letter to her family",
    ],
)
def test_book_talk_and_figures_of_speech_are_left_alone(text: str) -> None:
    assert screen(text).clean, text


def test_hanging_oneself_is_self_harm_not_a_meeting() -> None:
    assert cats("i want to hang myself") == {SELF_HARM}
    assert cats("i wanna hang my self") == {SELF_HARM}
    assert PII in cats("wanna hang at my house")


@pytest.mark.parametrize(
    ("token", "reading"),
    [("k!ll", "kill"), ("$uicide", "suicide"), ("d!e", "die"), ("h@ng", "hang"),
     ("wr1sts", "wrists")],
)  # fmt: skip
def test_symbols_inside_a_harm_word_are_read(token: str, reading: str) -> None:
    assert read_token(token, False, False) == (token, reading, True)


@pytest.mark.parametrize("token", ["@tom", "$100", "h@t", "b@nd"])
def test_symbols_read_into_harm_words_only(token: str) -> None:
    assert read_token(token, False, False)[1:] == (token, False)


# --- threats ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "i know where you live",
        "wait till recess",
        "burn your house down",
        "you're dead after school",
        "watch your back",
        "imma beat u up",
        "you're gonna regret this",
    ],
)
def test_a_threat_is_bullying_at_the_highest_severity(text: str) -> None:
    v = screen(text)
    assert BULLYING in v.categories and v.severity == 3
    assert any(s.detail == "threat" for s in v.spans)


@pytest.mark.parametrize(
    "text", ["kill yourself", "k1ll yourself", "go d1e", "go play in traffic", "kys"]
)
def test_telling_someone_to_die_is_bullying_and_still_escalates(text: str) -> None:
    assert {BULLYING, SELF_HARM} <= cats(text)


@pytest.mark.parametrize(
    "text",
    [
        "wait till you read chapter 5",
        "i cant wait till recess",
        "this book will break your heart",
        "i'll get you a copy tomorrow",
        "i'll beat you at the reading challenge",
        "don't hurt yourself on the slide",
        "you'll die laughing at chapter 3",
        "bring out your dead",
    ],
)
def test_book_talk_that_sounds_like_a_threat_is_not_one(text: str) -> None:
    assert screen(text).clean, text


# --- bullying with no rude word -------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "word"),
    [("ur ugly", "ugly"), ("your stupid", "stupid"), ("ur fat lol", "fat"),
     ("youre dumb", "dumb"), ("ur so cringe", "cringe")],
)  # fmt: skip
def test_an_insult_frame_without_a_degree_word_names_the_word(text: str, word: str) -> None:
    v = screen(text)
    assert INSULT in v.categories
    assert any(s.category == INSULT and s.detail == word for s in v.spans)


@pytest.mark.parametrize(
    "text", ["your fat cat is so cute", "is that your baby brother", "your dog is so cute"]
)
def test_your_as_the_possessive_is_not_an_insult(text: str) -> None:
    assert screen(text).clean


@pytest.mark.parametrize(
    "text",
    [
        "no body likes u",
        "no one wants you in our group",
        "your not in our group anymore",
        "go sit somewhere else",
        "you read like a baby",
        "learn to talk properly",
        "your reading is so bad",
        "my little sister reads better than you",
    ],
)
def test_exclusion_and_mocking_are_bullying(text: str) -> None:
    v = screen(text)
    assert BULLYING in v.categories and v.severity == 2


@pytest.mark.parametrize(
    "text",
    [
        "nobody likes the villain",
        "this book helped me learn to read",
        "you read really well today",
        "your drawing is so good",
        "my little sister reads better than me lol",
    ],
)
def test_book_talk_about_reading_is_not_mocking(text: str) -> None:
    assert screen(text).clean


# --- word families ------------------------------------------------------------------


FAMILY_FILES = [DATA / f"{k}_words.txt" for k in ("selfharm", "threat", "bullying")]


@pytest.mark.parametrize("path", FAMILY_FILES, ids=lambda p: p.name)
def test_every_family_says_where_its_words_come_from(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    sections = [i for i, line in enumerate(lines) if re.fullmatch(r"\[[a-z_]+\]", line)]
    assert sections
    for i in sections:
        assert lines[i + 1].startswith("#"), f"{path.name}: {lines[i]} has no source comment"
    assert families(path.name)  # and it parses


def test_leet_spellings_swap_digits_for_letters_but_keep_a_letter() -> None:
    forms = leet(("kill", "die", "want to", "is"))
    assert {"kill", "k1ll", "ki11", "d1e", "di3", "w4nt to"} <= set(forms)
    assert "15" not in forms  # an all-digit word is a number


def test_anchors_need_every_word_of_an_entry() -> None:
    assert anchors(("no one", "kms"), ("k m s",)) == "k+m+s kms no+one"


def test_first_word_matches_like_the_plain_alternation() -> None:
    parts = (
        (("just", "i swear"), ("[a-z0-9] ",), S + "die"),
        (("i", "im"), (), S + "want"),
    )
    merged = re.compile(first_word(*parts))
    plain = re.compile("(?<![a-z0-9] )(?:just|i" + S + "swear)" + S + "die|(?:im|i)" + S + "want")
    for text in ("just die", "ok just die", "so. just die", "i swear die", "im want",
                 "i want", "x i want", "ugh i swear die", "justdie", ""):  # fmt: skip
        assert bool(merged.search(text)) == bool(plain.search(text)), text


def _words(text: str) -> set[str]:
    return set(quick_words(fold(text).text))


def _opens(group: tuple, words: set[str]) -> bool:  # type: ignore[type-arg]
    singles, pairs, _rx, _c, _s, _r, gates = group
    anchored = not singles.isdisjoint(words) or any(p <= words for p in pairs)
    return anchored and all(not g.isdisjoint(words) for g in gates)


def test_anchors_and_gates_never_hide_a_match() -> None:
    # every child-style example and every phrase above: where a harm rule's regex
    # matches, its anchors and gates let it run
    texts = [ex.text for ex in examples()]
    texts += [p.strip('"') for p in re.findall(r'"[^"\n]{6,}"', Path(__file__).read_text())]
    checked = 0
    for text in texts:
        clean = fold(text).text
        words = _words(text)
        for group in HARM_GROUPS:
            if next(_matches(group[2], clean), None) is not None:
                checked += 1
                assert _opens(group, words), (text, group[5])
    assert checked > 200


# --- no backtracking ----------------------------------------------------------------

UNITS = ["a", "a ", "i ", "ab1", "1", "9 ", "!", ".", "a.", "'", "😀", "x1", "aA1", "lol "]
PREFIXES = ["i want to ", "im gonna ", "nobody would notice if ", "wait till ", "ur ",
            "you read like ", "go sit ", "i know where ", "k1ll ", "ive been cutting ",
            "what if ", "i wish i ", "no one ", "you re ", "i ll ", "just "]  # fmt: skip


def _scan_harm_rules(text: str) -> int:
    """Every harm rule's regex over the whole text (no 4,000-character cut)."""
    return sum(1 for g in HARM_GROUPS for _m in _matches(g[2], text))


def _scan_frames(text: str) -> int:
    return sum(1 for rx in P._FRAME_RES for _m in _matches(rx, text))


@pytest.mark.parametrize("prefix", PREFIXES)
def test_harm_rules_finish_on_10000_character_runs(prefix: str) -> None:
    for unit in UNITS:
        text = prefix + (unit * 10_000)[:10_000]
        DEADLINE.run(_scan_harm_rules, text)  # raises Overrun if a rule runs away
        DEADLINE.run(_scan_frames, text)
        assert DEADLINE.run(screen, text) is not None
