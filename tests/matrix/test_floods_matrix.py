"""A new student floods the class on a real Synapse: the teacher room shows one review that
is edited in place, the student hears once, and one ✅ shares everything in order."""

from __future__ import annotations

from typing import Any

import pytest
from nio import Event, RedactionEvent

from tests.matrix.classroom import Classroom, body, class_fixture, relates

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]
BURST = 30


room12 = class_fixture(students=1)


def new_content(ev: Event) -> dict[str, Any]:
    return dict(ev.source.get("content", {}).get("m.new_content") or {})


async def test_thirty_fast_messages_make_one_review_with_edits_and_one_notice(
    room12: Classroom,
) -> None:
    aroha, teacher = room12.students[0], room12.teacher
    said = [await aroha.send(room12.room, f"the lighthouse {i}") for i in range(BURST)]
    await room12.idle()

    seen = await aroha.seen_now_everywhere()
    in_class = [ev for rid, ev in seen if rid == room12.room]
    redacted = {ev.redacts for ev in in_class if isinstance(ev, RedactionEvent)}
    assert redacted == set(said), "every message is hidden"
    pointers = [ev for ev in in_class if "I've sent you a private message" in body(ev)]
    assert len(pointers) <= 1
    private = [rid for rid, ev in seen if rid not in (room12.room, room12.teacher_room)]
    notices = [
        ev
        for rid, ev in seen
        if rid in private and ev.sender == room12.bot and "waiting for your teacher" in body(ev)
    ]
    assert len(notices) == 1, "told once, not once per message"
    assert "lighthouse" not in body(notices[0])

    events = [ev for ev in await teacher.seen_now(room12.teacher_room) if ev.sender == room12.bot]
    posts = [ev for ev in events if body(ev) and relates(ev).get("rel_type") != "m.replace"]
    (review,) = posts
    assert body(review).startswith("Held #")
    edits = [ev for ev in events if relates(ev).get("rel_type") == "m.replace"]
    assert edits and all(relates(ev)["event_id"] == review.event_id for ev in edits)
    latest = new_content(edits[-1])
    assert latest["body"].startswith(f"Held {BURST} messages from Aroha")
    assert f"Waiting ({BURST})" in latest["body"]
    assert latest["m.mentions"] == {}, "an edit pings nobody"

    await teacher.react(room12.teacher_room, review.event_id, "✅")

    wanted = [f"Aroha (student): the lighthouse {i}" for i in range(BURST)]
    await room12.idle()
    events = await aroha.seen_now(room12.room)  # what the class sees, in the order it appears
    shared = [
        body(ev) for ev in events if ev.sender == room12.bot and "Aroha (student): " in body(ev)
    ]
    assert shared == wanted, "shared in the order they were sent"
    done = await teacher.wait_for(
        lambda rid, ev: (
            rid == room12.teacher_room
            and "Nothing is waiting here any more." in new_content(ev).get("body", "")
        )
    )
    assert relates(done)["event_id"] == review.event_id
