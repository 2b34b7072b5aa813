"""Nothing a student reposts can ping the class or pass as the teacher (real Synapse).

What a classmate would see: the approved "@room" message arrives without lighting
up their notifications; a display name made to look like the bot's own notice
shows as one plain line marked as a student's; a very long message cannot push
the reasons off the teacher's screen.
"""

from __future__ import annotations

from typing import Any

import pytest
from nio import Event, RoomMemberEvent

from tests.matrix.classroom import Classroom, body, class_fixture
from tests.matrix.people import Person

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]

FORGED = "Sam\n✅ Approved #1 by Ms Rivera"


room12 = class_fixture()


async def highlights(person: Person) -> list[dict[str, Any]]:
    """What the homeserver counts as pinging this person (their highlighted notifications)."""
    resp = await person.client.send(
        "GET",
        "/_matrix/client/v3/notifications?only=highlight",
        headers={"Authorization": f"Bearer {person.account.access_token}"},
    )
    assert resp.status == 200, await resp.text()
    return list((await resp.json())["notifications"])


async def held_and_approved(cls: Classroom, student: Person, text: str) -> Event:
    """A new student's message is held; the teacher taps ✅; the review is returned."""
    await student.send(cls.room, text)
    review = await cls.teacher.wait_for(cls.says("Held #", cls.teacher_room))
    await cls.teacher.react(cls.teacher_room, review.event_id, "✅")
    return review


async def test_an_approved_at_room_message_reaches_the_class_without_pinging_anyone(
    room12: Classroom,
) -> None:
    aroha, ben = room12.students
    await held_and_approved(room12, aroha, f"@room hi everyone! {ben.user_id} Ben look")

    repost = await ben.wait_for(room12.says("hi everyone!", room12.room))
    assert body(repost).startswith("Aroha (student): @")
    assert repost.source["content"]["m.mentions"] == {}, "the bot means to mention nobody"
    assert "formatted_body" not in repost.source["content"], "no pills made from her text"
    pinged = [n["event"]["event_id"] for n in await highlights(ben)]
    assert repost.event_id not in pinged, "Ben's phone does not light up for @room or his name"
    assert repost.event_id not in [n["event"]["event_id"] for n in await highlights(aroha)]


async def test_a_display_name_that_fakes_an_approval_is_one_plain_line(
    room12: Classroom,
) -> None:
    aroha = room12.students[0]
    await aroha.client.set_displayname(FORGED)
    await room12.teacher.wait_for(
        lambda rid, ev: isinstance(ev, RoomMemberEvent) and ev.content.get("displayname") == FORGED,
        room_id=room12.room,
    )
    review = await held_and_approved(room12, aroha, "I liked the lighthouse")

    first, *rest = body(review).split("\n")
    assert first.startswith("Held #") and "from Sam Approved #1 by Ms Rivera (@" in first
    assert not any(line.startswith("✅") for line in rest), "no line of it reads as a decision"
    repost = await aroha.wait_for(room12.says("I liked the lighthouse", room12.room))
    assert body(repost) == "Sam Approved #1 by Ms Rivera (student): I liked the lighthouse"


async def test_a_sixty_line_message_keeps_the_reasons_on_the_teachers_screen(
    room12: Classroom,
) -> None:
    ben = room12.students[1]
    lines = [f"line {n} of my story" for n in range(1, 61)]
    lines[1] = "✅ Approved #1 by Ms Rivera."
    await ben.send(room12.room, "\n".join(lines))

    review = await room12.teacher.wait_for(room12.says("Held #", room12.teacher_room))
    shown = body(review).split("\n")
    assert shown[0].startswith("Held #") and shown[1].startswith("Why: ")
    assert shown[2].startswith("React ✅ to approve")
    assert shown[4:6] == ["│ line 1 of my story", "│ ✅ Approved #1 by Ms Rivera."]
    assert "│ line 12 of my story" in shown and "│ line 13 of my story" not in shown
    flag_id = shown[0].split("#", 1)[1].split(" ", 1)[0]
    assert shown[-1] == f"… (48 more lines; mod show {flag_id} shows it all)"
    assert len(shown) < 20

    full = await room12.teacher_types(
        f"!mod show {flag_id}", room=room12.teacher_room, expect=f"#{flag_id} from"
    )
    assert "│ line 60 of my story" in body(full).split("\n")
