"""Nothing from outside reaches the children unchecked, and nobody in the class reaches outside.

Room 12 keeps the default (every guest author answer waits for Ms Rivera's
tap); Class 7 turned it off. A grooming-shaped answer waits in both and the
safeguarding lead is told. The author reads questions with nobody in the
class named, including classmates who never posted.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import pytest_asyncio

from bot.core.model import Platform, UserRef
from tests.cogs.bench import ROOM, TEACHER, Bench, OpenBench, student
from tests.cogs.test_authors import (
    AUTHOR,
    AUTHOR_DM,
    OKAFOR,
    ROOM7,
    START,
    ask_and_approve,
    invite,
    make_class,
    number,
    reviews,
    teachers_of,
    thread_of,
    to_author,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")

AROHA, CHEN = student("Aroha"), student("Chen")


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench, migrated_database_url: str) -> Bench:
    """Room 12 with its default (answers wait), Class 7 with `author review off`."""
    b = await open_bench(
        START - timedelta(days=1), None, db_url=migrated_database_url, teachers=[OKAFOR.user]
    )
    await make_class(b, ROOM, TEACHER, "Room 12", "Wellington, NZ", review=True)
    await make_class(b, ROOM7, OKAFOR, "Class 7", "Nelson, NZ", review=False)
    await b.at(START)
    for room, teacher in ((ROOM, TEACHER), (ROOM7, OKAFOR)):
        await b.type(f"!class safeguarding @lead-{room.id[1:]}:school", teacher, room)
        joined = await b.type(f"!author join {await invite(b, room, teacher)}", AUTHOR, AUTHOR_DM)
        assert joined.text.startswith("Welcome, Jo Lee!"), joined.text
    return b


def answers_in(b: Bench, room: object) -> list[str]:
    return [p.text for p in b.chat.posts if p.channel == thread_of(b, room) and "✉️" in p.text]  # type: ignore[arg-type]


async def test_by_default_an_answer_waits_for_one_teacher_tap(bench: Bench) -> None:
    b = bench
    item = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Why did the keeper live alone?")
    sent = await b.type(f"!answer {item} He loved the quiet of the sea.", AUTHOR, AUTHOR_DM)
    assert "Teachers look at guest answers before their class sees them" in sent.text

    assert answers_in(b, ROOM) == [], "the class sees nothing before the teacher's tap"
    review = reviews(b, ROOM)[-1]
    assert review.text.startswith("Answer #") and "He loved the quiet of the sea." in review.text
    assert "your class looks at every guest author answer first" in review.text
    assert "checking the answer" in (await b.type("!questions", AROHA)).text

    await b.type(f"!mod approve {number(review)}", TEACHER, teachers_of(ROOM))
    (posted,) = answers_in(b, ROOM)
    assert posted.endswith("> Why did the keeper live alone?\nHe loved the quiet of the sea.")


async def test_a_class_that_turned_review_off_gets_clean_answers_at_once(bench: Bench) -> None:
    b = bench
    first = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Is Pip based on a real mouse?")
    assert await ask_and_approve(b, CHEN, ROOM7, OKAFOR, "is pip based on a real mouse?") == first
    await b.type(f"!answer {first} Yes, my grandmother's mouse.", AUTHOR, AUTHOR_DM)

    assert answers_in(b, ROOM) == [] and reviews(b, ROOM)[-1].text.startswith("Answer #")
    (posted,) = answers_in(b, ROOM7)
    assert posted.endswith("Yes, my grandmother's mouse.")
    assert not [r for r in reviews(b, ROOM7) if r.text.startswith("Answer #")]

    said = await b.type("!author review on", OKAFOR, ROOM7)
    assert "Every guest author answer now waits for you" in said.text
    refused = await b.type("!author review off", CHEN, ROOM7)
    assert "posted in your class at once" not in refused.text, "only a teacher decides"


async def test_a_grooming_shaped_answer_waits_everywhere_and_the_lead_is_told(
    bench: Bench,
) -> None:
    b = bench
    first = await ask_and_approve(b, AROHA, ROOM, TEACHER, "Do you like being an author?")
    await ask_and_approve(b, CHEN, ROOM7, OKAFOR, "do you like being an author")
    groomy = "Yes! You're so mature for your age. Message me privately any time!"
    sent = await b.type(f"!answer {first} {groomy}", AUTHOR, AUTHOR_DM)
    assert "each class's teacher approves it" in sent.text
    assert "grooming" not in sent.text, "the author is not told what was seen"

    for room in (ROOM, ROOM7):
        assert answers_in(b, room) == [], "no student sees it, even with review off"
        review = reviews(b, room)[-1]
        assert review.text.startswith("Answer #") and "Possible grooming" in review.text
        (alert,) = [p for p in b.chat.posts if p.channel == teachers_of(room) and "⚠️" in p.text]
        assert "the guest author Jo Lee wrote something that reads like grooming" in alert.text
        assert "Safeguarding lead, please look at this." in alert.text
    refused = await b.type("!mod rules grooming allow", OKAFOR, ROOM7)
    assert "always held" in refused.text


async def test_the_author_reads_questions_with_nobody_in_the_class_named(bench: Bench) -> None:
    b = bench
    # on the platform, Room 12 has classmates who never posted or asked anything
    sam = UserRef(Platform.MATRIX, "@sam.jones:school", "Sam Jones")
    mia = UserRef(Platform.MATRIX, "@mia:school", "Mia")
    b.chat.people[ROOM.id] = [sam, mia, AROHA.user]
    await b.type("!author quota 10")
    questions = [
        "Hi I'm Sam from Room 12, why did the keeper live alone?",
        "me and @mia want to know if Pip is real",
        "S a m J o n e s asks: is there a sequel?",
        "Jones asks: did you have a dog?",
        "Ms Rivera says you wrote it in a week, is that true?",
        "Does Auggie have a lighthouse too?",
    ]
    for text in questions:
        await ask_and_approve(b, AROHA, ROOM, TEACHER, text)
        review = [r for r in reviews(b, ROOM) if text in r.text]
        assert review and "Aroha" in review[0].text, "the teacher sees who asked"
        if "Auggie" not in text:
            assert "The author will read it without names:\n│ " in review[0].text

    seen = [p.text for p in to_author(b)] + [
        (await b.type("!author inbox", AUTHOR, AUTHOR_DM)).text
    ]
    everything = "\n".join(seen).casefold()
    for name in ("sam", "jones", "mia", "rivera", "aroha", "room 12,"):
        assert name not in everything, (name, seen)
    for shown in (
        "“Hi, why did the keeper live alone?”",
        "“me and a student want to know if Pip is real”",
        "“A student asks: is there a sequel?”",
        "“A student asks: did you have a dog?”",
        "“Their teacher says you wrote it in a week, is that true?”",
        "“Does Auggie have a lighthouse too?”",  # a book character, nobody's name here
    ):
        assert any(shown in t for t in seen), (shown, seen)
