"""One message cannot stop the bot (issue 10): on a real Synapse, a student's 100-digit
message is screened, hidden and held, the teacher's next command is answered at once, and
a restart does not review it again; a screener that runs away is stopped at its budget."""

from __future__ import annotations

import re

import pytest
from nio import RedactionEvent

from bot.screening import Context, Verdict, screen
from cogs.moderation import policy
from tests.matrix.classroom import Classroom, body, class_fixture

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]

# the long-number pattern screening had before issue 10 (minutes on ~100 digits)
RUNAWAY = re.compile(r"(?<![\w.])\+?\(?\d(?:[\d\u00a0 ().\-]{0,3}\d){5,24}(?![\w])")


room12 = class_fixture()


async def poison_then_command(cls: Classroom, poison: str) -> str:
    """A trusted student sends `poison`; the teacher at once types a command, whose answer
    must arrive within 5 s. Returns the poison's event id."""
    aroha, teacher = cls.students[0], cls.teacher
    await cls.teacher_types(f"!mod trust {aroha.user_id}", expect="trusted")
    said = await aroha.send(cls.room, poison)
    await teacher.send(cls.teacher_room, "!mod rules")
    answer = await teacher.wait_for(cls.says("Screening rules", cls.teacher_room), timeout=5.0)
    assert "• pii: hold" in body(answer)
    hidden = await aroha.wait_for(
        lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said, timeout=5.0
    )
    assert hidden.sender == cls.bot
    return said


async def no_review_after_a_restart(cls: Classroom) -> None:
    await cls.stop_bot()
    await cls.start_bot()
    await cls.idle()
    later = await cls.teacher.seen_now(cls.teacher_room)
    assert [body(ev) for ev in later if ev.sender == cls.bot and "Held #" in body(ev)] == []
    queue = await cls.teacher_types("!mod queue", room=cls.teacher_room, expect="waiting")
    assert "1 waiting" in body(queue)  # still held, once


async def test_a_hundred_digit_message_is_held_and_the_teacher_is_answered_at_once(
    room12: Classroom,
) -> None:
    poison = "like if ur watchin in " + "1234567890" * 10
    await poison_then_command(room12, poison)

    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert poison in body(review) and "Aroha" in body(review)
    assert "long number" in body(review)
    await no_review_after_a_restart(room12)


async def test_a_screener_that_runs_away_is_stopped_and_the_message_held_unchecked(
    room12: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    def runaway_screen(text: str, context: Context | None = None) -> Verdict:
        RUNAWAY.search(text)  # 28 digits and a letter: ~6 s of CPU if nothing stops it
        return screen(text, context)

    monkeypatch.setattr(policy, "screen", runaway_screen)
    poison = "my code is " + "7" * 28 + "x"
    await poison_then_command(room12, poison)

    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    assert poison in body(review)
    assert "could not check this message in time" in body(review)
    notice = await room12.students[0].wait_for(room12.privately("waiting for your teacher"))
    assert "Thank you for your patience" in body(notice) and "7777" not in body(notice)
    await no_review_after_a_restart(room12)
