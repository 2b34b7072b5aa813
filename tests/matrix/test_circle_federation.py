"""Two schools, two homeservers (federated), two installations with their own databases:
a class at School B joins School A's circle with a code, and posts travel between them
over the circle room, exactly once, with nothing that names a student.

The receiving side hands what arrives to a recording sink (sharing within an
installation, which shows it to a class, is another part).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest
import pytest_asyncio
from nio import RoomMessagesResponse
from sqlalchemy import func, select

from bot.core.circles import Retraction, SharedPost
from bot.db.tables import CircleOutbox, CirclePartner
from bot.localserver import LocalHomeserver
from cogs.circles.identity import class_uid
from cogs.circles.remote import RESEND, RESEND_FIRST
from tests.matrix.circle_schools import (
    QuickRetry,
    School,
    circle_code,
    circle_room,
    circle_uid,
    new_code,
    school,
    until,
)
from tests.matrix.classroom import body
from tests.matrix.people import Person, unique

# one process runs the module: its tests are one story on a module's pair of homeservers
pytestmark = [
    pytest.mark.synapse,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("circle-federation"),
]


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def schools(
    synapse_installed: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[tuple[School, School]]:
    """School A's circle and School B's class in it, joined with a code over federation."""
    venv = synapse_installed.venv
    hs_a = QuickRetry(tmp_path_factory.mktemp("school-a-hs"), venv=venv)
    hs_b = QuickRetry(tmp_path_factory.mktemp("school-b-hs"), venv=venv)
    await asyncio.gather(hs_a.start(), hs_b.start())
    a = await school(hs_a, tmp_path_factory.mktemp("school-a"))
    b = await school(hs_b, tmp_path_factory.mktemp("school-b"))
    try:
        yield a, b
    finally:
        for s in (a, b):
            await s.close()
        await asyncio.gather(hs_a.stop(), hs_b.stop())


async def b_teacher_hears(b: School, fragment: str) -> str:
    heard = await b.cls.teacher.wait_for(b.cls.says(fragment, b.cls.teacher_room), 30)
    return body(heard)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def joined(schools: tuple[School, School]) -> tuple[School, School]:
    """B's teacher tries a wrong code (refused, told what to do), then joins with A's."""
    a, b = schools
    code = await circle_code(a)
    await b.cls.teacher_types(
        '!author profile name="Room 4" region="Otago, NZ"', expect="see this class"
    )
    await b.cls.teacher_types(f"!circle join RC-AAAA-BBBB {a.cls.bot}", b.cls.teacher_room, "asked")
    refused = await b_teacher_hears(b, "could not join")
    assert "doesn't know the code" in refused
    await b.cls.teacher_types(f"!circle join {code} {a.cls.bot}", b.cls.teacher_room, "asked")
    told = await b_teacher_hears(b, "joined the circle")
    assert "Lighthouse" in told and "Room 12 (Wellington, NZ)" in told
    told_a = await a.cls.teacher.wait_for(a.cls.says("joined your circle", a.cls.teacher_room))
    assert "Room 4 (Otago, NZ)" in body(told_a)
    listed = await a.cls.teacher_types("!circle list", a.cls.teacher_room, "Circle")
    assert "Room 4 (Otago, NZ) · Matrix" in body(listed) and "another school" in body(listed)
    listed = await b.cls.teacher_types("!circle list", b.cls.teacher_room, "Circle")
    assert "Room 12 (Wellington, NZ) · Matrix" in body(listed)
    told = await b.cls.teacher_types("!circle code", b.cls.teacher_room, "another school")
    assert "RC-" not in body(told)
    # the same code again: used
    await b.cls.teacher_types("!circle leave", b.cls.teacher_room, "left")
    await b.cls.teacher_types(f"!circle join {code} {a.cls.bot}", b.cls.teacher_room, "asked")
    assert "already used" in await b_teacher_hears(b, "could not join")
    code = await new_code(a)
    await b.cls.teacher_types(f"!circle join {code} {a.cls.bot}", b.cls.teacher_room, "asked")
    await b_teacher_hears(b, "joined the circle")
    await until(lambda: b_in_room(b))
    return a, b


async def b_in_room(b: School) -> bool:
    room = await circle_room(b)
    return room in b.cls.chat.client.rooms


def a_post(circle: str, n: int, a: School, text: str = "The keeper was lonely.") -> SharedPost:
    installation = circle.rpartition(":c")[0]  # A made the circle (identity.py)
    uid = f"{installation}:p-{n}-{unique('p')}"
    from_class = class_uid(installation, 1)  # A's first (only) class
    return SharedPost(uid, circle, from_class, "Room 12 (Wellington, NZ)", "Aroha", 1,
                      "thought", text)  # fmt: skip


async def waiting(s: School, installation: str) -> int:
    return await s.cls.count(
        select(func.count(CircleOutbox.id)).where(
            CircleOutbox.installation == installation, CircleOutbox.state == "waiting"
        )
    )


async def test_a_post_reaches_the_other_school_once_with_nothing_identifying(
    joined: tuple[School, School],
) -> None:
    a, b = joined
    circle = await circle_uid(a)
    assert circle == await circle_uid(b)
    post = a_post(circle, 1, a)
    await a.remote().remote.offer(post)
    await until(lambda: _has(b, post.uid))
    ((circle_id, got),) = [(c, p) for c, p in b.sink.posts if p.uid == post.uid]
    assert got == post and circle_id > 0
    # acknowledged: nothing waits at A for B
    await until(lambda: _none_waiting(a, b.cls.bot))
    # offered again (a retry by the sender): nothing new
    await a.remote().remote.offer(post)
    await a.cls.idle()
    await b.cls.idle()
    assert b.sink.uids().count(post.uid) == 1
    # nothing in the circle room names a student or teacher of either school
    room = await circle_room(a)
    resp = await a.cls.chat.client.room_messages(room, start="", limit=200)
    assert isinstance(resp, RoomMessagesResponse)
    everything = json.dumps([ev.source for ev in resp.chunk])
    for person in (*a.people, *b.people):
        assert person.user_id not in everything
    for name in ("Ms Rivera", "Ben"):
        assert name not in everything


async def _has(s: School, uid: str) -> bool:
    return uid in s.sink.uids()


async def _outbox(s: School) -> list[tuple[object, ...]]:
    """Every outbox row, for a failure's message."""
    assert s.cls.app is not None
    async with s.cls.app.sessionmaker() as db:
        rows = await db.execute(select(CircleOutbox.__table__))
        return [tuple(r) for r in rows]


