"""A teacher imports a whole season from a file, and another class gets the same file back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main as cli
from bot.core.clock import FakeClock
from bot.core.errors import NotFound, UserError
from bot.db import audit
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.db.tables import AuditEvent, Book, Classroom, Entry, Plan, Prompt, Session, Vote
from cogs.readaloud.season import PromptSpec, Season, parse_season, render_season
from cogs.readaloud.season_store import SeasonStore

story = pytest.mark.asyncio(loop_scope="session")

EXAMPLE = Path(__file__).parents[2] / "examples" / "lighthouse-mice.toml"
AUCKLAND = "Pacific/Auckland"


@dataclass
class Room:
    """A class in Auckland with a season store and a count of schedule changes."""

    sm: async_sessionmaker[AsyncSession]
    clock: FakeClock
    store: SeasonStore
    class_id: int
    changes: list[int]


@pytest_asyncio.fixture(loop_scope="session")
async def room(migrated_database_url: str) -> AsyncIterator[Room]:
    engine = make_engine(migrated_database_url)
    await upgrade(engine)
    sm = make_sessionmaker(engine)
    clock = FakeClock(datetime(2027, 2, 1, 9, 0, tzinfo=UTC))
    async with sm.begin() as db:
        row = Classroom(
            platform="matrix", channel_id="!mice", timezone=AUCKLAND, created_at=clock.now()
        )
        db.add(row)
        await db.flush()
        class_id = row.id
    changes: list[int] = []
    store = SeasonStore(sm, clock, on_change=lambda: changes.append(1))
    yield Room(sm, clock, store, class_id, changes)
    await engine.dispose()


def example() -> Season:
    return parse_season(EXAMPLE.read_text(encoding="utf-8"))


async def snapshot(sm: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple[Any, ...]]]:
    """Every row that an import may touch, to show that a failed one changed nothing."""
    tables: dict[str, Any] = {
        "book": Book,
        "plan": Plan,
        "session": Session,
        "prompt": Prompt,
        "audit": AuditEvent,
        "entry": Entry,
        "vote": Vote,
    }
    out = {}
    async with sm() as db:
        for name, table in tables.items():
            rows = await db.scalars(select(table).order_by(table.id))
            out[name] = [tuple(getattr(r, c.key) for c in table.__table__.columns) for r in rows]
    return out


@story
async def test_a_teacher_imports_the_lighthouse_mice_season(room: Room) -> None:
    result = await room.store.import_season(room.class_id, example(), "@ms.rivera")

    assert result.book == "The Lighthouse Mice" and result.book_created
    assert (result.sessions, result.kept_sessions, result.prompts) == (12, 0, 6)
    assert result.timezone == AUCKLAND
    # Monday 1 March 2027, 09:30 in Auckland (daylight saving, UTC+13)
    assert result.first_session == datetime(2027, 2, 28, 20, 30, tzinfo=UTC)
    assert room.changes == [1]
    async with room.sm() as db:
        book = await db.scalar(select(Book))
        assert book is not None and book.author == "Ada Quill"
        assert book.chapter_titles[4] == "The Lamp Goes Dark"
        plan = await db.scalar(select(Plan))
        assert plan is not None
        assert (plan.weekdays, plan.time_of_day, plan.start_date) == (
            "mon,wed,fri",
            "09:30",
            date(2027, 3, 1),
        )
        assert (plan.window_minutes, plan.reminder_minutes, plan.dates) == (45, 10, [])
        sessions = list(await db.scalars(select(Session).order_by(Session.number)))
        assert [(s.first_chapter, s.last_chapter) for s in sessions][:2] == [(1, 1), (2, 2)]
        assert all(s.state == "planned" for s in sessions)
        poll = await db.scalar(select(Prompt).where(Prompt.kind == "poll"))
        assert poll is not None and poll.chapter == 3 and len(poll.options) == 3
        event = await db.scalar(select(AuditEvent))
        assert event is not None and event.action == "season.import"
        assert event.actor_id == "@ms.rivera" and event.detail["sessions"] == 12


@pytest.mark.parametrize("source", ["example", "dates"])
@story
async def test_an_exported_season_is_the_file_that_was_imported(room: Room, source: str) -> None:
    season = example()
    if source == "dates":
        plan = replace(
            season.plan,
            start=None,
            weekdays=(),
            dates=tuple(date(2027, 3, d) for d in range(1, 25, 4)),
            chapters_per_session=2,
        )
        season = replace(season, plan=plan)
    text = render_season(season)

    await room.store.import_season(room.class_id, parse_season(text), "@ms.rivera")
    exported = render_season(await room.store.export_season(room.class_id))

    assert exported == text
    named = await room.store.export_season(room.class_id, "THE LIGHTHOUSE MICE")
    assert render_season(named) == text


@story
async def test_a_start_in_the_past_is_refused_and_nothing_changes(room: Room) -> None:
    await room.store.import_season(room.class_id, example(), "@ms.rivera")
    before = await snapshot(room.sm)
    late = replace(example(), plan=replace(example().plan, start=date(2027, 1, 25)))

    with pytest.raises(UserError) as caught:
        await room.store.import_season(room.class_id, late, "@ms.rivera")

    assert caught.value.message.startswith(
        "plan.start begins on 2027-01-25, which is in the past in Pacific/Auckland "
        "(today is 2027-02-01)"
    )
    assert await snapshot(room.sm) == before
    assert room.changes == [1]


@story
async def test_a_session_later_today_is_fine_but_one_already_begun_is_not(room: Room) -> None:
    # 09:00 UTC on 1 Feb is 22:00 on Monday 1 Feb in Auckland
    today = replace(example().plan, start=date(2027, 2, 1), weekdays=("mon",))
    with pytest.raises(UserError, match="has already begun"):
        await room.store.import_season(room.class_id, replace(example(), plan=today), "@t")
    later = replace(today, at=time(22, 30))
    result = await room.store.import_season(room.class_id, replace(example(), plan=later), "@t")
    assert result.first_session == datetime(2027, 2, 1, 9, 30, tzinfo=UTC)


@story
async def test_an_import_failing_half_way_changes_nothing(
    room: Room, monkeypatch: pytest.MonkeyPatch
) -> None:
    await room.store.import_season(room.class_id, example(), "@ms.rivera")
    before = await snapshot(room.sm)

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(audit, "record", broken)  # every row is written before the audit
    changed = replace(example(), prompts=(PromptSpec(2, "Where is Pip?"),))
    with pytest.raises(RuntimeError):
        await room.store.import_season(room.class_id, changed, "@ms.rivera")

    assert await snapshot(room.sm) == before
    assert room.changes == [1]


@story
async def test_reimport_replaces_planned_sessions_and_keeps_posted_ones(room: Room) -> None:
    await room.store.import_season(room.class_id, example(), "@ms.rivera")
    async with room.sm.begin() as db:
        first, second = (await db.scalars(select(Session).order_by(Session.number).limit(2))).all()
        first.state, second.state = "done", "running"
        question = await db.scalar(select(Prompt).where(Prompt.kind == "prediction"))
        poll = await db.scalar(select(Prompt).where(Prompt.kind == "poll"))
        assert question is not None and poll is not None
        db.add(Entry(session_id=first.id, prompt_id=question.id, user_id="@kiri",
                     user_name="Kiri", text="They save a ship", at=room.clock.now()))  # fmt: skip
        db.add(Vote(session_id=first.id, prompt_id=poll.id, user_id="@sam", option=0,
                    at=room.clock.now()))  # fmt: skip
        posted = [(s.id, s.starts_at, s.state) for s in (first, second)]

    # the poll is reworded and the season moves to start a week later
    season = example()
    prompts = tuple(
        replace(p, text="Should Pip tell the keeper now?") if p.kind == "poll" else p
        for p in season.prompts
    )
    season = replace(season, plan=replace(season.plan, start=date(2027, 3, 8)), prompts=prompts)
    result = await room.store.import_season(room.class_id, season, "@ms.rivera")

    assert (result.sessions, result.kept_sessions, result.prompts) == (12, 2, 6)
    assert result.answers_removed == 1  # the vote on the old poll wording
    assert not result.book_created
    async with room.sm() as db:
        rows = list(await db.scalars(select(Session).order_by(Session.id)))
        assert [(s.id, s.starts_at, s.state) for s in rows[:2]] == posted
        assert len(rows) == 14 and all(s.state == "planned" for s in rows[2:])
        assert rows[2].starts_at == datetime(2027, 3, 7, 20, 30, tzinfo=UTC)
        assert (await db.scalar(select(Entry))) is not None  # the prediction was unchanged
        assert (await db.scalar(select(Vote))) is None
        assert len((await db.scalars(select(Book))).all()) == 1
    assert render_season(await room.store.export_season(room.class_id)) == render_season(season)
    assert room.changes == [1, 1]


@story
async def test_the_same_book_in_other_letters_is_updated_not_added(room: Room) -> None:
    await room.store.import_season(room.class_id, example(), "@ms.rivera")
    season = example()
    renamed = replace(season, book=replace(season.book, title="the lighthouse MICE", chapters=10))
    renamed = replace(renamed, book=replace(renamed.book, chapter_titles=()))
    renamed = replace(renamed, prompts=tuple(p for p in season.prompts if p.chapter <= 10))

    result = await room.store.import_season(room.class_id, renamed, "@ms.rivera")

    assert not result.book_created and result.sessions == 10
    async with room.sm() as db:
        books = (await db.scalars(select(Book))).all()
        assert [(b.title, b.chapters) for b in books] == [("the lighthouse MICE", 10)]


@story
async def test_unknown_classes_and_books_are_named_in_the_answer(room: Room) -> None:
    with pytest.raises(NotFound, match="no book yet"):
        await room.store.export_season(room.class_id)
    with pytest.raises(NotFound, match="There is no class 999"):
        await room.store.import_season(999, example(), "@ms.rivera")
    await room.store.import_season(room.class_id, example(), "@ms.rivera")
    with pytest.raises(NotFound, match='This class has: "The Lighthouse Mice"'):
        await room.store.export_season(room.class_id, "Charlotte's Web")


def test_the_command_line_imports_and_exports_a_season(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(f'[bot]\ndatabase_url = "sqlite:///{tmp_path / "ra.db"}"\n')

    async def make_class() -> None:
        engine = make_engine(f"sqlite:///{tmp_path / 'ra.db'}")
        await upgrade(engine)
        async with make_sessionmaker(engine).begin() as db:
            db.add(Classroom(platform="matrix", channel_id="!c", created_at=datetime.now(UTC)))
        await engine.dispose()

    asyncio.run(make_class())
    # the command line runs on the real clock: start a month from today
    soon = replace(example().plan, start=date.today() + timedelta(days=30))
    text = render_season(replace(example(), plan=soon))
    good = tmp_path / "mice.toml"
    good.write_text(text, encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('time = "09:30"', 'time = "9:30pm"'), encoding="utf-8")
    out = tmp_path / "out.toml"

    assert cli(["plan", "import", str(bad), "--class", "1", "--config", str(config)]) == 2
    assert 'bad.toml line 31: plan.time = "9:30pm": must look like' in capsys.readouterr().err
    assert cli(["plan", "export", "--class", "1", "--config", str(config)]) == 2
    assert "no book yet" in capsys.readouterr().err

    assert cli(["plan", "import", str(good), "--class", "1", "--config", str(config)]) == 0
    assert "12 sessions planned" in capsys.readouterr().out
    argv = ["plan", "export", "--class", "1", "--book", "the lighthouse mice", "--out", str(out)]
    assert cli([*argv, "--config", str(config)]) == 0
    assert out.read_text(encoding="utf-8") == text
