"""A teacher's screening rules at work: trust, links, allow-lists, escalation, history."""

from __future__ import annotations

from datetime import timedelta

import pytest
import pytest_asyncio

from tests.cogs.bench import ROOM, Bench, OpenBench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ROOM.room.__class__(ROOM.platform, ROOM.id + "-teachers")
MAIA, NOA = student("Maia"), student("Noa")


@pytest_asyncio.fixture(loop_scope="session")
async def bench(open_bench: OpenBench) -> Bench:
    b = await open_bench()
    await b.type(f"!mod trust {MAIA.user.id} member")
    await b.type(f"!mod trust {NOA.user.id}")
    return b


def last(bench: Bench, action: str) -> str:
    return [p.text for p in bench.chat.posts if p.action == action][-1]


def hidden(bench: Bench) -> list[str]:
    return [p.id for p in bench.chat.posts if p.action == "hide"]


async def test_links_are_held_for_members_flagged_for_trusted_and_allowed_by_domain(
    bench: Bench,
) -> None:
    held = await bench.say(MAIA, "look at https://www.bbc.co.uk/newsround")
    assert held in hidden(bench) and "Held #" in last(bench, "review")
    shown = await bench.say(NOA, "look at https://www.bbc.co.uk/newsround")
    assert shown not in hidden(bench) and "Flagged (still visible)" in last(bench, "review")

    reply = await bench.type("!mod allow domain https://www.BBC.co.uk/anything")
    assert reply.text == "This class now allows the domain “bbc.co.uk”."
    allowed = await bench.say(MAIA, "look at https://www.bbc.co.uk/newsround")
    assert allowed not in hidden(bench)


async def test_a_class_rule_changes_what_happens_and_self_harm_cannot_be_turned_down(
    bench: Bench,
) -> None:
    await bench.type("!mod rules link flag")
    shown = await bench.say(MAIA, "see https://example.org")
    assert shown not in hidden(bench)
    rules = await bench.type("!mod rules")
    assert "• link: flag (changed for this class)" in rules.text
    refused = await bench.type("!mod rules selfharm allow")
    assert "always held" in refused.text


async def test_self_harm_is_held_and_the_safeguarding_lead_is_named(bench: Bench) -> None:
    await bench.type("!class safeguarding @lead:school")
    said = await bench.say(NOA, "i want to kill myself")
    assert said in hidden(bench)
    alert = [p for p in bench.chat.posts if "may be about self-harm" in p.text]
    assert len(alert) == 1 and alert[0].channel == TEACHERS
    assert "Safeguarding lead, please look at this." in alert[0].text


async def test_grooming_words_are_held_and_escalated_and_cannot_be_turned_down(
    bench: Bench,
) -> None:
    await bench.type("!class safeguarding @lead:school")
    said = await bench.say(NOA, "which school do you go to? dm me, our little secret")
    assert said in hidden(bench), "even a trusted student's message waits"
    assert "Possible grooming" in last(bench, "review")
    (alert,) = [p for p in bench.chat.posts if p.channel == TEACHERS and "⚠️" in p.text]
    assert "Noa's message reads like grooming" not in alert.text  # secrecy: self-harm wording
    assert "Please check on Noa today" in alert.text
    private = await bench.say(NOA, "what's your snapchat? dm me")
    assert private in hidden(bench)
    alerts = [p.text for p in bench.chat.posts if p.channel == TEACHERS and "⚠️" in p.text]
    assert "Noa's message reads like grooming" in alerts[-1]
    assert "Safeguarding lead, please look at this." in alerts[-1]
    assert "always held" in (await bench.type("!mod rules grooming allow")).text
    assert (
        "• grooming: hold (always; the safeguarding lead is told)"
        in (await bench.type("!mod rules")).text
    )
    shown = await bench.say(NOA, "I went to school in Ohio once, like the author!")
    assert shown not in hidden(bench)


async def test_a_message_the_bot_cannot_remove_still_reaches_the_teacher_and_is_retried(
    bench: Bench,
) -> None:
    assert bench.app is not None
    bench.chat.hide_refused = "M_FORBIDDEN: the bot needs power level 50"
    said = await bench.say(NOA, "nobody would care if i was dead, i want to die")
    assert said not in hidden(bench)
    posts = [p for p in bench.chat.posts if p.channel == TEACHERS]
    assert any("may be about self-harm" in p.text for p in posts), "the alert is not blocked"
    assert any(p.action == "review" and "Held #" in p.text for p in posts)
    (warning,) = [p for p in posts if "could not remove" in p.text]
    assert "power level 50" in warning.text and "the class can still see it" in warning.text

    await bench.app.services.moderation.resume()  # still refused: told only once
    assert len([p for p in bench.chat.posts if "could not remove" in p.text]) == 1
    bench.chat.hide_refused = ""
    assert await bench.app.services.moderation.resume() >= 1  # the regular retry
    assert said in hidden(bench)
    assert await bench.app.services.moderation.resume() == 0, "settled now"


async def test_a_class_room_with_one_student_is_still_screened(bench: Bench) -> None:
    from bot.core.events import DirectMessage
    from bot.core.model import MessageRef

    assert bench.app is not None
    # the platform sees the bot and one student alone and calls it one-to-one
    event = DirectMessage(MessageRef(ROOM, "$alone"), MAIA, "you are an idiot")
    await bench.app.dispatcher.event(bench.chat, event)  # type: ignore[arg-type]
    assert "$alone" in hidden(bench) and "idiot" in last(bench, "review")


