"""Issue 14: a kill -9 of either school's bot between a circle post arriving and the other
school's class seeing it, at every step, then a restart: the class sees the post exactly
once, the sending school gets its acknowledgement and stops sending it, and taking the
post back afterwards still removes the one copy.

The killed bot runs as a real separate process (`BotProcess`) that kills itself with
SIGKILL at the chosen step (no stop, nothing flushed), then starts again on the same
database and Matrix device. The receiving school's steps, one post each:

1. the post's arrival stored, its copy not made yet;
2. the copy's message at the homeserver, its delivery not recorded yet;
3. the copy delivered, the acknowledgement not sent yet (the sender must send it again);
4. the acknowledgement sent;

then a retraction stored, its copy not taken back yet (before the fix in
``remote_arrivals.py`` the copy stayed: the retraction, coming again, was ignored).
The sending school's: its outbox rows written, the post not sent; the post at the
homeserver, its sending not recorded (also, simulated in this process, in
``test_circle_federation.py::test_a_crash_between_send_and_record_sends_one_copy``); the
acknowledgement arrived, not recorded.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from functools import partial

import pytest
import pytest_asyncio
from nio import RedactionEvent, RoomMessagesResponse
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.circles import Retraction, SharedPost
from bot.db.session import make_engine, make_sessionmaker
from bot.db.states import ArrivalState
from bot.db.tables import CircleCopy, CircleInbox, CircleOutbox, CirclePost
from bot.localserver import LocalHomeserver
from cogs.circles.identity import class_uid
from cogs.circles.remote import RESEND, RESEND_FIRST
from tests.matrix.bot_process import ACK_DELAY, RECEIVING, SENDING, BotProcess, Kill
from tests.matrix.circle_schools import (
    QuickRetry,
    School,
    circle_code,
    circle_room,
    circle_uid,
    school,
    until,
)
from tests.matrix.classroom import body
from tests.matrix.people import unique

# one process runs the module: its tests share a module's pair of homeservers
pytestmark = [
    pytest.mark.synapse,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("circle-killed"),
]
ROOM12 = "Room 12 (Wellington, NZ)"
Db = async_sessionmaker[AsyncSession]


class Killable:
    """School A (in this process) and School B, whose bot is a process of its own."""

    def __init__(self, a: School, b: School, bot: BotProcess, circle: str) -> None:
        self.a, self.b, self.bot, self.circle = a, b, bot, circle


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def schools(
    synapse_installed: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Killable]:
    """A's circle, B's class in it trusting A's, both in their sessions of chapters 1-2;
    then B's bot stops (cleanly) and runs as a process."""
    venv = synapse_installed.venv
    hs_a = QuickRetry(tmp_path_factory.mktemp("school-a-hs"), venv=venv)
    hs_b = QuickRetry(tmp_path_factory.mktemp("school-b-hs"), venv=venv)
    await asyncio.gather(hs_a.start(), hs_b.start())
    a = await school(hs_a, tmp_path_factory.mktemp("school-a"), shows=True)
    b = await school(hs_b, tmp_path_factory.mktemp("school-b"), shows=True)
    bot = BotProcess(b.cls.config(), b.cls.clock.now(), tmp_path_factory.mktemp("b-bot"))
    try:
        await bot.open()  # (warming up while the schools meet)
        code = await circle_code(a)
        first_a = a.cls.clock.now().replace(second=0, microsecond=0) + timedelta(hours=2)
        await b.cls.teacher_types(
            '!author profile name="Room 4" region="Otago, NZ"', expect="see this class"
        )
        first_b = (await b.cls.plan_book()).astimezone(UTC)
        await b.cls.teacher_types(f"!circle join {code} {a.cls.bot}", b.cls.teacher_room, "asked")
        await b.cls.teacher.wait_for(b.cls.says("joined the circle", b.cls.teacher_room), 30)
        await until(lambda: _in_room(b))
        await b.cls.teacher_types('!circle trust "Room 12"', b.cls.teacher_room, "now reach")
        for s, first in ((a, first_a), (b, first_b)):
            s.cls.clock.set(first)
            assert s.cls.app is not None
            await s.cls.app.scheduler.run_due()
            await s.cls.idle()
        circle = await circle_uid(a)
        bot.now = b.cls.clock.now()
        await b.cls.stop_bot()
        yield Killable(a, b, bot, circle)
    finally:
        await bot.close()
        for s in (a, b):
            for app in list(s.cls.started):
                await app.stop()
            for person in s.people:
                await person.close()
        await asyncio.gather(hs_a.stop(), hs_b.stop())


