"""Every child-style example in tests/screening/children is screened as labeled.

Known misses (``*.misses.tsv``) are strict xfails: one that starts passing must move
to its kind's main file.
"""

from __future__ import annotations

import pytest

from bot.screening.children import Example, examples, passes

ALL = list(examples())


def test_there_are_examples_of_every_kind_and_both_labels() -> None:
    assert len(ALL) >= 2
    assert any(e.expect == "clean" for e in ALL)
    assert any(e.expect != "clean" for e in ALL)


@pytest.mark.parametrize("ex", ALL, ids=[f"{e.kind}:{e.line}" for e in ALL])
def test_child_style_example(ex: Example) -> None:
    if ex.known_miss:
        pytest.xfail("known miss") if not passes(ex) else pytest.fail(
            f"{ex.text!r} now passes: move it out of {ex.kind}.tsv"
        )
    assert passes(ex), f"{ex.text!r} should be {ex.expect}"