async def _none_waiting(s: School, installation: str) -> bool:
    return await waiting(s, installation) == 0


async def test_replayed_forged_and_malformed_circle_events_are_ignored_and_logged(
    joined: tuple[School, School], caplog: pytest.LogCaptureFixture
) -> None:
    a, b = joined
    circle, room = await circle_uid(a), await circle_room(a)
    post = a_post(circle, 2, a)
    await a.remote().remote.offer(post)
    await until(lambda: _has(b, post.uid))
    client = a.cls.chat.client
    content: dict[str, Any] = {
        "v": 1, "circle": circle, "uid": post.uid, "from_class": post.from_class,
        "class_label": post.class_label, "first_name": "Aroha", "chapter": 1,
        "kind": "thought", "text": "replayed",
    }  # fmt: skip
    bad: list[tuple[str, dict[str, Any]]] = [
        ("org.readaloud.circle.post", content),  # the same post id again
        ("org.readaloud.circle.post", {**content, "uid": "x:1", "from_class": "@other:hs:9"}),
        ("org.readaloud.circle.post", {**content, "uid": "x:2", "v": 2}),
        ("org.readaloud.circle.post", {**content, "uid": "x:3", "text": "y" * 5000}),
        ("org.readaloud.circle.post", {**content, "uid": "x:4", "avatar": "mxc://a/b"}),
        ("org.readaloud.circle.post", {**content, "uid": "x:5", "chapter": "one"}),
        ("org.readaloud.circle.join", {"v": 1, "code": "RC-AAAA-BBBB"}),
        ("m.room.message", {"msgtype": "m.text", "body": "hello class B!"}),
    ]
    # a stranger A's bot lets in sends a perfect post: not a partner installation
    mallory = await Person.register(a.hs, unique("mallory"), "Mallory")
    a.people.append(mallory)
    with caplog.at_level(logging.INFO):
        for ev_type, c in bad:
            resp = await client.room_send(room, ev_type, c)
            assert hasattr(resp, "event_id"), resp
        await client.room_invite(room, mallory.user_id)
        await mallory.join(room)
        await mallory.send_event(room, "org.readaloud.circle.post", {**content, "uid": "x:6"})
        last = a_post(circle, 3, a)
        await a.remote().remote.offer(last)  # a good one after them: they were all read
        await until(lambda: _has(b, last.uid))
    assert b.sink.uids().count(post.uid) == 1
    assert not [u for u in b.sink.uids() if u.startswith("x:")]
    logged = caplog.text
    assert "replayed" in logged and "no class of theirs" in logged
    assert "unsupported schema version" in logged and "too long" in logged
    assert "unknown fields" in logged and "must be int" in logged
    assert "misplaced circle event kind" in logged
    # nothing reached B's class room
    seen = await b.cls.students[0].seen_now(b.cls.room)
    assert not [ev for ev in seen if "replayed" in body(ev) or "hello class B" in body(ev)]


