"""Teachers change the calendar: a holiday break shifts sessions, one session moves."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from tests.cogs.bench import ROOM, Bench, OpenBench

pytestmark = pytest.mark.asyncio(loop_scope="session")

NOW = datetime(2027, 1, 28, 0, 0, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    b = await open_bench(NOW, "America/New_York")
    await b.type('!readaloud book "Wonder" chapters=6')
    return b


def lines(reply_text: str) -> list[str]:
    return [line.split(" (")[0] for line in reply_text.splitlines()[1:]]


async def test_sessions_keep_their_local_time_across_daylight_saving(bench: Bench) -> None:
    reply = await bench.type("!readaloud plan 2027-03-12 fri,mon 08:00")
    assert lines(reply.text)[:2] == ["1. Fri 12 Mar 2027 08:00", "2. Mon 15 Mar 2027 08:00"]


async def test_a_break_shifts_the_remaining_sessions_to_later_days(bench: Bench) -> None:
    await bench.type("!readaloud plan 2027-02-01 mon,wed,fri 09:00 per=2")
    reply = await bench.type("!readaloud skip 2027-02-03 2027-02-05")
    assert reply.text.startswith("Break noted; 2 sessions moved.")
    assert lines(reply.text)[1:] == [
        "1. Mon 01 Feb 2027 09:00",
        "2. Mon 08 Feb 2027 09:00",
        "3. Wed 10 Feb 2027 09:00",
    ]


async def test_a_new_timezone_keeps_the_planned_local_times(bench: Bench) -> None:
    from sqlalchemy import select

    from bot.db.tables import Session

    assert bench.app is not None
    await bench.type("!readaloud plan 2027-02-01 mon,wed 09:00 per=2")
    await bench.type("!class setup timezone=Pacific/Auckland")  # the class moved
    schedule = await bench.type("!readaloud schedule")
    assert lines(schedule.text)[:3] == [
        "1. Mon 01 Feb 2027 09:00",
        "2. Wed 03 Feb 2027 09:00",
        "3. Mon 08 Feb 2027 09:00",
    ]
    async with bench.app.sessionmaker() as db:
        first = await db.scalar(select(Session).order_by(Session.starts_at).limit(1))
    assert first is not None and first.starts_at == datetime(2027, 1, 31, 20, 0, tzinfo=UTC)
    assert first.next_step_at is not None and first.next_step_at <= first.starts_at


async def test_one_session_moves_and_bad_moves_are_explained(bench: Bench) -> None:
    await bench.type("!readaloud plan 2027-02-01 mon,wed,fri 09:00 per=2")
    reply = await bench.type("!readaloud move 2 2027-02-04 13:15")
    assert reply.text == "Session 2 is now on Thu 04 Feb 2027 13:15 (America/New_York)."
    reply = await bench.type("!readaloud move 9 2027-02-04")
    assert "There is no session 9" in reply.text
    reply = await bench.type("!readaloud move 2 2026-01-01")
    assert "already passed" in reply.text


@pytest.mark.parametrize(
    ("command", "answer"),
    [
        ("!readaloud plan 2027-02-01 09:00", "days must look like mon,wed,fri"),
        ("!readaloud plan 2027-02-01 mon 25:00", "time must look like 09:30"),
        ("!readaloud plan 2027-02-01 mon 09:00 per=0", "per must be at least 1"),
        (
            "!readaloud plan 2026-02-01 mon 09:00",
            "start is in the past; use a date from 2027-01-27",
        ),
        ("!class setup timezone=Mars/Base", '"Mars/Base" is not a timezone I know'),
        ("!readaloud skip 2027-02-05 2027-02-01", "The end of the break is before its start"),
        ("!readaloud prompt 2 Who? | Only one kind=poll", "A poll needs 2 to 10 choices"),
        ("!readaloud prompt 9 Too far", '"Wonder" has chapters 1 to 6'),
    ],
)
async def test_an_invalid_plan_is_refused_with_what_to_type(
    bench: Bench, command: str, answer: str
) -> None:
    reply = await bench.type(command)
    assert answer in reply.text
    assert reply.private


async def test_a_season_file_is_imported_and_exported_through_commands(bench: Bench) -> None:
    from bot.core.commands import Invocation
    from bot.core.model import Attachment
    from tests.cogs.bench import TEACHER

    assert bench.app is not None
    example = (Path(__file__).parents[2] / "examples" / "lighthouse-mice.toml").read_text()
    example = example.replace("2027-02-01", "2027-03-01")
    registry = bench.app.registry
    command = registry.commands[("readaloud", "import")]
    reply = await bench.app.dispatcher.command(
        Invocation(command, TEACHER, ROOM, {"file": Attachment("plan.toml", example)})
    )
    assert reply.text.startswith('Imported "'), reply.text
    exported = await bench.type("!readaloud export")
    assert exported.attachment is not None and exported.attachment.filename.endswith(".toml")
    broken = Attachment("plan.toml", example.replace('time = "', 'time = "25:', 1))
    reply = await bench.app.dispatcher.command(Invocation(command, TEACHER, ROOM, {"file": broken}))
    assert "line" in reply.text and "Nothing was changed." in reply.text
    typed = await bench.type("!readaloud import")
    assert "Upload the file (plan.toml)" in typed.text
