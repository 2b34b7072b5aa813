"""Grooming shapes from an adult to children are their own category; an author's ordinary
kind words are not."""

from __future__ import annotations

import pytest

from bot.screening import screen
from bot.screening.verdict import GROOMING

GROOMING_SHAPED = [
    "You're so mature for your age. Message me privately any time!",
    "you are so grown up",
    "Which school do you go to?",
    "What school are you at?",
    "where do you go to school?",
    "dm me",
    "DM me 😊",
    "d m me",
    "pm me if you want to talk",
    "Message me any time!",
    "let's chat privately",
    "don't tell your teacher",
    "Don't tell your parents about this",
    "our little secret",
    "it's our secret",
    "keep this between us",
    "nobody needs to know",
    "delete these messages",
    "send me a photo",
    "send me a pic of yourself",
    "what are you wearing",
    "turn on your camera",
    "what's your snapchat",
    "Do you have Snapchat?",
    "what's your phone number",
    "lets meet up after school",
    "meet me at the park",
    "can we meet?",
    "I can pick you up",
    "are you home alone?",
    "are your parents home?",
    "I can buy you robux",
]

AN_AUTHORS_KIND_WORDS = [
    "Thanks for your question, keep reading!",
    "I went to school in Ohio",
    "message from the author:",
    "I hope to meet you all one day!",
    "I loved meeting classes at the book fair.",
    "The keeper kept a secret in the book",
    "What's your school's favourite book?",
    "I'll post a picture of my cat on my website",
    "Keep reading and tell me what you think through your teacher!",
    "Pip is very mature for a mouse",
    "The mice meet in the attic",
    "What is your favourite number?",
    "I text my sister every day",
    "Send your teacher a message if you have more questions",
    "My school had a lighthouse nearby.",
]


@pytest.mark.parametrize("text", GROOMING_SHAPED)
def test_grooming_shapes_are_their_own_category_and_always_severe(text: str) -> None:
    verdict = screen(text)
    assert GROOMING in verdict.categories, text
    assert verdict.severity == 3
    assert any(r.startswith("Possible grooming") for r in verdict.reasons)
    assert "talking privately, secrets, photos or meeting up" in verdict.student_note or (
        "selfharm" in verdict.categories  # secrecy also reads as a possible abuse signal
    )


@pytest.mark.parametrize("text", AN_AUTHORS_KIND_WORDS)
def test_an_authors_ordinary_words_are_not_grooming(text: str) -> None:
    assert GROOMING not in screen(text).categories, text