async def test_a_retraction_reaches_the_other_school(joined: tuple[School, School]) -> None:
    a, b = joined
    circle = await circle_uid(a)
    post = a_post(circle, 4, a)
    await a.remote().remote.offer(post)
    await until(lambda: _has(b, post.uid))
    await a.remote().remote.retract(Retraction(post.uid, circle))

    async def gone() -> bool:
        return post.uid in [r.uid for _, r in b.sink.retractions]

    await until(gone)
    await until(lambda: _none_waiting(a, b.cls.bot))


async def test_a_crash_between_send_and_record_sends_one_copy(
    joined: tuple[School, School], monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = joined
    circle = await circle_uid(a)
    post = a_post(circle, 5, a)
    wire = a.remote().remote.wire
    assert wire is not None
    real = wire.send

    async def sent_then_killed(*args: Any, **kwargs: Any) -> str:
        await real(*args, **kwargs)
        raise SystemExit("killed after the send, before its record")

    monkeypatch.setattr(wire, "send", sent_then_killed)
    with pytest.raises(SystemExit):
        await a.remote().remote.offer(post)
    monkeypatch.undo()
    await a.restart()  # resumes: the same transaction again, deduplicated by the server
    await until(lambda: _has(b, post.uid))
    await until(lambda: _none_waiting(a, b.cls.bot))
    await b.cls.idle()
    assert b.sink.uids().count(post.uid) == 1
    room = await circle_room(a)
    resp = await a.cls.chat.client.room_messages(room, start="", limit=200)
    assert isinstance(resp, RoomMessagesResponse)
    copies = [ev for ev in resp.chunk if ev.source.get("content", {}).get("uid") == post.uid]
    assert len(copies) == 1


async def test_a_school_that_is_down_gets_its_posts_when_it_returns(
    joined: tuple[School, School],
) -> None:
    a, b = joined
    circle = await circle_uid(a)
    await b.cls.stop_bot()
    await b.hs.stop()
    try:
        post = a_post(circle, 6, a)
        await a.remote().remote.offer(post)
        assert await waiting(a, b.cls.bot) == 1, await _outbox(a)
        # two days later the teacher hears of it; the post still waits
        assert a.cls.app is not None
        for _ in range(3):
            a.cls.clock.advance(timedelta(days=1))
            await a.cls.app.timers.run_due([RESEND])
        told = await a.cls.teacher.wait_for(a.cls.says("have not received", a.cls.teacher_room))
        assert "1 post" in body(told)
        assert await waiting(a, b.cls.bot) == 1
    finally:
        await b.hs.start()
        await b.start()
    assert a.cls.app is not None

    for _ in range(30):  # every 2 s a resend (a new event) until B has it
        if post.uid in b.sink.uids():
            break
        a.cls.clock.advance(RESEND_FIRST * 64)
        await a.cls.app.timers.run_due([RESEND])
        await asyncio.sleep(2)
    assert post.uid in b.sink.uids()
    await until(lambda: _none_waiting(a, b.cls.bot), 30)
    await b.cls.idle()
    assert b.sink.uids().count(post.uid) == 1


async def test_a_class_that_leaves_stops_receiving_at_once(joined: tuple[School, School]) -> None:
    a, b = joined
    circle = await circle_uid(a)
    await b.cls.teacher_types("!circle leave", b.cls.teacher_room, "left")

    async def left() -> bool:
        return (
            await a.cls.count(
                select(func.count(CirclePartner.id)).where(CirclePartner.left_at.is_not(None))
            )
            >= 1
        )

    await until(left)
    post = a_post(circle, 7, a)
    await a.remote().remote.offer(post)
    assert await waiting(a, b.cls.bot) == 0
    await a.cls.idle()
    await b.cls.idle()
    assert post.uid not in b.sink.uids()
