"""The classroom stories, told once and checked on Matrix and on Discord."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.asyncio(loop_scope="session")


def clock_of(story: Any) -> Any:
    return story.cls.clock if story.name == "matrix" else story.d.clock


async def test_a_teacher_plans_a_book_and_the_session_posts_itself(story: Any) -> None:
    first = (clock_of(story).now() + timedelta(hours=2)).astimezone(ZoneInfo("Pacific/Auckland"))
    added = await story.teacher(
        "readaloud book", title="The Lighthouse Mice", chapters=4, expect="Added"
    )
    assert 'Added "The Lighthouse Mice"' in added
    calendar = await story.teacher(
        "readaloud plan",
        start=f"{first:%Y-%m-%d}",
        days="mon,tue,wed,thu,fri,sat,sun",
        time=f"{first:%H:%M}",
        per=2,
        expect="calendar",
    )
    assert "chapters 1–2" in calendar and "chapters 3–4" in calendar
    await story.teacher("readaloud prompt", chapter=1, text="What would you pack?", expect="Prompt")

    await story.at(first.replace(second=0, microsecond=0) + timedelta(seconds=1))

    assert "chapters 1–2 (session 1)" in await story.class_post("Read-aloud time!")
    assert "What would you pack?" in await story.class_post("What would you pack?")


async def test_a_new_students_message_is_held_and_the_teacher_approves_it(story: Any) -> None:
    said = await story.student_says("aroha", "I think the keeper was lonely")

    assert await story.hidden(said)
    told = await story.notice_to("aroha", "waiting for your teacher")
    assert "lonely" not in told
    review = await story.review("I think the keeper was lonely")
    await story.approve(review)
    assert await story.reposted("aroha", "I think the keeper was lonely")


async def test_a_rude_message_is_rejected_and_the_student_told_why(story: Any) -> None:
    said = await story.student_says("ben", "you are an idiot")

    assert await story.hidden(said)
    review = await story.review("you are an idiot")
    await story.reject(review, "Please use kind words.")
    told = await story.notice_to("ben", "decided not to share")
    assert "Please use kind words." in told and "idiot" not in told


async def test_a_student_is_refused_a_teacher_command_with_a_clear_message(story: Any) -> None:
    answer = await story.student_command(
        "aroha", "readaloud plan", start="2027-02-01", days="mon", time="09:00"
    )
    assert "Only your teacher can use" in answer and "readaloud plan" in answer


async def test_a_restart_between_hold_and_decision_loses_nothing(story: Any) -> None:
    await story.student_says("aroha", "Can we read another chapter tomorrow?")
    review = await story.review("Can we read another chapter tomorrow?")

    await story.restart()
    await story.approve(review)

    assert await story.reposted("aroha", "Can we read another chapter tomorrow?")


async def test_a_full_session_with_every_prompt_kind(story: Any) -> None:
    for who in ("aroha", "ben"):
        await story.trust(who)
    first = (clock_of(story).now() + timedelta(hours=2)).astimezone(ZoneInfo("Pacific/Auckland"))
    start = first.replace(second=0, microsecond=0)
    await story.teacher("readaloud book", title="Wonder", chapters=1, expect="Added")
    await story.teacher(
        "readaloud plan",
        start=f"{first:%Y-%m-%d}",
        days="mon,tue,wed,thu,fri,sat,sun",
        time=f"{first:%H:%M}",
        window=30,
        expect="calendar",
    )
    prompts = [
        {"text": "Who would you sit with at lunch?"},
        {"text": "Chapter 1 in a tweet", "kind": "summary", "offset": 1, "limit": 40},
        {"text": "What will happen at school?", "kind": "prediction", "offset": 2},
        {"text": "Bravest? | Auggie | Via", "kind": "poll", "offset": 3},
        {"text": "Is kindness a choice? | Yes | No", "kind": "opinion", "offset": 4},
    ]
    for p in prompts:
        await story.teacher("readaloud prompt", chapter=1, expect="Prompt", **p)

    await story.at(start + timedelta(seconds=1))
    await story.session_thread()
    assert "Let's discuss" in await story.thread_post("Who would you sit with at lunch?")

    await story.at(start + timedelta(minutes=1, seconds=1))
    assert "40 characters or fewer" in await story.thread_post("Chapter 1 in a tweet")
    await story.says_in_thread("aroha", "Auggie starts school and finds a real friend")
    told = await story.notice_to("aroha", "characters —")
    assert "44 characters — 4 over the 40 limit" in told

    await story.at(start + timedelta(minutes=2, seconds=1))
    await story.thread_post("What will happen at school?")
    await story.says_in_thread("ben", "Jack will be his friend")
    assert "prediction is saved" in await story.notice_to("ben", "prediction is saved")

    await story.at(start + timedelta(minutes=3, seconds=1))
    await story.thread_post("Bravest?")
    await story.vote("aroha", 1)
    await story.vote("ben", 1)
    await story.at(start + timedelta(minutes=4, seconds=1))
    await story.thread_post("Is kindness a choice?")

    await story.at(start + timedelta(minutes=30, seconds=1))
    assert "Auggie: 2" in await story.thread_post("Results — Bravest?")
    digest = await story.teacher_channel_post("Digest")
    assert "Aroha" in digest and "Ben" in digest and "Summary challenge entries" in digest


async def test_a_message_starting_with_a_bang_that_is_no_command_waits_like_any_other(
    story: Any,
) -> None:
    said = await story.student_says("aroha", "!hello everyone, I finished the book")

    assert await story.hidden(said)
    review = await story.review("!hello everyone, I finished the book")
    await story.approve(review)
    assert await story.reposted("aroha", "!hello everyone, I finished the book")


async def test_a_students_picture_is_held_shown_to_the_teacher_and_reposted(story: Any) -> None:
    picture = b"\x89PNG\r\n\x1a\n an owl reading a book" + bytes(range(64))
    await story.trust("aroha")  # her words alone would pass: the picture is what waits
    said = await story.student_shares_picture("aroha", "look at my owl!", "owl.png", picture)

    assert await story.hidden(said)
    review = await story.review("look at my owl!")
    assert await story.picture_with_review(review) == picture
    await story.approve(review)
    assert await story.reposted_picture("aroha") == picture


async def test_a_question_for_the_guest_author_is_checked_sent_without_names_and_answered(
    story: Any,
) -> None:
    """`ask` → the teacher's ✅ → the author reads it without the student's name or account
    → the author replies → the answer waits for the teacher's ✅ → the class reads it."""
    await story.teacher(
        "author profile", name="Room 12", region="Wellington, NZ", expect="see this class"
    )
    first = (clock_of(story).now() + timedelta(hours=2)).astimezone(ZoneInfo("Pacific/Auckland"))
    await story.teacher("readaloud book", title="The Lighthouse Mice", chapters=4, expect="Added")
    await story.teacher(
        "readaloud plan",
        start=f"{first:%Y-%m-%d}",
        days="mon,tue,wed,thu,fri,sat,sun",
        time=f"{first:%H:%M}",
        per=2,
        expect="calendar",
    )
    await story.at(first.replace(second=0, microsecond=0) + timedelta(seconds=1))
    await story.session_thread()
    code = await story.invite_author("Jo Lee", "The Lighthouse Mice")
    assert "Welcome, Jo Lee!" in await story.author_joins(code)

    asked = await story.student_command(
        "aroha", "ask", question="Hi I'm Aroha! Why did the keeper live alone?"
    )
    assert "waiting for your teacher" in asked
    review = await story.review("Why did the keeper live alone?")
    await story.approve(review)
    question = await story.author_message("📬 Question")
    assert "from Room 12 (Wellington, NZ), “The Lighthouse Mice”, read up to chapter 2" in question
    assert "Why did the keeper live alone?" in question
    assert "now with Jo Lee" in await story.notice_to("aroha", "now with Jo Lee")

    thanks = await story.author_replies("The keeper loved the quiet of the sea.")
    assert "on its way to 1 class" in thanks and "Teachers look at guest answers" in thanks
    assert await story.not_in_class("The keeper loved the quiet"), "it waits for the teacher"
    await story.approve(await story.review("The keeper loved the quiet of the sea."))
    assert await story.thread_post("✉️ Jo Lee answered") == (
        "✉️ Jo Lee answered our class's question from chapter 2:\n"
        "> Hi I'm Aroha! Why did the keeper live alone?\n"
        "The keeper loved the quiet of the sea."
    )

    seen = await story.author_saw()
    assert [t for t in seen if "📬 Question" in t] == [question]
    for handle in story.identity("aroha"):
        assert not [t for t in seen if handle.casefold() in t.casefold()], (handle, seen)