async def test_a_picture_waits_for_the_teacher_who_sees_it_and_approves_it(bench: Bench) -> None:
    from bot.core.events import MessagePosted
    from bot.core.model import Media, MessageRef

    assert bench.app is not None
    photo = Media("image", "me-at-the-beach.jpg", "original")
    event = MessagePosted(MessageRef(ROOM, "$pic"), NOA, "look!", media=(photo,))
    await bench.app.dispatcher.event(bench.chat, event)  # type: ignore[arg-type]
    assert "$pic" in hidden(bench), "even a trusted student's picture waits"
    (review,) = [p for p in bench.chat.posts if p.action == "review"]
    assert review.media == (photo,) and "me-at-the-beach.jpg" in review.text
    actions = [p.action for p in bench.chat.posts]
    assert actions.index("review") < actions.index("hide"), "copied before it is removed"
    told = [p.text for p in bench.chat.posts if p.action == "tell"]
    assert "Pictures and files wait for your teacher" in told[-1]

    flag_id = review.text.split("#", 1)[1].split(" ", 1)[0]
    await bench.type(f"!mod approve {flag_id}", where=TEACHERS)
    (repost,) = [p for p in bench.chat.posts if p.action == "repost"]
    assert repost.text == "look!" and repost.media == (
        Media("image", "me-at-the-beach.jpg", f"{review.id}/0"),
    ), "reposted from the teacher's copy"

    await bench.type("!mod rules media allow")
    shown = MessagePosted(MessageRef(ROOM, "$pic2"), NOA, "", media=(photo,))
    await bench.app.dispatcher.event(bench.chat, shown)  # type: ignore[arg-type]
    assert "$pic2" not in hidden(bench)


async def test_nothing_goes_to_a_teacher_room_students_can_read(bench: Bench) -> None:
    app = bench.app
    assert app is not None
    bench.chat.problems[TEACHERS.id] = "Students are in that room (Sam)."
    assert await app.services.watch.check() == 1
    (warning,) = [p for p in bench.chat.posts if p.channel == TEACHERS]
    assert "Students can read this teacher room" in warning.text and "(Sam)" in warning.text

    said = await bench.say(MAIA, "you are an idiot")
    assert said in hidden(bench), "the class is still protected"
    assert [p.action for p in bench.chat.posts if p.channel == TEACHERS] == ["send"]

    del bench.chat.problems[TEACHERS.id]
    assert await app.services.watch.check() == 0
    await app.services.moderation.resume()
    review = last(bench, "review")
    assert "idiot" in review and "Maia" in review
    assert "private again" in [p.text for p in bench.chat.posts if p.channel == TEACHERS][1]


async def test_a_fault_in_screening_holds_the_message(
    bench: Bench, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cogs.moderation import policy

    def broken(text: str, context: object = None) -> object:
        raise RuntimeError("a bug in a detector")

    monkeypatch.setattr(policy, "screen", broken)
    said = await bench.say(NOA, "what a lovely chapter")
    assert said in hidden(bench), "when in doubt, hold"
    assert "I could not check this message" in last(bench, "review")


async def test_not_a_problem_shares_it_and_allows_the_word_from_then_on(bench: Bench) -> None:
    await bench.say(MAIA, "that chapter was damn good")
    flag_id = last(bench, "review").split("#", 1)[1].split(" ", 1)[0]
    reply = await bench.type(f"!mod fine {flag_id}", where=TEACHERS)
    assert "allows: damn" in reply.text
    again = await bench.say(MAIA, "damn, what a twist")
    assert again not in hidden(bench)


async def test_edit_and_approve_shares_the_teachers_version(bench: Bench) -> None:
    await bench.say(MAIA, "my number is 021 555 0199 call me")
    flag_id = last(bench, "review").split("#", 1)[1].split(" ", 1)[0]
    await bench.type(f"!mod edit {flag_id} (number removed) call me", where=TEACHERS)
    assert last(bench, "repost") == "(number removed) call me"
    history = await bench.type(f"!mod history {MAIA.user.id}", where=TEACHERS)
    assert f"#{flag_id}" in history.text and "approved by Ms Rivera" in history.text


async def test_old_evidence_is_deleted_after_the_retention_period(bench: Bench) -> None:
    assert bench.app is not None
    await bench.say(MAIA, "hello everyone, call me on 021 555 0199")
    assert await bench.app.purge() == 0  # still within the year
    bench.clock.advance(timedelta(days=400))
    assert await bench.app.purge() > 0
    history = await bench.type(f"!mod history {MAIA.user.id}", where=TEACHERS)
    assert history.text.startswith("Nothing has been held or flagged")
    from sqlalchemy import func, select

    from bot.db.tables import AuditEvent, Post

    async with bench.app.sessionmaker() as db:
        for table in (Post, AuditEvent):
            left = await db.scalar(select(func.count()).select_from(table))
            assert left == 0, f"{table.__name__} rows outlived the retention period"


async def test_a_flag_after_the_retention_purge_is_hidden_and_reviewed_again(
    bench: Bench,
) -> None:
    """SQLite may give a new flag the id of the newest purged one: its hide and review
    must not be taken for the old flag's, already sent."""
    assert bench.app is not None
    await bench.say(MAIA, "call me on 021 555 0199")
    first_hides, first_reviews = len(hidden(bench)), _reviews(bench)
    assert first_hides == 1 and first_reviews == 1
    bench.clock.advance(timedelta(days=400))
    assert await bench.app.purge() > 0
    bench.chat.by_key.clear()  # a homeserver forgets transaction ids after a day
    await bench.say(MAIA, "call me on 021 555 0188")
    assert len(hidden(bench)) == 2, "the new held message stayed visible"
    assert _reviews(bench) == 2, "the new held message never reached the teacher"


def _reviews(bench: Bench) -> int:
    return sum(1 for p in bench.chat.posts if p.action == "review")
