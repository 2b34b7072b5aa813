"""A new student floods the class: the teacher gets one review that keeps itself up to date,
the student one notice, and every message still waits in the queue as its own flag."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.core.model import ChannelRef
from tests.cogs.bench import ROOM, TEACHER, Bench, student
from tests.recording_chat import Posted

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
MAIA, NOA = student("Maia"), student("Noa")


async def flood(bench: Bench, count: int, start: int = 0, who: object = MAIA) -> None:
    """`count` short messages, half a second apart (the first student is new)."""
    for i in range(start, start + count):
        await bench.say(who, f"hi {i}")  # type: ignore[arg-type]
        bench.clock.advance(timedelta(seconds=0.5))


def reviews(bench: Bench) -> list[Posted]:
    return [p for p in bench.chat.posts if p.action == "review" and p.channel == TEACHERS]


def told(bench: Bench, who: object = MAIA) -> list[str]:
    return [p.text for p in bench.chat.posts if p.action == "tell" and p.to == who.user.id]  # type: ignore[attr-defined]


def reposts(bench: Bench) -> list[str]:
    return [p.text for p in bench.chat.posts if p.action == "repost"]


def teacher_room_posts(bench: Bench) -> list[Posted]:
    return [p for p in bench.chat.posts if p.channel == TEACHERS and p.action != "edit"]


def numbers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"#(\d+)", text)]


async def test_200_messages_from_a_new_student_make_one_review_and_one_notice(
    bench: Bench,
) -> None:
    await flood(bench, 200)

    (review,) = reviews(bench)
    assert teacher_room_posts(bench) == [review], "nothing else piles up in the teacher room"
    shown = bench.chat.shown(review.id)
    assert shown.startswith("Held 200 messages from Maia (@maia:school)")
    assert "Waiting (200)" in shown and "“hi 0”" in shown and "… and 188 more waiting" in shown
    assert "React ✅ to approve all 200 waiting" in shown
    edits = [p for p in bench.chat.posts if p.action == "edit" and p.id == review.id]
    assert 1 <= len(edits) <= 199, "updated in place"
    (notice,) = told(bench)
    assert "waiting for your teacher" in notice
    assert len([p for p in bench.chat.posts if p.action == "hide"]) == 200, "all hidden"

    queue = await bench.type("!mod queue", where=TEACHERS)
    assert queue.text.startswith("200 waiting, oldest first:")
    assert [line.split(" · ")[3] for line in queue.text.splitlines()[1:4]] == [
        "“hi 0” — new student: their messages wait for you until you trust them (mod trust)",
        "“hi 1” — new student: their messages wait for you until you trust them (mod trust)",
        "“hi 2” — new student: their messages wait for you until you trust them (mod trust)",
    ]


async def test_a_restart_halfway_through_a_flood_keeps_it_one_review(bench: Bench) -> None:
    await flood(bench, 50)
    bench.chat.crash_on = "edit"  # the bot dies while updating the review in place
    await flood(bench, 1, start=50)
    await bench.restart()
    await flood(bench, 49, start=51)

    (review,) = reviews(bench)
    shown = bench.chat.shown(review.id)
    assert shown.startswith("Held 100 messages from Maia") and "Waiting (100)" in shown
    assert len(told(bench)) == 1
    keys = [p.key for p in bench.chat.posts if p.key]
    assert len(keys) == len(set(keys)), "nothing was posted twice"
    queue = await bench.type("!mod queue", where=TEACHERS)
    assert queue.text.startswith("100 waiting")


async def test_approve_all_reposts_every_message_in_the_order_it_was_sent(bench: Bench) -> None:
    await flood(bench, 30)
    (review,) = reviews(bench)

    await bench.react(TEACHER, TEACHERS, review.id, "✅")

    assert reposts(bench) == [f"hi {i}" for i in range(30)]
    shown = bench.chat.shown(review.id)
    assert "Nothing is waiting here any more." in shown
    first, last = numbers(shown.split("Waiting")[0])[0], numbers(shown)[-1]
    assert f"✅ Approved: #{first}–#{last} by Ms Rivera" in shown
    assert "React" not in shown, "no controls are offered for what is decided"
    assert teacher_room_posts(bench) == [review], "one review, no 30 'Approved' notices"
    queue = await bench.type("!mod queue", where=TEACHERS)
    assert queue.text == "Nothing is waiting for you. 🎉"


async def test_one_typed_approval_decides_one_and_the_review_shows_what_is_left(
    bench: Bench,
) -> None:
    await flood(bench, 5)
    (review,) = reviews(bench)
    flags = numbers(bench.chat.shown(review.id).split("\n")[2])  # the "Waiting" line
    assert len(flags) == 2 and flags[1] - flags[0] == 4  # "#a–#e"
    third = flags[0] + 2

    answer = await bench.type(f"!mod approve {third}", where=TEACHERS)

    assert answer.text == ""  # one confirmation: the combined review shows the decision
    assert reposts(bench) == ["hi 2"]
    shown = bench.chat.shown(review.id)
    assert f"Waiting (4): #{flags[0]}–#{third - 1}, #{third + 1}–#{flags[1]}" in shown
    assert f"✅ Approved: #{third} by Ms Rivera" in shown

    await bench.react(TEACHER, TEACHERS, review.id, "❌")  # the rest, at once

    assert reposts(bench) == ["hi 2"]
    assert f"❌ Rejected: #{flags[0]}–#{third - 1}, #{third + 1}–#{flags[1]}" in (
        bench.chat.shown(review.id)
    )
    _held, rejected = told(bench)
    assert "decided not to share 4 of your messages" in rejected
    again = await bench.type(f"!mod reject-all {flags[0]}", where=TEACHERS)
    assert "is waiting any more" in again.text


async def test_a_message_that_joined_after_the_last_edit_is_never_decided_unseen(
    bench: Bench,
) -> None:
    assert bench.app is not None
    await flood(bench, 3)
    (review,) = reviews(bench)
    bench.chat.crash_on = "edit"  # the fourth message is held, but the review misses it
    await flood(bench, 1, start=3)
    assert "Waiting (3)" in bench.chat.shown(review.id)

    await bench.react(TEACHER, TEACHERS, review.id, "✅")

    assert reposts(bench) == ["hi 0", "hi 1", "hi 2"], "only what the teacher saw"
    await bench.app.services.moderation.resume()  # the regular retry
    shown = bench.chat.shown(review.id)
    assert "Waiting (1)" in shown and "“hi 3”" in shown
    queue = await bench.type("!mod queue", where=TEACHERS)
    assert queue.text.startswith("1 waiting") and "“hi 3”" in queue.text


async def test_a_review_that_cannot_be_edited_is_posted_again_with_everything(
    bench: Bench,
) -> None:
    await flood(bench, 2)
    bench.chat.edit_refused = "M_NOT_FOUND: a teacher deleted the review"
    await flood(bench, 1, start=2)

    first, again = reviews(bench)
    assert bench.chat.shown(first.id).startswith("Held 2 messages from Maia")
    assert bench.chat.shown(again.id).startswith("Held 3 messages from Maia")
    await bench.react(TEACHER, TEACHERS, again.id, "✅")
    assert reposts(bench) == ["hi 0", "hi 1", "hi 2"]


async def test_self_harm_in_a_flood_gets_its_own_review_and_alert_at_once(bench: Bench) -> None:
    await bench.type("!class safeguarding @lead:school", where=TEACHERS)
    await flood(bench, 4)
    await bench.say(MAIA, "i want to kill myself")
    await flood(bench, 2, start=4)

    combined, own = reviews(bench)
    assert "i want to kill myself" in own.text and "Held 6 messages" in (
        bench.chat.shown(combined.id)
    )
    alerts = [p for p in bench.chat.posts if "may be about self-harm" in p.text]
    assert len(alerts) == 1 and alerts[0].channel == TEACHERS
    posted = bench.chat.posts
    assert posted.index(alerts[0]) < posted.index(
        next(p for p in posted if p.action == "hide" and p.id == "$s6")
    ), "the alert came before the flood went on"

    await bench.react(TEACHER, TEACHERS, combined.id, "✅")
    assert "i want to kill myself" not in reposts(bench), "never approved with the flood"


async def test_messages_after_a_quiet_spell_or_from_another_student_get_their_own_review(
    bench: Bench,
) -> None:
    await flood(bench, 2)
    await flood(bench, 2, who=NOA)
    bench.clock.advance(timedelta(minutes=3))
    await flood(bench, 1, start=2)

    assert len(reviews(bench)) == 3
    assert len(told(bench, MAIA)) == 2 and len(told(bench, NOA)) == 1
    texts = [bench.chat.shown(r.id) for r in reviews(bench)]
    assert texts[0].startswith("Held 2 messages from Maia")
    assert texts[1].startswith("Held 2 messages from Noa")
    assert texts[2].startswith("Held #") and "hi 2" in texts[2]