async def _in_room(b: School) -> bool:
    return await circle_room(b) in b.cls.chat.client.rooms


def a_post(k: Killable, step: str) -> SharedPost:
    installation = k.circle.rpartition(":c")[0]  # A made the circle (identity.py)
    mark = unique("")[1:].translate(str.maketrans("0123456789", "ghijklmnop"))  # (no number)
    text = f"the mice reach the lamp ({step} {mark})"
    return SharedPost(f"{installation}:p-{unique(step)}", k.circle, class_uid(installation, 1),
                      ROOM12, "Aroha", 1, "thought", text)  # fmt: skip


async def waiting(at: Db, uids: list[str]) -> int:
    """Outbox rows of these posts still waiting for an acknowledgement (the sender's)."""
    async with at() as db:
        found = await db.scalar(
            select(func.count(CircleOutbox.id)).where(
                CircleOutbox.post_uid.in_(uids), CircleOutbox.state == "waiting"
            )
        )
    return int(found or 0)


async def acked(at: Db, uids: list[str]) -> bool:
    return await waiting(at, uids) == 0


async def copies(at: Db, uids: list[str], state: str) -> int:
    """The receiver's copies of these posts in `state`."""
    async with at() as db:
        found = await db.scalar(
            select(func.count(CircleCopy.id))
            .join(CirclePost, CirclePost.id == CircleCopy.post_id)
            .where(CirclePost.uid.in_(uids), CircleCopy.state == state)
        )
    return int(found or 0)


async def taken_back(b: School, at_b: Db, seen: dict[str, list[str]]) -> None:
    """Each shown copy is removed from B's class, and recorded as taken back."""
    shown = {ids[0] for ids in seen.values()}
    while shown:
        gone = await b.cls.students[0].wait_for(
            lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts in shown, 30
        )
        assert isinstance(gone, RedactionEvent)
        shown.discard(gone.redacts)

    async def recorded() -> bool:
        return await copies(at_b, list(seen), "retracted") == len(seen)

    await until(recorded, 10)


async def lines_in_class(b: School, posts: list[SharedPost]) -> dict[str, list[str]]:
    """Each post's copies in B's class room (event ids), from the room's history."""
    student = b.cls.students[0]
    resp = await student.client.room_messages(b.cls.room, start="", limit=500)
    assert isinstance(resp, RoomMessagesResponse)
    found: dict[str, list[str]] = {p.uid: [] for p in posts}
    for ev in resp.chunk:
        for p in posts:
            if body(ev) == f"Aroha · {ROOM12}: {p.text}":
                found[p.uid].append(ev.event_id)
    return found


async def post_events(s: School, uids: list[str]) -> list[str]:
    """The post events of these ids in the circle room, by their post ids (a resend is
    another one), as `s` (running here) sees them."""
    resp = await s.cls.chat.client.room_messages(await circle_room(s), start="", limit=500)
    assert isinstance(resp, RoomMessagesResponse)
    return sorted(
        str(ev.source["content"]["uid"])
        for ev in resp.chunk
        if ev.source.get("type") == "org.readaloud.circle.post"
        and ev.source.get("content", {}).get("uid") in uids
    )


async def resend_at_a(a: School) -> None:
    assert a.cls.app is not None
    a.cls.clock.advance(RESEND_FIRST * 64)
    await a.cls.app.timers.run_due([RESEND])


