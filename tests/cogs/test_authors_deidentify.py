"""What a guest author reads of a question: nobody in the class can be told apart.

Room 12 has Sam Jones, Mia (@mia), Zoe (username zoe_2014), Will Brown, a
student called Auggie in Class 7, and Ms Rivera, their teacher. The book has
characters (Pip, Auggie) whose names stay unless a class member has them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.platforms.accounts import EVERY_PLATFORM
from cogs.authors.deidentify import Person, deidentify

ROOM12 = [
    Person("@sam.jones:school", "Sam Jones"),
    Person("@mia:school", "Mia 🦊"),
    Person("@zoe_2014:school", "zoe_2014"),
    Person("@will.b:school", "Will Brown"),
    Person("@rivera:school", "Ms Rivera", teacher=True),
    Person("100000000000000042", "Ben"),  # a Discord member: the name, the id in mentions
]


def neutral(text: str, people: list[Person]) -> str:
    """The question as the author reads it, with every platform's accounts known."""
    return deidentify(text, people, EVERY_PLATFORM)


@pytest.mark.parametrize(
    ("asked", "author_reads"),
    [
        # a first name alone, in a self-introduction with the class's room
        (
            "Hi I'm Sam from Room 12, why did the keeper live alone?",
            "Hi, why did the keeper live alone?",
        ),
        ("hi im sam. why did the keeper live alone?", "hi. why did the keeper live alone?"),
        # the punctuation after a name stays with the sentence it ends
        ("Hi I'm Sam! Why did the keeper live alone?", "Hi! Why did the keeper live alone?"),
        ("Hi, I'm Sam. Why did the keeper live alone?", "Hi. Why did the keeper live alone?"),
        ("Thanks Mia! We loved it", "Thanks a student! We loved it"),
        ("my name is Sam and I want to know why Pip left", "I want to know why Pip left"),
        ("This is Tama from Greenfield School. Why mice?", "Why mice?"),
        # a localpart or username as a mention, with or without the @
        ("me and @mia want to know why", "me and a student want to know why"),
        ("@ mia and I loved chapter 2", "A student and I loved chapter 2"),
        ("zoe2014 says hi", "a student says hi"),
        # spaced out, disguised, run together, held long, accented
        ("S a m J o n e s asks: why?", "A student asks: why?"),
        ("me and M.I.A think so", "me and a student think so"),
        ("Did S4m and M1a like it?", "Did a student and a student like it?"),
        ("SamJones asks why", "A student asks why"),
        ("SAAAM wants to know", "A student wants to know"),
        ("Mïa wants to know", "A student wants to know"),
        # a last name alone
        ("Jones wants to know if Pip is real", "A student wants to know if Pip is real"),
        # the teacher, with or without a title
        ("Ms Rivera says you wrote it in a week?", "Their teacher says you wrote it in a week?"),
        ("why does mrs. RIVERA love it", "why does their teacher love it"),
        # accounts of any form
        ("<@100000000000000042> and @x:hs.example ask: why?", "A student and someone ask: why?"),
        ("ask sam.jones@mail.example", "ask a student"),
        # a name that is an everyday word: replaced when written as a name
        (
            "will you write more? Brown and Will say yes",
            "will you write more? A student and a student say yes",
        ),
    ],
)
def test_no_name_account_or_introduction_reaches_the_author(asked: str, author_reads: str) -> None:
    assert neutral(asked, ROOM12) == author_reads


def test_names_of_people_who_never_posted_are_kept_in_class_too() -> None:
    """The list is everyone in the class (the platform's member list), not only askers."""
    quiet = [*ROOM12, Person("@kiri:school", "Kiri Waititi")]
    assert neutral("Waititi and Kiri ask why", quiet) == "A student and a student ask why"


def test_book_characters_stay_unless_someone_in_the_class_has_that_name() -> None:
    question = "Does Auggie have a dog? Is Pip's lighthouse real?"
    assert neutral(question, ROOM12) == question
    class7 = [*ROOM12, Person("@auggie:school", "Auggie")]
    assert neutral(question, class7) == "Does a student have a dog? Is Pip's lighthouse real?"


def test_ordinary_words_and_pings_stay() -> None:
    for text in (
        "I'm curious about the keeper",
        "I'm in Room 12 and I love the book",
        "Have you been to a lighthouse?",
        "what is @everyone reading?",
        "Will the mice escape?",  # ambiguous at the start of a sentence: kept
    ):
        assert neutral(text, ROOM12) == text


def test_keeping_names_in_class_loads_no_word_list_at_import() -> None:
    """The leetspeak readings come without the lexicon: the screener reads its lists when
    it is built (bot/screening/engine), not when a feature imports deidentify."""
    code = (
        "import sys, cogs.authors.deidentify\n"
        "loaded = [m for m in ('bot.screening.lexicon', 'bot.screening.readings') "
        "if m in sys.modules]\n"
        "print(loaded)"
    )
    root = Path(__file__).parents[2]  # `-c` imports from the working directory
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert done.stdout.strip() == "[]"
