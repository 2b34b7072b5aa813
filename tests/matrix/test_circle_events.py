"""The circle events' schema: what a circle room may carry, and nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from bot.platforms.matrix.circle_events import checked

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
