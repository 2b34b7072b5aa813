"""The circle events' schema: what a circle room may carry, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest
from nio import Event

from bot.core.circles import WireEvent
from bot.platforms.matrix.circle_events import checked, entries
from bot.platforms.matrix.circle_room import MatrixCircleRoom
from bot.platforms.matrix.client import RoomUpdate

POST: dict[str, Any] = {
    "v": 1, "circle": "@a:hs:1", "uid": "@a:hs:1/9", "from_class": "@a:hs:1",
    "class_label": "Room 12 (Wellington, NZ)", "first_name": "Aroha", "chapter": 3,
    "kind": "thought", "text": "The keeper was lonely.",
}  # fmt: skip


def test_a_well_formed_post_is_read_without_its_version() -> None:
    kind, content = checked("org.readaloud.circle.post", POST, in_ask_room=False)
    assert kind == "post" and "v" not in content and content["text"] == POST["text"]


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"v": 2}, "unsupported schema version"),
        ({"chapter": True}, "must be int"),
        ({"chapter": -1}, "out of range"),
        ({"text": "x" * 4001}, "too long"),
        ({"first_name": None}, "must be str"),
        ({"sender_mxid": "@aroha:school"}, "unknown fields"),
        ({"kind": "selfie"}, "unknown post kind"),
        ({"uid": "  "}, "is empty"),
    ],
)
def test_a_malformed_post_is_refused_saying_why(change: dict[str, Any], why: str) -> None:
    with pytest.raises(ValueError, match=why):
        checked("org.readaloud.circle.post", {**POST, **change}, in_ask_room=False)


def test_missing_fields_oversized_content_and_misplaced_kinds_are_refused() -> None:
    short = {k: v for k, v in POST.items() if k != "text"}
    with pytest.raises(ValueError, match="missing field text"):
        checked("org.readaloud.circle.post", short, in_ask_room=False)
    with pytest.raises(ValueError, match="too large"):
        checked("org.readaloud.circle.post", {**POST, "x": "y" * 20_000}, in_ask_room=False)
    with pytest.raises(ValueError, match="misplaced"):  # a join request in the circle room
        checked("org.readaloud.circle.join", {"v": 1}, in_ask_room=False)
    with pytest.raises(ValueError, match="misplaced"):  # a post in a two-bot ask room
        checked("org.readaloud.circle.post", POST, in_ask_room=True)
    with pytest.raises(ValueError, match="not a circle event"):
        checked("m.room.message", {"body": "hi"}, in_ask_room=False)
    with pytest.raises(ValueError, match="not an object"):
        checked("org.readaloud.circle.ack", ["a"], in_ask_room=False)


def test_an_answer_lists_classes_as_partners_see_them_only() -> None:
    member = {"class": "@a:hs:1", "installation": "@a:hs", "label": "Room 12",
              "platform": "Matrix", "chapter": "1"}  # fmt: skip
    ok = {"v": 1, "ok": True, "circle": "@a:hs:1", "room": "!r", "name": "L", "book": "B",
          "members": [member]}  # fmt: skip
    assert checked("org.readaloud.circle.answer", ok, in_ask_room=True)[0] == "answer"
    leaky = {**ok, "members": [{**member, "students": ["@aroha:hs"]}]}
    with pytest.raises(ValueError, match="class descriptions"):
        checked("org.readaloud.circle.answer", leaky, in_ask_room=True)


def entry(kind: str, **change: Any) -> dict[str, Any]:
    if kind == "retract":
        return {"type": "retract", "circle": POST["circle"], "uid": POST["uid"], **change}
    return {"type": "post", **{k: v for k, v in POST.items() if k != "v"}, **change}


def test_a_batch_carries_posts_and_retractions_and_refuses_only_its_bad_entries() -> None:
    batch = {"v": 1, "circle": POST["circle"], "entries": [
        entry("post"), entry("post", sender_mxid="@aroha:school"), "a string",
        {**entry("retract"), "type": "member"}, entry("post", circle="@other:hs:2"),
        entry("retract"),
    ]}  # fmt: skip
    kind, content = checked("org.readaloud.circle.posts", batch, in_ask_room=False)
    found = entries(content)
    assert kind == "posts" and [f[0] for f in found if isinstance(f, tuple)] == ["post", "retract"]
    why = [str(f) for f in found if isinstance(f, ValueError)]
    assert "unknown fields" in why[0] and "another circle" in why[3]
    assert "a post or a retraction" in why[1] and "a post or a retraction" in why[2]
    with pytest.raises(ValueError, match="too long"):  # at most MAX_BATCH entries
        checked("org.readaloud.circle.posts", {**batch, "entries": [entry("retract")] * 51},
                in_ask_room=False)  # fmt: skip
    with pytest.raises(ValueError, match="misplaced"):
        checked("org.readaloud.circle.posts", batch, in_ask_room=True)


class _Client:
    user_id = "@readaloud:school-a"
    rooms: dict[str, Any] = {}


@pytest.mark.asyncio
async def test_a_batch_in_a_circle_room_reaches_the_feature_entry_by_entry() -> None:
    """Parsed by nio as it comes from a sync: the good entries arrive, each with its own
    id; the bad one and a stranger's plain message are dropped."""
    room = MatrixCircleRoom(lambda: _Client())  # type: ignore[arg-type, return-value]
    room.known.add("!circle")
    got: list[WireEvent] = []

    async def arrived(events: list[WireEvent]) -> None:
        got.extend(events)

    room.on_room = arrived
    batch = {"v": 1, "circle": POST["circle"],
             "entries": [entry("post"), entry("post", chapter="3"), entry("retract")]}  # fmt: skip
    events = [
        Event.parse_event({"type": t, "event_id": e, "sender": "@readaloud:school-b",
                           "origin_server_ts": 1, "content": c})
        for t, e, c in (("org.readaloud.circle.posts", "$b1", batch),
                        ("m.room.message", "$m1", {"msgtype": "m.text", "body": "hi"}),
                        ("org.readaloud.circle.post", "$p1", POST))
    ]  # fmt: skip
    await room.room("!circle", RoomUpdate(state=[], timeline=events))
    assert [(e.kind, e.event_id) for e in got] == [
        ("post", "$b1#0"), ("retract", "$b1#2"), ("post", "$p1")]  # fmt: skip
    assert got[0].content == got[2].content == {k: v for k, v in POST.items() if k != "v"}
