"""Any feature's item waits in the one review queue: a toy "book suggestion" feature raises
items through the review package alone, and the teacher sees and decides them like any
held message (reaction, `mod approve`, the queue), each decision carried out once."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.model import ChannelRef, Outgoing
from bot.db.tables import Flag
from cogs.review.items import NewItem, submit
from cogs.review.service import ReviewQueue
from tests.cogs.bench import ROOM, TEACHER, Bench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
MAIA = student("Maia")
KIND = "suggestion"


class Suggestions:
    """A toy feature: a student's suggestion for the class's next book waits for the teacher."""

    def __init__(self) -> None:
        self.outcomes: list[tuple[int, str]] = []

    async def review(self, flag: Flag, key: str) -> Outgoing:
        return Outgoing(f"Book suggestion #{flag.id}: “{flag.text}”", key=key, notice=False)

    async def decided(self, flag: Flag) -> None:
        self.outcomes.append((flag.id, flag.state))


def queue_of(bench: Bench) -> ReviewQueue:
    assert bench.app is not None
    return bench.app.services.moderation.review


async def suggest(bench: Bench, text: str, escalate: bool = False) -> int:
    """Maia's suggestion, raised the way any feature raises an item."""
    assert bench.app is not None
    cls = await bench.app.services.classes.require(ROOM)
    item = NewItem(
        classroom_id=cls.id,
        kind=KIND,
        user_id=MAIA.user.id,
        user_name=MAIA.user.label,
        channel_id=ROOM.id,
        thread_id=None,
        text=text,
        reasons=["a book for the whole class"],
        context="for next term's read-aloud",
        escalate=escalate,
    )
    async with bench.app.sessionmaker.begin() as db:
        flag_id = (await submit(db, item, bench.clock.now())).id
    await queue_of(bench).settle(flag_id)
    return flag_id


def in_teacher_room(bench: Bench, words: str) -> list[str]:
    return [p.text for p in bench.chat.posts if p.channel == TEACHERS and words in p.text]


async def test_a_new_kind_is_reviewed_listed_and_decided_once_by_reaction(bench: Bench) -> None:
    toy = Suggestions()
    queue_of(bench).add_kind(KIND, toy)
    number = await suggest(bench, "Holes, by Louis Sachar")

    (review,) = [p for p in bench.chat.posts if p.action == "review" and p.channel == TEACHERS]
    assert review.text == f"Book suggestion #{number}: “Holes, by Louis Sachar”"
    listed = await bench.type("!mod queue", where=TEACHERS)
    assert listed.text.splitlines()[1].endswith(
        "“Holes, by Louis Sachar” — for next term's read-aloud; a book for the whole class"
    ), "the item's context comes first, then why it waits"

    await bench.react(TEACHER, TEACHERS, review.id, "✅")
    assert toy.outcomes == [(number, "approved")]
    assert in_teacher_room(bench, f"✅ Approved #{number} by Ms Rivera")
    assert await queue_of(bench).resume() == 0, "settled"
    await queue_of(bench).settle(number)
    assert toy.outcomes == [(number, "approved")], "carried out once"
    again = await bench.type(f"!mod reject {number}", where=TEACHERS)
    assert "already approved by Ms Rivera" in again.text


async def test_an_escalated_item_names_the_safeguarding_lead_once(bench: Bench) -> None:
    toy = Suggestions()
    queue_of(bench).add_kind(KIND, toy)
    await bench.type("!class safeguarding @lead:school", where=TEACHERS)
    number = await suggest(bench, "a book about someone who hurts themselves", escalate=True)
    await queue_of(bench).settle(number)
    await queue_of(bench).resume()

    (alert,) = in_teacher_room(bench, "Safeguarding lead, please look at this.")
    assert alert.startswith(f"⚠️ Flag #{number}: Maia's message")
    said = await bench.type(f"!mod reject {number} not this term", where=TEACHERS)
    assert said.text == ""  # the decision's notice in the teacher room is the confirmation
    assert toy.outcomes == [(number, "rejected")]
    assert in_teacher_room(bench, f"❌ Rejected #{number} by Ms Rivera (not this term)")


async def test_items_keep_their_context_and_escalation_in_their_own_fields(bench: Bench) -> None:
    assert bench.app is not None
    queue_of(bench).add_kind(KIND, Suggestions())
    await bench.type("!class safeguarding @lead:school", where=TEACHERS)
    await bench.say(MAIA, "i want to kill myself")
    await suggest(bench, "Wonder, by R. J. Palacio")

    async with bench.app.sessionmaker() as db:
        held, suggestion = list(await db.scalars(select(Flag).order_by(Flag.id)))
    assert held.kind == "message" and held.escalate and held.context is None
    assert "escalate" not in held.matches and held.matches, "only what screening matched"
    assert suggestion.kind == KIND and not suggestion.escalate
    assert suggestion.context == "for next term's read-aloud"
    assert suggestion.reasons == ["a book for the whole class"]