async def test_a_receiving_bot_killed_at_each_step_shows_each_post_once_and_is_acked(
    schools: Killable,
) -> None:
    k = schools
    a, b, bot = k.a, k.b, k.bot
    assert a.cls.app is not None
    at_a = a.cls.app.sessionmaker
    posts = {step: a_post(k, step) for step in RECEIVING}
    uids = [p.uid for p in posts.values()]
    engine = make_engine(b.cls.db_url)
    at_b = make_sessionmaker(engine)
    try:
        before: SharedPost | None = None
        for step, post in posts.items():
            await bot.start(Kill(step, post.uid, post.text))
            if before is not None:  # the post before: shown on restart, and acknowledged
                if step == "acked":  # (step 3's acknowledgement was lost: A sends it again)
                    await resend_at_a(a)
                await until(partial(acked, at_a, [before.uid]))
            await a.remote().remote.offer(post)
            await bot.killed()
            async with at_b() as db:
                state = await db.scalar(
                    select(CircleInbox.state).where(CircleInbox.post_uid == post.uid)
                )
            assert state == (
                ArrivalState.ARRIVED if step in ("stored", "sent") else ArrivalState.SHOWN
            )
            before = post
        await bot.start()  # and now it stays up
        await until(partial(acked, at_a, uids))
        # the class sees each post once
        seen = await lines_in_class(b, list(posts.values()))
        assert {uid: len(ids) for uid, ids in seen.items()} == dict.fromkeys(uids, 1)
        assert await copies(at_b, uids, "delivered") == len(uids)
        # acknowledged: A sends none of them again
        sent = await post_events(a, uids)
        assert sent == sorted([*uids, posts["ack"].uid])  # (step 3's ack lost: sent again)
        await resend_at_a(a)
        await a.cls.idle()
        assert await post_events(a, uids) == sent
        # taking them back afterwards removes the one copy of each, also with B killed
        # after the first retraction is stored, before its copy is taken back
        await bot.stop()
        await bot.start(Kill("retracting", posts["stored"].uid, ""))
        for post in posts.values():
            await a.remote().remote.retract(Retraction(post.uid, k.circle))
        await bot.killed()
        await bot.start()
        await taken_back(b, at_b, seen)
        await until(partial(acked, at_a, uids))  # (the retractions' rows too)
        await bot.stop()
    finally:
        await bot.abandon()
        await engine.dispose()


async def test_a_sending_bot_killed_at_each_step_sends_each_post_once(schools: Killable) -> None:
    """The same for School A's bot (which now runs as a process), killed at each step of
    offering a post; School B's bot runs here again."""
    k = schools
    a, b, bot = k.a, k.b, k.bot
    await b.start()
    assert b.cls.app is not None
    b.remote().remote.acks.delay = ACK_DELAY
    at_b = b.cls.app.sessionmaker
    bot.switch_to(a.cls.config(), a.cls.clock.now())
    await a.cls.stop_bot()
    posts = {step: a_post(k, step) for step in SENDING}
    uids = [p.uid for p in posts.values()]
    engine = make_engine(a.cls.db_url)
    at_a = make_sessionmaker(engine)
    try:
        for step, post in posts.items():
            await bot.start(Kill(step, post.uid, post.text), offer=post)
            await bot.killed()
            assert await waiting(at_a, [post.uid]) == 1
        await bot.start()  # and now it stays up
        await until(partial(acked, at_a, uids))
        seen = await lines_in_class(b, list(posts.values()))
        assert {uid: len(ids) for uid, ids in seen.items()} == dict.fromkeys(uids, 1)
        assert await copies(at_b, uids, "delivered") == len(uids)
        # one event each: sent again after the kill with the same transaction, or at first
        assert await post_events(b, uids) == sorted(uids)
        await bot.stop()
        await bot.start(retract=tuple(Retraction(p.uid, k.circle) for p in posts.values()))
        await taken_back(b, at_b, seen)
        await bot.stop()
    finally:
        await bot.abandon()
        await engine.dispose()
