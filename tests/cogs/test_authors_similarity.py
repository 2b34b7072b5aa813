"""The merge threshold: rephrasings of one question merge, different questions never do."""

from __future__ import annotations

import pytest

from cogs.authors.similarity import THRESHOLD, best_match, same_question, similarity

SAME = [
    ("Why did the keeper live alone?", "why does the keeper live all alone"),
    ("Where do you get your ideas?", "Where do you get ideas from?"),
    ("How long did it take to write the book?", "How long did it take you to write this book??"),
    ("What happens to Pip in the end?", "what happens to pip at the END"),
    ("Why did the keper live alone", "Why did the keeper live alone?"),  # a typo
    ("Dear author, why did you write about mice?", "why did you write about mice"),
    ("Why did the keeper live alone?", "Why did the keeper live alone on the island?"),
    ("Is Pip based on a real mouse?", "is pip based on a real mouse??"),
    ("Was Auggie's dog real?", "was auggies dog real"),
]
DIFFERENT = [
    ("Is Pip based on a real mouse?", "Is Pip based on a real cat?"),
    ("Did you have a cat?", "Do you have a dog?"),
    ("Why?", "How?"),
    ("Why did the keeper live alone?", "How did the keeper live alone?"),
    ("Why did you write about mice?", "Why did you write about cats?"),
    ("How many hours do you write a day?", "How many houses do you write a day?"),
    ("Why is the keeper lonely?", "Why did the keeper live alone?"),  # alike, but not the same
]


@pytest.mark.parametrize(("a", "b"), SAME)
def test_rephrasings_of_one_question_merge(a: str, b: str) -> None:
    assert same_question(a, b) and same_question(b, a)


@pytest.mark.parametrize(("a", "b"), DIFFERENT)
def test_different_questions_stay_apart(a: str, b: str) -> None:
    assert not same_question(a, b), similarity(a, b)


def test_the_threshold_sits_between_the_two_sets() -> None:
    lowest_same = min(similarity(a, b) for a, b in SAME)
    highest_different = max(similarity(a, b) for a, b in DIFFERENT)
    assert highest_different < THRESHOLD <= lowest_same


def test_the_most_alike_open_item_wins() -> None:
    items = [(1, "Do you have a dog?"), (2, "Why did the keeper live alone?")]
    assert best_match("why does the keeper live all alone", items) == 2
    assert best_match("What is your favourite colour?", items) is None
