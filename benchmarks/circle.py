"""Circles: one post to 200 classes of one installation; several installations over Matrix.

Part 1 (``--part local``, benchmarks/circle_local.py): one installation, a circle of
`--classes` classes (`--matrix-classes` on a real Synapse, the rest on the fake Discord
at `--latency` ms a request, 50 requests/s): one post, the time and requests until every
partner class has its copy, against the platforms' floors.

Part 2 (``--part federation``): a circle of several installations over Matrix federation.

Installation A (its own homeserver) makes the circle; the others (each its own bot and
database, sharing a second homeserver, federated with A's) join with codes through the
real handshake. Then, in one run:

1. one post offered at A: the time until every other installation's circles feature
   was handed it, the requests A's bot made for it and the room events it caused
   (the post and one acknowledgement per installation);
2. the homeserver's own event rate: custom events A's bot sends into the circle room
   back to back, as fast as A's homeserver accepts them (the floor for 3.);
3. delivery lag under a steady `--rate` posts/s for `--seconds`: p50/p99 of (handed
   to the receiving installation) - (offered at A), over every (post, installation).

    .venv/bin/python benchmarks/circle.py [--part all|local|federation] [--classes 200]
        [--matrix-classes 100] [--latency 80] [--installations 5] [--rate 20] [--seconds 10]

Needs the Synapse virtualenv (make synapse). Five Synapse-backed bots and two homeservers
on a 2-core machine: the homeservers' CPU is the bottleneck, as in tests/matrix.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from benchmarks import circle_local
from bot.core.circles import SharedPost
from bot.localserver import DEFAULT_VENV
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

ROOT = Path(__file__).resolve().parents[1]


class Counted:
    """Counts one installation's circle room sends (requests to its homeserver)."""

    def __init__(self, s: School) -> None:
        wire = s.remote().remote.wire
        assert wire is not None
        self.by_kind: dict[str, int] = {}
        self.took: dict[str, float] = {}  # post id -> when the homeserver took its event
        real = wire.send

        async def send(room_id: str, kind: str, content: dict[str, object], key: str) -> str:
            self.by_kind[kind] = self.by_kind.get(kind, 0) + 1
            found = await real(room_id, kind, content, key)
            carried = content.get("entries", [content]) if kind in ("post", "posts") else []
            for entry in carried:  # type: ignore[attr-defined]
                self.took.setdefault(str(entry["uid"]), time.monotonic())
            return found

        wire.send = send  # type: ignore[method-assign]

    def total(self) -> int:
        return sum(self.by_kind.values())


async def form(a: School, others: list[School]) -> None:
    """The circle at A, and each other installation's class joining it with a code."""
    code = await circle_code(a)
    for i, s in enumerate(others):
        if i:
            code = await new_code(a)
        await s.cls.teacher_types(f"!circle join {code} {a.cls.bot}", s.cls.teacher_room, "asked")
        told = await s.cls.teacher.wait_for(s.cls.says("joined the circle", s.cls.teacher_room), 60)
        assert "joined the circle" in body(told)
    room = await circle_room(a)

    async def all_in() -> bool:
        for s in others:
            if room not in s.cls.chat.client.rooms:
                return False
        return True

    await until(all_in, 60)


def post(a: School, circle: str, n: int) -> SharedPost:
    installation = circle.rpartition(":c")[0]  # A made the circle (identity.py)
    return SharedPost(f"{installation}:pbench{n}", circle, class_uid(installation, 1),
                      "Room 12 (Wellington, NZ)", "Aroha", 1, "thought",
                      f"Post {n}: the keeper was lonely.")  # fmt: skip


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def run(installations: int, rate: float, seconds: float, venv: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir="/dev/shm") as tmp:
        root = Path(tmp)
        hs_a = QuickRetry(root / "hs-a", venv=venv)
        hs_b = QuickRetry(root / "hs-b", venv=venv)
        (root / "hs-a").mkdir()
        (root / "hs-b").mkdir()
        await asyncio.gather(hs_a.start(), hs_b.start())
        made: list[School] = []
        try:
            a = await school(hs_a, root / "school-0")
            made.append(a)
            for i in range(1, installations):
                made.append(await school(hs_b, root / f"school-{i}"))
            others = made[1:]
            t0 = time.monotonic()
            await form(a, others)
            formed = time.monotonic() - t0
            return await measure(a, others, rate, seconds, formed)
        finally:
            for s in made:
                await s.close()
            await asyncio.gather(hs_a.stop(), hs_b.stop())


