"""Posts offered while a circle room's send is out go together, and arrive one by one.

School A's bot (this bench) shares a circle with classes at schools B and C; the wire
records what would go into the circle room (the batch's schema and its parsing from a
sync are checked in tests/matrix/test_circle_events.py).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bot.core.circles import Retraction, WireEvent
from bot.db.tables import CircleOutbox
from bot.platforms.matrix.circle_events import checked, entries, event_type
from cogs.circles.remote_batches import pack
from tests.cogs.bench import Bench, OpenBench
from tests.cogs.test_circles_remote import (
    ROOM,
    UID,
    B,
    C,
    Wire,
    arrived,
    circle_with_b_and_c,
    class_of,
    post,
    states,
    the_remote,
    wire_post,
)

pytestmark = pytest.mark.asyncio(loop_scope="session")


@dataclass
class SlowWire(Wire):
    """Holds its first send until `go` is set (the homeserver is slow to answer)."""

    go: asyncio.Event = field(default_factory=asyncio.Event)

    async def send(self, room_id: str, kind: str, content: dict[str, object], key: str) -> str:
        if not self.sent:
            self.sent.append((room_id, kind, content, key))
            await self.go.wait()
            return "$first"
        return await super().send(room_id, kind, content, key)


async def queued(bench: Bench) -> int:
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        return len(list(await db.scalars(select(CircleOutbox.id))))


async def test_posts_offered_while_a_send_is_out_go_in_the_next_send_together(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, _, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote, wire = the_remote(bench), SlowWire()
    remote.wire = wire
    first = asyncio.get_running_loop().create_task(remote.offer(post(1)))
    while not wire.sent:
        await asyncio.sleep(0)
    waiting = [asyncio.get_running_loop().create_task(remote.offer(post(n))) for n in (2, 3)]
    taking_back = asyncio.get_running_loop().create_task(
        remote.retract(Retraction(post(1).uid, UID))
    )
    while await queued(bench) < 8:  # (three posts and a retraction, for two schools)
        await asyncio.sleep(0.01)
    assert len(wire.sent) == 1 and not any(t.done() for t in (*waiting, taking_back))
    wire.go.set()
    await asyncio.gather(first, *waiting, taking_back)
    # the lone first post went as before; the rest, whatever their kind, in one event
    assert [(kind, key) for _, kind, _, key in wire.sent[:1]] == [
        ("post", f"circle:post:{post(1).uid}:0")]  # fmt: skip
    assert [kind for _, kind, _, _ in wire.sent[1:]] == ["posts"]
    batch = wire.sent[1][2]
    assert batch["circle"] == UID
    entries = sorted(batch["entries"], key=lambda e: (e["type"], e["uid"]))  # type: ignore
    assert entries == [
        {"type": "post", **wire_post(post(2))},
        {"type": "post", **wire_post(post(3))},
        {"type": "retract", "circle": UID, "uid": post(1).uid},
    ]  # fmt: skip (in the order they were queued, which here is the tasks' race)
    # one row per school for each; B acknowledges the batch, C does not yet
    uids = [post(n).uid for n in (1, 2, 3)]
    await remote.arrived([arrived(B, "ack", {"uids": uids, "retracted": [uids[0]]})])
    found = await states(bench)
    assert {found[(u, B)] for u in uids} == {"done"} and {found[(u, C)] for u in uids} == {
        "waiting"}  # fmt: skip
    # nothing waits now: a lone post goes at once, as its own event
    await remote.offer(post(4))
    assert wire.sent[-1][1] == "post" and wire.sent[-1][3] == f"circle:post:{post(4).uid}:0"


def entries_of(
    sender: str, event_id: str, *contents: tuple[str, dict[str, object]]
) -> list[WireEvent]:
    """A batch as the Matrix adapter hands it on: one event per entry that passed the
    schema check, each with its own id."""
    return [WireEvent(kind, ROOM, sender, f"{event_id}#{n}", {"circle": UID, **c})
            for n, (kind, c) in enumerate(contents)]  # fmt: skip


async def test_a_batch_shows_its_good_posts_once_even_replayed(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, wire, sink = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote = the_remote(bench)
    one, two = post(1, class_of(B, 4)), post(2, class_of(B, 4))
    forged = post(3, class_of(C, 7))  # B's bot speaking for C's class
    batch = [
        ("post", wire_post(one)),
        ("post", wire_post(forged)),
        ("post", wire_post(two)),
        ("retract", {"uid": "ra-cccc0000:p99"}),
    ]  # fmt: skip (C's post, taken back by B)
    await remote.arrived(entries_of(B, "$batch1", *batch))
    await remote.flush()
    assert [p.uid for p in sink.posts] == [one.uid, two.uid] and sink.retractions == []
    await remote.arrived(entries_of(B, "$batch2", *batch))  # the same batch again
    await remote.flush()
    assert [p.uid for p in sink.posts] == [one.uid, two.uid]
    acks = [c for _, kind, c, _ in wire.sent if kind == "ack"]
    assert [a["uids"] for a in acks] == [[one.uid, two.uid]] * 2  # so B stops sending them
    await remote.arrived(entries_of(B, "$batch3", ("retract", {"uid": two.uid})))
    assert sink.retractions == [Retraction(two.uid, UID)]


async def test_a_long_queue_goes_in_batches_the_receiving_check_accepts() -> None:
    """60 long posts waiting for two schools: 120 rows, a handful of events, each within
    the size and entry limits the other side checks (tests/matrix/test_circle_events.py)."""
    rows = [CircleOutbox(id=2 * n + k, post_uid=post(n).uid, kind="post", installation=bot,
                         content={**wire_post(post(n)), "text": "ā" * 1500}, attempt=n % 2)
            for n in range(60) for k, bot in enumerate((B, C))]  # fmt: skip
    events = pack(UID, rows)
    assert 3 <= len(events) < 60 and sorted(i for e in events for i in e.row_ids) == list(
        range(120))  # fmt: skip
    carried = []
    for e in events:
        _, content = checked(event_type(e.kind), {"v": 1, **e.content}, in_ask_room=False)
        carried += [c["uid"] for _, c in entries(content)]  # type: ignore[misc]
    assert carried == [post(n).uid for n in range(60)]
    lone = pack(UID, rows[:2])
    assert [(e.kind, e.key) for e in lone] == [("post", f"circle:post:{post(0).uid}:0")]
