"""Two schools sharing a circle, end to end: two federated homeservers, two installations
(each its own database and rules), and what a class at one school says reaching the other
school's class thread, with a first name and the class only, exactly once.

School A made the circle; School B's class joined it with a code. What arrives at B goes
through B's own sharing (``Sharing.receive``): B's screening, B's hold for a partner class
it has not trusted yet, and B's waiting for its own session of the chapter.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio
from nio import Event, RedactionEvent
from sqlalchemy import func, select

from bot.db.tables import CircleCopy, CircleOutbox, CirclePost
from bot.localserver import LocalHomeserver
from tests.matrix.circle_schools import (
    QuickRetry,
    School,
    approved_at_a,
    assert_names_nobody,
    circle_code,
    circle_room,
    line_in,
    names_of,
    school,
    thread_of,
    until,
)
from tests.matrix.classroom import body, relates

# one process runs the module: its tests are one story on a module's pair of homeservers
pytestmark = [
    pytest.mark.synapse,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("circle-between-schools"),
]
ROOM12 = "Room 12 (Wellington, NZ)"


class Circle:
    """The two schools with their sessions of chapters 1-2 running, and when they began."""

    def __init__(self, a: School, b: School, first_a: datetime, first_b: datetime) -> None:
        self.a, self.b, self.first_a, self.first_b = a, b, first_a, first_b


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def circle(
    synapse_installed: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Circle]:
    venv = synapse_installed.venv
    hs_a = QuickRetry(tmp_path_factory.mktemp("school-a-hs"), venv=venv)
    hs_b = QuickRetry(tmp_path_factory.mktemp("school-b-hs"), venv=venv)
    await asyncio.gather(hs_a.start(), hs_b.start())
    a = await school(hs_a, tmp_path_factory.mktemp("school-a"), shows=True)
    b = await school(hs_b, tmp_path_factory.mktemp("school-b"), shows=True)
    try:
        code = await circle_code(a)  # A's book planned, "Room 12", the circle made
        first_a = a.cls.clock.now().replace(second=0, microsecond=0) + timedelta(hours=2)
        await b.cls.teacher_types(
            '!author profile name="Room 4" region="Otago, NZ"', expect="see this class"
        )
        first_b = (await b.cls.plan_book()).astimezone(UTC)
        await b.cls.teacher_types(f"!circle join {code} {a.cls.bot}", b.cls.teacher_room, "asked")
        await b.cls.teacher.wait_for(b.cls.says("joined the circle", b.cls.teacher_room), 30)
        await until(lambda: _in_room(b))
        for s, first in ((a, first_a), (b, first_b)):
            s.cls.clock.set(first)
            assert s.cls.app is not None
            await s.cls.app.scheduler.run_due()
            await s.cls.idle()
        yield Circle(a, b, first_a, first_b)
    finally:
        for s in (a, b):
            await s.close()
        await asyncio.gather(hs_a.stop(), hs_b.stop())


async def _in_room(b: School) -> bool:
    return await circle_room(b) in b.cls.chat.client.rooms


async def test_a_post_approved_at_one_school_waits_for_the_other_teacher_then_shows_once(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    text = "I think the mice will find the lamp"
    await approved_at_a(a, 0, text, await thread_of(a, 1))
    # B has not trusted Room 12 yet: its teacher decides first, in B's own review queue
    held = await b.cls.teacher.wait_for(b.cls.says("from your circle", b.cls.teacher_room), 60)
    assert text in body(held) and ROOM12 in body(held)
    assert "circle trust" in body(held)  # what to type to stop waiting for this class
    before = [body(ev) for ev in await b.cls.students[0].seen_now(b.cls.room)]
    assert not [t for t in before if text in t], "nothing reaches the class before the teacher"
    number = re.search(r"Held #(\d+)", body(held))
    assert number, body(held)
    await b.cls.teacher_types(f"!mod approve {number.group(1)}", b.cls.teacher_room)
    line = f"Aroha · {ROOM12}: {text}"
    shown = await b.cls.students[0].wait_for(line_in(b, line), 30)
    assert relates(shown).get("event_id") == await thread_of(b, 1), "in B's session thread"
    # exactly once, and nothing names A's student (her account, her homeserver)
    await asyncio.gather(a.cls.idle(), b.cls.idle())
    await asyncio.sleep(1.5)  # a second's acknowledgements travel, a resend would too
    seen = [body(ev) for ev in await b.cls.students[0].seen_now(b.cls.room)]
    assert text not in "\n".join(seen), "shown once (already seen above)"
    assert b.cls.app is not None
    copies = await b.cls.count(select(func.count(CircleCopy.id)))
    assert copies == 1
    words = [*names_of(a.cls.students[0]), a.hs.server_name]
    assert_names_nobody(str(shown.source), words, "B's class")
    # the circle list at B shows A's class as another school's
    listed = await b.cls.teacher_types("!circle list", b.cls.teacher_room, "Circle")
    assert "2 classes" in body(listed) and f"{ROOM12} · Matrix" in body(listed)
    assert "another school" in body(listed)


async def test_once_trusted_a_post_arrives_at_once_and_taking_it_back_removes_the_copy(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    await b.cls.teacher_types('!circle trust "Room 12"', b.cls.teacher_room, "now reach")
    text = "the keeper is hiding something"
    await approved_at_a(a, 1, text, await thread_of(a, 1))
    line = f"Ben · {ROOM12}: {text}"
    shown = await b.cls.students[0].wait_for(line_in(b, line), 60)  # no hold at B now
    # A's teacher takes Ben's post back: B's copy is removed too
    listed = await a.cls.teacher_types("!circle posts", a.cls.teacher_room, "Circle posts")
    number = re.findall(r"#(\d+) · Ben · your class", body(listed))
    assert number, body(listed)
    await a.cls.teacher_types(f"!circle hide {number[0]}", a.cls.teacher_room, "taken back")

    def redacted(room_id: str, ev: Event) -> bool:
        return isinstance(ev, RedactionEvent) and ev.redacts == shown.event_id

    await b.cls.students[0].wait_for(redacted, 60)
    ben = select(func.count(CircleCopy.id)).join(CirclePost, CirclePost.id == CircleCopy.post_id)

    async def recorded() -> bool:  # (the copy is recorded as taken back after the redaction)
        done = ben.where(CirclePost.first_name == "Ben", CircleCopy.state == "retracted")
        return await b.cls.count(done) == 1

    await until(recorded, 10)


async def test_a_post_from_a_chapter_the_other_class_has_not_reached_waits_for_its_session(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    assert a.cls.app is not None and b.cls.app is not None
    # A's teacher marks Aroha's first post a spoiler of chapter 4: B's copy (shown in its
    # chapters 1-2 thread) is taken back, and comes again with B's session of chapter 4
    listed = await a.cls.teacher_types("!circle posts", a.cls.teacher_room, "Circle posts")
    number = re.findall(r"#(\d+) · Aroha · your class", body(listed))
    assert len(number) == 1, body(listed)
    await a.cls.teacher_types(f"!circle spoiler {number[0]} chapter=4", a.cls.teacher_room, "waits")
    first = "I think the mice will find the lamp"
    # A reads on: its session of chapters 3-4 the next day; B is still at chapters 1-2
    a.cls.clock.set(circle.first_a + timedelta(days=1))
    await a.cls.app.scheduler.run_due()
    await a.cls.idle()
    text = "the lamp was in the attic all along"
    await approved_at_a(a, 0, text, await thread_of(a, 3))

    async def arrived() -> bool:
        posts = select(func.count(CirclePost.id)).where(CirclePost.text.in_([text, first]))
        return await b.cls.count(posts) == 3  # the first post, again, and the new one

    await until(arrived, 60)
    await b.cls.idle()
    retracted = select(func.count(CircleCopy.id)).where(CircleCopy.state == "retracted")
    waiting = select(func.count(CircleCopy.id)).where(CircleCopy.state == "waiting")

    async def settled() -> bool:  # (a copy is recorded as taken back after its redaction)
        # Ben's (taken back) and the spoiler's first; two kept back until B's chapter 4
        return await b.cls.count(retracted) == 2 and await b.cls.count(waiting) == 2

    try:
        await until(settled, 30)
    except TimeoutError:
        async with b.cls.app.sessionmaker() as db:
            rows = await db.execute(select(CircleCopy.__table__))
            raise AssertionError([tuple(r) for r in rows]) from None
    seen = "\n".join(body(ev) for ev in await b.cls.students[0].seen_now(b.cls.room))
    assert text not in seen and first not in seen
    # B stops between the arrival and the session: nothing is lost, nothing doubled
    await b.restart()
    b.cls.clock.set(circle.first_b + timedelta(days=1))
    assert b.cls.app is not None
    await b.cls.app.scheduler.run_due()
    thread = await thread_of(b, 3)
    for said in (first, text):
        shown = await b.cls.students[0].wait_for(line_in(b, f"Aroha · {ROOM12}: {said}"), 30)
        assert relates(shown).get("event_id") == thread
    await b.cls.idle()
    await b.cls.app.scheduler.run_due()  # again: a run again repeats nothing
    await b.cls.idle()
    seen = "\n".join(body(ev) for ev in await b.cls.students[0].seen_now(b.cls.room))
    assert text not in seen and first not in seen, "delivered once"
    assert await b.cls.count(waiting) == 0


async def test_a_post_from_the_school_that_joined_reaches_the_circles_school_the_same_way(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    text = "maybe the keeper wrote the letters"
    await approved_at_a(b, 0, text, await thread_of(b, 3))  # (B's chapters 3-4 session)
    held = await a.cls.teacher.wait_for(a.cls.says("from your circle", a.cls.teacher_room), 60)
    assert "Room 4 (Otago, NZ)" in body(held)
    number = re.search(r"Held #(\d+)", body(held))
    assert number, body(held)
    await a.cls.teacher_types(f"!mod approve {number.group(1)}", a.cls.teacher_room)
    shown = await a.cls.students[1].wait_for(
        lambda room_id, ev: room_id == a.cls.room and body(ev).endswith(text), 30
    )
    assert body(shown) == f"Aroha · Room 4 (Otago, NZ): {text}"
    assert relates(shown).get("event_id") == await thread_of(a, 3)


async def test_the_circles_school_removes_the_other_schools_class_which_then_gets_nothing(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    await a.cls.teacher_types('!circle remove "Room 4"', a.cls.teacher_room, "no longer")
    told = await b.cls.teacher.wait_for(
        b.cls.says("removed from the circle", b.cls.teacher_room), 60
    )
    assert "Lighthouse" in body(told)
    listed = await b.cls.teacher_types("!circle list", b.cls.teacher_room, "not in a circle")
    assert "circle join" in body(listed)
    listed = await a.cls.teacher_types("!circle list", a.cls.teacher_room, "Circle")
    assert "Room 4" not in body(listed) and "1 class" in body(listed)
    text = "what if the lamp goes out"
    await approved_at_a(a, 1, text, await thread_of(a, 3))
    await asyncio.gather(a.cls.idle(), b.cls.idle())
    await asyncio.sleep(2)  # what was sent would have crossed by now (about 0.2 s)
    outbox = select(func.count(CircleOutbox.id)).where(CircleOutbox.state == "waiting")
    assert await a.cls.count(outbox) == 0, "nothing is sent to the school that was removed"
    assert await b.cls.count(select(func.count(CirclePost.id)).where(CirclePost.text == text)) == 0
