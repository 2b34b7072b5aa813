"""A whole read-aloud session, step by step under a fake clock, with every prompt kind."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import pytest_asyncio

from tests.cogs.bench import ROOM, TEACHER, Bench, OpenBench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

# Monday 1 February 2027, 09:30 in Auckland (UTC+13 in summer)
START = datetime(2027, 1, 31, 20, 30, tzinfo=UTC)
AROHA, BEN = student("Aroha"), student("Ben")


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    b = await open_bench(START - timedelta(days=3))
    await b.type('!readaloud book "The Lighthouse Mice" chapters=4')
    await b.type("!readaloud plan 2027-02-01 mon,wed 09:30 per=2 window=45 reminder=15")
    await b.type("!readaloud prompt 1 What would you pack?")
    await b.type("!readaloud prompt 1 Tell chapter 1 in a tweet. kind=summary offset=5 limit=40")
    await b.type("!readaloud prompt 2 What will the mice find? kind=prediction offset=10")
    await b.type("!readaloud prompt 2 Who is bravest? | Mouse | Keeper kind=poll offset=15")
    await b.type("!readaloud prompt 1 Are lighthouses lonely? | Yes | No kind=opinion offset=20")
    for s in (AROHA, BEN):
        await b.type(f"!mod trust {s.user.id}")
    return b


async def test_every_step_of_a_session_happens_once_at_its_time(bench: Bench) -> None:
    chat = bench.chat
    assert await bench.at(START - timedelta(minutes=15)) == 1
    assert chat.texts() == [
        '⏰ Read-aloud in 15 minutes: "The Lighthouse Mice", chapters 1–2. Get comfy!'
    ]

    await bench.at(START)
    announcement = chat.posts[1]
    assert announcement.text.startswith("📖 Read-aloud time!") and announcement.channel == ROOM
    thread = ROOM.in_thread(announcement.id)
    assert chat.posts[2].channel == thread and "What would you pack?" in chat.posts[2].text

    await bench.at(START + timedelta(minutes=5))
    assert "Summary challenge (40 characters or fewer)" in chat.texts()[-1]
    await bench.say(AROHA, "Mice move into a lighthouse and meet a keeper who is kind", thread)
    await bench.say(BEN, "Mice find a new home.", thread)
    feedback = [p for p in chat.posts if p.action == "tell"]
    assert "57 characters — 17 over the 40 limit" in feedback[0].text
    assert "21 characters — within the 40 limit" in feedback[1].text

    await bench.at(START + timedelta(minutes=10))
    await bench.say(BEN, "They will find a secret map", thread)
    assert "prediction is saved" in chat.texts("tell")[-1]

    await bench.at(START + timedelta(minutes=20))
    polls = [p for p in chat.posts if p.action == "poll"]
    assert [p.options for p in polls] == [["Mouse", "Keeper"], ["Yes", "No"]]
    await bench.react(AROHA, thread, polls[0].id, "2️⃣")
    await bench.react(BEN, thread, polls[0].id, "1️⃣")
    await bench.react(BEN, thread, polls[0].id, "2️⃣")  # changed their mind: the last vote counts

    await bench.at(START + timedelta(minutes=45))
    results = [t for t in chat.texts() if t.startswith("📊 Results — Who is bravest?")]
    assert results == ["📊 Results — Who is bravest?\n1️⃣ Mouse: 0\n2️⃣ Keeper: 2\nThanks for voting!"]
    assert chat.posts[-2].action == "close"
    digest = chat.posts[-1]
    assert digest.channel.id == "!room12-teachers"
    assert "2 students wrote 3 messages" in digest.text
    assert "Ben (21 chars): Mice find a new home." in digest.text

    late = await bench.say(AROHA, "I loved it!", thread)
    assert [p for p in chat.posts if p.action == "hide"][-1].id == late  # held after the close

    # the next session reveals the predictions; the last one repeats the opinion poll
    await bench.at(datetime(2027, 2, 2, 20, 30, tzinfo=UTC))
    assert "• Ben: They will find a secret map" in chat.texts()[-1]
    await bench.at(datetime(2027, 2, 2, 20, 50, tzinfo=UTC))
    assert "Now that we've finished the book: Are lighthouses lonely?" in chat.texts("poll")[-1]
    keys = [p.key for p in chat.posts if p.key]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    "crash_on", ["reminder", "announce", "prompt", "results", "close", "digest"]
)
async def test_a_crash_at_any_step_then_a_restart_posts_everything_exactly_once(
    open_bench: OpenBench, crash_on: str
) -> None:
    bench = await open_bench(START - timedelta(days=3))
    await bench.type('!readaloud book "Wonder" chapters=2')
    await bench.type("!readaloud plan 2027-02-01 mon 09:30 per=2 window=30 reminder=10")
    await bench.type("!readaloud prompt 1 Favourite part? | Start | End kind=poll offset=5")
    bench.chat.crash_on = crash_on
    for minutes in (-10, 0, 5, 30):
        bench.clock.set(START + timedelta(minutes=minutes))
        await bench.at(bench.clock.now())  # a crash is retried by the timer, as in production
        await bench.restart()
        await bench.at(bench.clock.now())
    kinds = [(p.key or "").split(":")[2] for p in bench.chat.posts]
    assert kinds == ["reminder", "announce", "prompt", "results", "close", "digest"]


async def test_a_session_missed_while_offline_is_posted_late_or_reported(
    open_bench: OpenBench,
) -> None:
    bench = await open_bench(START - timedelta(days=3))
    await bench.type('!readaloud book "Wonder" chapters=2')
    await bench.type("!readaloud plan 2027-02-01 mon,wed 09:30")
    await bench.at(START + timedelta(minutes=30))  # down for half an hour: posted, marked late
    assert "Posted a little late" in bench.chat.texts()[0]
    await bench.at(START + timedelta(days=2, hours=3))  # down for 3 hours: the teacher is told
    assert "was missed while I was offline" in bench.chat.texts()[-1]
    assert "readaloud now 2" in bench.chat.texts()[-1]
    reply = await bench.type("!readaloud now 2", TEACHER)
    assert reply.text == "Posting session 2 now."
    await bench.at(bench.clock.now())
    assert "chapter 2 (session 2)" in bench.chat.texts()[-1]
