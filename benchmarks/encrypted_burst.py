"""The 200-message / 8-student burst in a plain class room and in an encrypted one, in one run.

Starts its own Synapse (in a temp dir under var/), a real bot (App) and eight trusted
students with nio clients (E2E-enabled ones for the encrypted room), sends 25 messages
from each at once and waits until the bot has screened all 200. Printed per room: the
burst time, messages lost (must be 0), and for the encrypted room the bot's decryption
cost per message (time inside nio's Megolm decryption, measured around that call).

    .venv/bin/python benchmarks/encrypted_burst.py [--messages 25] [--venv var/synapse-venv]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' helpers

from sqlalchemy import func, select

from bot.db.tables import Post
from bot.localserver import LocalHomeserver
from tests.matrix.classroom import Classroom, make_classroom
from tests.matrix.people import Person, unique


class Timed:
    """Wraps the bot's Megolm decryption to add up the time it takes."""

    def __init__(self) -> None:
        self.calls, self.seconds = 0, 0.0

    def wrap(self, olm: Any) -> None:
        inner = olm._decrypt_megolm_no_error

        def timed(event: Any) -> Any:
            started = time.perf_counter()
            try:
                return inner(event)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        olm._decrypt_megolm_no_error = timed


async def burst(hs: LocalHomeserver, data: Path, encrypted: bool, per: int) -> dict[str, Any]:
    made: list[Person] = []

    async def people(name: str, display: str | None = None) -> Person:
        local = unique(name)
        store = data / "people" / local if encrypted else None
        person = await Person.register(hs, local, display or name.title(), store)
        made.append(person)
        return person

    cls: Classroom = await make_classroom(
        hs, people, data / ("e2e" if encrypted else "plain"), students=8, encrypted=encrypted
    )
    timed = Timed()
    try:
        for s in cls.students:
            await cls.teacher_types(f"!mod trust {s.user_id}", expect="trusted")
        olm = cls.chat.client.olm
        if encrypted and olm is not None:
            timed.wrap(olm)

        async def chatter(i: int) -> None:
            for n in range(per):
                await cls.students[i].send(cls.room, f"message {n} from student {i}")

        before = await cls.count(select(func.count(Post.id)))
        started = time.perf_counter()
        await asyncio.gather(*(chatter(i) for i in range(8)))
        want = before + 8 * per
        got = await cls.wait_count(select(func.count(Post.id)), want, timeout=120)
        took = time.perf_counter() - started
        return {"took": took, "lost": want - got, "n": 8 * per, "timed": timed}
    finally:
        for app in list(cls.started):
            await app.stop()
        for person in made:
            await person.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=25, help="per student (8 students)")
    parser.add_argument("--venv", default="var/synapse-venv")
    args = parser.parse_args()
    Path("var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="encrypted-burst-", dir="var") as tmp:
        data = Path(tmp)
        async with LocalHomeserver(data / "synapse", venv=Path(args.venv)) as hs:
            plain = await burst(hs, data, False, args.messages)
            locked = await burst(hs, data, True, args.messages)
    for name, r in (("plain room", plain), ("encrypted room", locked)):
        print(f"{name:<16} {r['n']} messages from 8 students: screened in {r['took']:.2f} s "
              f"({r['n'] / r['took']:.0f}/s), lost {r['lost']}")  # fmt: skip
    t: Timed = locked["timed"]
    if t.calls:
        print(f"decryption: {t.calls} Megolm events, {t.seconds * 1000 / t.calls:.2f} ms each "
              f"({t.seconds * 1000:.0f} ms in all)")  # fmt: skip
    print(f"encrypted / plain burst time: {locked['took'] / plain['took']:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
