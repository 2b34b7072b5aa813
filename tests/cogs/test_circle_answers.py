"""A guest author's answer to a question one class of a circle asked reaches every class of
the circle, once: the classes that asked get it from the author, the others as a circle
post in their own session thread."""

from __future__ import annotations

import re

import pytest

from tests.cogs.bench import ROOM, TEACHER, Bench
from tests.cogs.test_authors import (
    AROHA,
    AUTHOR,
    AUTHOR_DM,
    BEN,
    OKAFOR,
    ROOM7,
    ask_and_approve,
    bench,
    teachers_of,
    thread_of,
)

__all__ = ["bench"]
pytestmark = pytest.mark.asyncio(loop_scope="session")
CODE = re.compile(r"RC-[A-Z0-9]{4}-[A-Z0-9]{4}")


async def circle(b: Bench) -> None:
    await b.type("!circle create Lighthouse readers", TEACHER, ROOM)
    code = CODE.search(b.chat.posts[-1].text)
    assert code, b.chat.posts[-1].text
    await b.type(f"!circle join {code.group(0)}", OKAFOR, ROOM7)
    await b.type('!circle trust "Room 12"', OKAFOR, ROOM7)
    await b.type('!circle trust "Class 7"', TEACHER, ROOM)


async def test_an_answer_to_one_class_reaches_the_rest_of_its_circle(bench: Bench) -> None:
    b = bench
    await circle(b)
    item = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Why did Aroha's keeper live alone?")
    await b.type(f"!answer {item} The keeper loved the quiet of the sea.", AUTHOR, AUTHOR_DM)
    direct = [p for p in b.chat.visible(thread_of(b, ROOM)) if "loved the quiet" in p.text]
    assert len(direct) == 1 and direct[0].text.startswith("✉️ Jo Lee answered")
    (shared,) = [p for p in b.chat.visible(thread_of(b, ROOM7)) if "loved the quiet" in p.text]
    assert shared.text == (
        "Jo Lee · Room 12 (Wellington, NZ): the guest author answered “Why did a student's "
        "keeper live alone?”:\nThe keeper loved the quiet of the sea."
    ), shared.text
    assert not [p for p in b.chat.posts if p.channel == teachers_of(ROOM7) and "Held" in p.text]


async def test_classes_that_asked_the_same_get_the_answer_once(bench: Bench) -> None:
    b = bench
    await circle(b)
    await ask_and_approve(b, AROHA, ROOM, TEACHER, "Is the lighthouse real?")
    item = await ask_and_approve(b, BEN, ROOM7, OKAFOR, "Is the lighthouse real?")
    await b.type(f"!answer {item} Yes, it stands in Otago.", AUTHOR, AUTHOR_DM)
    for room in (ROOM, ROOM7):
        got = [p for p in b.chat.visible(thread_of(b, room)) if "stands in Otago" in p.text]
        assert len(got) == 1, (room, [p.text for p in got])
