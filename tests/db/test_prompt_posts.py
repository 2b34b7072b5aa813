"""Votes find their poll through its prompt-post row: written once with the poll's delivery
(also across a crash), and made by the migration for polls posted before there were rows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text

from bot.core.clock import FakeClock
from bot.core.dispatch import Chats
from bot.core.events import PollVoted
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.db.tables import Delivery, PromptPost, Vote
from bot.deliveries import Deliveries
from cogs.readaloud.answers import Answers
from cogs.readaloud.prompt_posts import posted_as

pytestmark = pytest.mark.asyncio(loop_scope="session")

THREAD = ChannelRef(Platform.MATRIX, "!room12", "$root")
AT = datetime(2027, 2, 1, 9, 5)  # how UTCDateTime stores it: naive UTC

ROWS = [
    "INSERT INTO classroom (id, platform, channel_id, name, timezone, policy, allowed_words, "
    "allowed_domains, retention_days, created_at) VALUES "
    "(1, 'matrix', '!room12', 'Room 12', 'UTC', '{}', '[]', '[]', 30, :at)",
    "INSERT INTO book (id, classroom_id, title, author, chapters, chapter_titles, characters) "
    "VALUES (1, 1, 'Wonder', '', 12, '[]', '[]')",
    "INSERT INTO plan (id, classroom_id, book_id, start_date, weekdays, time_of_day, "
    "chapters_per_session, dates, window_minutes, reminder_minutes, created_at) VALUES "
    "(1, 1, 1, '2027-02-01', 'mon', '09:00', 1, '[]', 60, 0, :at)",
    "INSERT INTO session (id, plan_id, classroom_id, number, starts_at, first_chapter, "
    "last_chapter, state, thread_id) VALUES (1, 1, 1, 1, :at, 1, 1, 'running', '$root')",
    "INSERT INTO prompt (id, book_id, chapter, kind, text, offset_minutes, options, char_limit) "
    "VALUES (7, 1, 1, 'poll', 'Would you pack?', 5, '[\"yes\", \"no\"]', 140)",
]
DELIVERIES = [
    ("session:1:announce", "$root"),
    ("session:1:prompt:7", "$poll"),
    ("session:9:prompt:7", "$gone"),  # a session deleted since
    ("flag:3:review", "$review"),
]


async def test_a_poll_posted_before_the_upgrade_still_counts_votes(database_url: str) -> None:
    engine = make_engine(database_url)
    await upgrade(engine, "0015")
    async with engine.begin() as conn:
        for statement in ROWS:
            await conn.execute(text(statement), {"at": AT})
        for key, message in DELIVERIES:
            await conn.execute(
                text(
                    "INSERT INTO delivery (key, platform, channel_id, message_id, state, "
                    "created_at, sent_at) VALUES (:key, 'matrix', '!room12', :m, 'sent', :at, :at)"
                ),
                {"key": key, "m": message, "at": AT},
            )
    await upgrade(engine)
    sm = make_sessionmaker(engine)
    async with sm() as db:
        posts = list(await db.scalars(select(PromptPost)))
        assert [(p.session_id, p.prompt_id, p.message_id, p.thread_id) for p in posts] == [
            (1, 7, "$poll", "$root")
        ]
        assert posts[0].posted_at == AT.replace(tzinfo=UTC)
        assert await db.scalar(select(func.count(Delivery.id))) == len(DELIVERIES)

    answers = Answers(sm, Chats(), FakeClock())
    ana = Actor(UserRef(Platform.MATRIX, "@ana:hs", "Ana"), Role.STUDENT)
    await answers.on_vote(PollVoted(MessageRef(THREAD, "$poll"), ana, 1))
    await answers.on_vote(PollVoted(MessageRef(THREAD, "$review"), ana, 0))  # no poll
    async with sm() as db:
        votes = [(v.session_id, v.prompt_id, v.option) for v in await db.scalars(select(Vote))]
    assert votes == [(1, 7, 1)]
    await engine.dispose()


async def test_the_same_message_id_on_another_platform_is_no_poll(
    migrated_database_url: str,
) -> None:
    engine = make_engine(migrated_database_url)
    sm = make_sessionmaker(engine)
    async with engine.begin() as conn:
        for statement in ROWS:
            await conn.execute(text(statement), {"at": AT})
    async with sm.begin() as db:
        db.add(
            PromptPost(
                session_id=1,
                prompt_id=7,
                platform="matrix",
                channel_id="!room12",
                message_id="42",
                posted_at=AT.replace(tzinfo=UTC),
            )
        )
    answers = Answers(sm, Chats(), FakeClock())
    elsewhere = ChannelRef(Platform.DISCORD, "12")
    bo = Actor(UserRef(Platform.DISCORD, "99", "Bo"), Role.STUDENT)
    await answers.on_vote(PollVoted(MessageRef(elsewhere, "42"), bo, 0))
    async with sm() as db:
        assert await db.scalar(select(func.count(Vote.id))) == 0
    await engine.dispose()


async def test_a_poll_posted_again_after_a_crash_is_one_prompt_post(
    migrated_database_url: str,
) -> None:
    engine = make_engine(migrated_database_url)
    sm = make_sessionmaker(engine)
    async with engine.begin() as conn:
        for statement in ROWS:
            await conn.execute(text(statement), {"at": AT})
    deliveries = Deliveries(sm, FakeClock(AT.replace(tzinfo=UTC)))
    also = posted_as(1, 7)
    tries: list[str] = []

    async def poll() -> MessageRef:
        tries.append("posted")
        if len(tries) == 1:
            raise ConnectionError("the bot went down before recording it")
        ref = MessageRef(THREAD, "$poll")
        await deliveries.record("session:1:prompt:7", THREAD, ref, also=also)  # options next
        return ref

    with pytest.raises(ConnectionError):
        await deliveries.once("session:1:prompt:7", THREAD, poll, also=also)
    async with sm() as db:
        assert await db.scalar(select(func.count(PromptPost.id))) == 0
    await deliveries.once("session:1:prompt:7", THREAD, poll, also=also)
    await deliveries.once("session:1:prompt:7", THREAD, poll, also=also)  # already sent
    assert tries == ["posted", "posted"]
    async with sm() as db:
        posts = [(p.message_id, p.thread_id) for p in await db.scalars(select(PromptPost))]
    assert posts == [("$poll", "$root")]
    await engine.dispose()