async def measure(
    a: School, others: list[School], rate: float, seconds: float, formed: float
) -> dict[str, Any]:
    circle, room = await circle_uid(a), await circle_room(a)
    counted = [Counted(s) for s in (a, *others)]
    remote = a.remote().remote

    # 1. one post to the whole circle
    first = post(a, circle, 0)
    start = time.monotonic()
    await remote.offer(first)
    await until(lambda: _all_have(others, first.uid), 60)
    one_post = time.monotonic() - start
    await asyncio.sleep(1.0)  # the acknowledgements
    sent_by_a = counted[0].total()
    acks = sum(c.by_kind.get("ack", 0) for c in counted[1:])

    # 2. the homeserver's event rate: A's bot sending custom events back to back
    client = a.cls.chat.client
    n_raw = 100
    start = time.monotonic()
    for i in range(n_raw):
        await client.room_send(room, "org.readaloud.bench", {"n": i}, tx_id=f"bench-{i}-{start}")
    event_rate = n_raw / (time.monotonic() - start)

    # 3. lag under a steady flow
    before = dict(counted[0].by_kind)
    total = int(rate * seconds)
    offered: dict[str, float] = {}
    start = time.monotonic()
    for n in range(1, total + 1):
        p = post(a, circle, n)
        wait = start + (n - 1) / rate - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        offered[p.uid] = time.monotonic()
        asyncio.get_running_loop().create_task(remote.offer(p))
    resends = await drive_resends(a, others, list(offered))
    lags = [s.sink.at[uid] - t for s in others for uid, t in offered.items()]
    copies = [s.sink.uids().count(uid) for s in others for uid in offered]
    took = counted[0].took
    to_hs = [took[uid] - t for uid, t in offered.items() if uid in took]
    over = [s.sink.at[uid] - took[uid] for s in others for uid in offered if uid in took]
    events = {k: v - before.get(k, 0) for k, v in counted[0].by_kind.items()}
    return {
        "installations": len(others) + 1,
        "circle formed (all joins, s)": round(formed, 1),
        "one post: all installations have it (ms)": round(one_post * 1000),
        "one post: requests by the sender": sent_by_a,
        "one post: room events (post + acks)": 1 + acks,
        "homeserver event rate (events/s, one sender)": round(event_rate, 1),
        "steady flow (posts/s offered)": rate,
        "posts x installations delivered": len(lags),
        "copies per (post, installation): max": max(copies),
        "resend rounds needed (RESEND timer)": resends,
        "lag p50 (ms)": round(statistics.median(lags) * 1000),
        "lag p99 (ms)": round(pct(lags, 0.99) * 1000),
        "  of which offered -> A's homeserver took it p50/p99 (ms)": (
            f"{round(statistics.median(to_hs) * 1000)}/{round(pct(to_hs, 0.99) * 1000)}"
        ),
        "  of which A's homeserver -> handed over p50/p99 (ms)": (
            f"{round(statistics.median(over) * 1000)}/{round(pct(over, 0.99) * 1000)}"
        ),
        "circle events sent by A in the flow (by kind)": events,
    }


async def drive_resends(a: School, others: list[School], uids: list[str]) -> int:
    """Wait for every copy; every 10 s without them all, A's resend timer runs (its clock
    moved past RESEND_FIRST), as it would a minute after the send in production: under
    load a receiving homeserver can miss events of a federated room (it fetches only a
    few missing ones), and the unacknowledged posts are sent again."""
    rounds = 0
    assert a.cls.app is not None
    for _ in range(30):
        try:
            await until(lambda: _all_have(others, *uids), 10)
            return rounds
        except TimeoutError:
            rounds += 1
            a.cls.clock.advance(RESEND_FIRST * 64)
            await a.cls.app.timers.run_due([RESEND])
    raise TimeoutError("posts still missing after 30 resend rounds")


async def _all_have(schools: list[School], *uids: str) -> bool:
    return all(uid in s.sink.at for s in schools for uid in uids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=("all", "local", "federation"), default="all")
    parser.add_argument("--classes", type=int, default=200)
    parser.add_argument("--matrix-classes", type=int, default=100)
    parser.add_argument("--latency", type=float, default=80.0, help="ms per Discord request")
    parser.add_argument("--installations", type=int, default=5)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--synapse-venv", type=Path, default=ROOT / "var" / "synapse-venv")
    args = parser.parse_args()
    venv = args.synapse_venv if args.synapse_venv.exists() else DEFAULT_VENV
    if args.part in ("all", "local"):
        print(f"1. one post to a circle of {args.classes} classes on one installation")
        found = asyncio.run(
            circle_local.run(args.classes, args.matrix_classes, args.latency / 1000, venv)
        )
        for key, value in found.items():
            print(f"   {key:58} {value}")
    if args.part in ("all", "federation"):
        print(f"2. a circle of {args.installations} installations over Matrix federation")
        found = asyncio.run(run(args.installations, args.rate, args.seconds, venv))
        for key, value in found.items():
            print(f"   {key:58} {value}")


if __name__ == "__main__":
    main()
