"""A new student's message waits for the teacher, who decides with a button."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.discord.guild import Classroom, content, ephemeral, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def hold_first_message(c: Classroom, text: str = "I loved chapter one!") -> dict[str, Any]:
    """Ana (new) posts in class; returns the review message in the teacher channel."""
    teachers = await set_up_class(c)
    msg_id = await c.discord.say(c.ana, c.room, text)
    assert c.world.sent("DELETE", rf"/channels/{c.room['id']}/messages/{msg_id}")
    (review,) = c.world.posts_in(teachers["id"])
    mid = next(m for m in c.world.messages.values() if m.get("nonce") == review.json["nonce"])
    return mid


def flag_number(review: dict[str, Any]) -> str:
    return re.search(r"#(\d+)", review["embeds"][0]["title"]).group(1)  # type: ignore[union-attr]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    return {b["label"]: b["custom_id"] for row in message["components"] for b in row["components"]}


def dms_to(c: Classroom, user: dict[str, Any]) -> list[str]:
    dm = [cid for cid, uid in c.world.dms.items() if uid == user["id"]]
    return [r.json["content"] for cid in dm for r in c.world.posts_in(cid)]


async def test_a_new_students_message_is_held_and_the_teacher_gets_buttons(
    classroom: Classroom,
) -> None:
    review = await hold_first_message(classroom)
    (embed,) = review["embeds"]
    assert "I loved chapter one!" in embed["description"] and "Ana" in embed["description"]
    flag = re.search(r"#(\d+)", embed["title"]).group(1)  # type: ignore[union-attr]
    assert buttons(review) == {
        "Approve": f"readaloud:flag:approve:{flag}",
        "Reject": f"readaloud:flag:reject:{flag}",
        "Reject with reason…": f"readaloud:flag:reason:{flag}",
    }
    (told,) = dms_to(classroom, classroom.ana)
    assert told.startswith("Hi Ana!") and "waiting for your teacher" in told
    assert "I loved chapter one!" not in told, "the DM does not repeat their words"


async def test_approve_reposts_under_the_students_name(classroom: Classroom) -> None:
    c, w = classroom, classroom.world
    review = await hold_first_message(c)
    clicked = await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (answer,) = c.discord.answers(clicked)
    assert answer["type"] == 6, "the click is acknowledged without a second confirmation"
    confirmations = [p.json["content"] for p in w.posts_in(review["channel_id"])[1:]]
    assert confirmations == [f"✅ Approved #{flag_number(review)} by Ms Rivera."]
    (made,) = w.sent("POST", rf"/channels/{c.room['id']}/webhooks")
    assert made.json["name"] == "readaloud"
    (repost,) = w.sent("POST", r"/webhooks/(\d+)/hooktoken")
    assert repost.json["username"] == "Ana (student)"
    assert repost.json["content"] == "I loved chapter one!"
    assert repost.json["allowed_mentions"] == {"parse": []}


async def test_reject_with_reason_tells_the_student_why(classroom: Classroom) -> None:
    c = classroom
    review = await hold_first_message(c)
    teachers = c.world.channels[review["channel_id"]]
    clicked = await c.discord.click(c.teacher, review["id"], buttons(review)["Reject with reason…"])
    (form,) = c.discord.answers(clicked)
    assert form["type"] == 9, "a modal"
    submitted = await c.discord.submit(
        c.teacher, teachers, form["data"]["custom_id"], {"reason": "Please use kind words."}
    )
    (answer,) = c.discord.answers(submitted)
    assert answer["type"] == 6, "no private answer on top of the teacher channel's notice"
    (notice,) = [p.json["content"] for p in c.world.posts_in(teachers["id"])[1:]]
    assert notice.startswith(f"❌ Rejected #{flag_number(review)} by") and "kind words" in notice
    _held, rejected = dms_to(c, c.ana)
    assert "Please use kind words." in rejected
    assert not c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")


async def test_a_student_with_closed_dms_is_told_in_the_channel(classroom: Classroom) -> None:
    c = classroom
    c.world.closed_dms.add(c.ana["id"])
    await hold_first_message(c)
    (note,) = [r for r in c.world.posts_in(c.room["id"])]
    assert f"<@{c.ana['id']}>" in note.json["content"]
    assert "I loved chapter one!" not in note.json["content"]
    assert note.json["allowed_mentions"]["users"] == [int(c.ana["id"])]


async def test_a_restart_between_hold_and_decision_still_approves_the_right_flag(
    classroom: Classroom,
) -> None:
    c = classroom
    teachers = await set_up_class(c)
    await c.discord.say(c.ben, c.room, "Ben's first message")
    await c.discord.say(c.ana, c.room, "Ana's first message")  # the second flag
    review_id = c.world.posts_in(teachers["id"])[-1].json["nonce"]
    review = next(m for m in c.world.messages.values() if m.get("nonce") == review_id)
    await c.discord.stop()
    await c.discord.start()  # new App, new client, same database and Discord
    clicked = await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    assert c.discord.answers(clicked)[0]["type"] == 6
    assert "✅ Approved" in c.world.posts_in(teachers["id"])[-1].json["content"]
    (repost,) = c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")
    assert (repost.json["username"], repost.json["content"]) == (
        "Ana (student)",
        "Ana's first message",
    )


async def test_a_second_click_says_it_was_already_decided(classroom: Classroom) -> None:
    c = classroom
    review = await hold_first_message(c)
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    again = await c.discord.click(c.role_teacher, review["id"], buttons(review)["Reject"])
    (answer,) = c.discord.answers(again)
    assert ephemeral(answer) and "already approved" in content(answer)


async def test_a_student_cannot_press_the_teachers_buttons(classroom: Classroom) -> None:
    c = classroom
    review = await hold_first_message(c)
    clicked = await c.discord.click(c.ben, review["id"], buttons(review)["Approve"])
    (answer,) = c.discord.answers(clicked)
    assert ephemeral(answer) and "Only your teacher" in content(answer)
    assert not c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")


async def test_without_manage_messages_the_teacher_is_told_what_to_grant(
    classroom: Classroom,
) -> None:
    c = classroom
    c.world.forbidden.add(("DELETE", r"/channels/\d+/messages/\d+"))
    teachers = await set_up_class(c)
    await c.discord.say(c.ana, c.room, "hello")
    texts = [r.json.get("content") or "" for r in c.world.posts_in(teachers["id"])]
    assert any("Manage Messages" in t for t in texts)
    assert any(r.json.get("embeds") for r in c.world.posts_in(teachers["id"])), "still reviewed"


async def test_a_teacher_reacting_with_a_check_mark_approves(classroom: Classroom) -> None:
    c = classroom
    review = await hold_first_message(c)
    member = {**c.world.members[c.teacher["id"]]}
    await c.discord.feed(
        "message_reaction_add",
        {"user_id": c.teacher["id"], "channel_id": review["channel_id"],
         "message_id": review["id"], "guild_id": c.world.guild_id, "member": member,
         "emoji": {"id": None, "name": "✅"}, "burst": False, "type": 0},
    )  # fmt: skip
    (repost,) = c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")
    assert repost.json["username"] == "Ana (student)"


async def test_a_message_in_a_session_thread_is_reposted_in_that_thread(
    classroom: Classroom,
) -> None:
    c = classroom
    await set_up_class(c)
    root = c.world.message(c.room["id"], c.world.bot, "📖 Read-aloud time!")
    thread = c.world.thread(c.room["id"], root["id"], "Wonder — session 1")
    await c.discord.feed("thread_create", {**thread, "newly_created": True})
    msg_id = await c.discord.say(c.ana, thread, "Auggie is brave")
    assert c.world.sent("DELETE", rf"/channels/{thread['id']}/messages/{msg_id}")
    review = next(m for m in c.world.messages.values() if m.get("embeds"))
    await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (repost,) = c.world.sent("POST", r"/webhooks/(\d+)/hooktoken")
    assert repost.params is not None and str(repost.params["thread_id"]) == thread["id"]


async def test_a_message_replayed_after_a_gateway_resume_is_handled_once(
    classroom: Classroom,
) -> None:
    from tests.discord.harness import message_create

    c, w = classroom, classroom.world
    teachers = await set_up_class(c)
    payload = message_create(w, c.ana, c.room, "Hello class!")
    await c.discord.feed("message_create", payload)
    await c.discord.feed("resumed", {})
    await c.discord.feed("message_create", payload)  # Discord replays what we may have missed
    assert len(w.sent("DELETE", rf"/channels/{c.room['id']}/messages/{payload['id']}")) == 1
    assert len(w.posts_in(teachers["id"])) == 1


async def test_a_clean_message_edited_into_a_rude_one_is_held(classroom: Classroom) -> None:
    from tests.discord.harness import message_create

    c, w = classroom, classroom.world
    teachers = await set_up_class(c)
    await c.discord.slash(c.teacher, c.room, "mod trust", student=c.ana)
    payload = message_create(w, c.ana, c.room, "Chapter two was funny")
    await c.discord.feed("message_create", payload)
    assert not w.sent("DELETE"), "a trusted student's clean message stays"

    # Discord sends a link preview as an update without an edit time: not an edit
    await c.discord.feed("message_update", {**payload, "embeds": [{"type": "link"}]})
    edit = {
        **payload,
        "content": "you are a stupid b1tch",
        "edited_timestamp": "2027-01-01T09:01:00+00:00",
    }
    await c.discord.feed("message_update", edit)
    await c.discord.feed("message_update", edit)  # replayed after a resume: handled once
    deleted = w.sent("DELETE", rf"/channels/{c.room['id']}/messages/{payload['id']}")
    assert len(deleted) == 1, "the edited message is taken down"
    (review,) = w.posts_in(teachers["id"])
    mid = next(m for m in w.messages.values() if m.get("nonce") == review.json["nonce"])
    assert "stupid b1tch" in mid["embeds"][0]["description"]


async def test_a_teacher_demoted_in_the_class_channel_cannot_decide_in_the_teacher_channel(
    classroom: Classroom,
) -> None:
    """Roles come from the class channel: Manage Channels taken away there (a member
    overwrite) counts, even though the teacher channel would still grant it."""
    c = classroom
    review = await hold_first_message(c)
    demoted = {"id": c.teacher["id"], "type": 1, "allow": "0", "deny": str(1 << 4)}
    await c.discord.feed("channel_update", {**c.room, "permission_overwrites": [demoted]})

    clicked = await c.discord.click(c.teacher, review["id"], buttons(review)["Approve"])
    (answer,) = c.discord.answers(clicked)
    assert ephemeral(answer) and "Only your teacher" in content(answer)
    assert not c.world.sent("POST", r"/webhooks/(\d+)/hooktoken"), "nothing was shared"
    queue = await c.discord.slash(c.teacher, c.world.channels[review["channel_id"]], "mod queue")
    (refused,) = c.discord.answers(queue)
    assert ephemeral(refused) and "Only your teacher" in content(refused)

    await c.discord.click(c.role_teacher, review["id"], buttons(review)["Approve"])
    assert c.world.sent("POST", r"/webhooks/(\d+)/hooktoken"), "a teacher of the class still can"


async def test_the_queue_asked_for_in_the_class_channel_is_shown_to_the_teacher_only(
    classroom: Classroom,
) -> None:
    c = classroom
    await hold_first_message(c, "I feel sad every night")
    asked = await c.discord.slash(c.teacher, c.room, "mod queue")
    (answer,) = c.discord.answers(asked)
    assert ephemeral(answer) and "I feel sad every night" in content(answer)
    in_class = [r.json.get("content") or "" for r in c.world.posts_in(c.room["id"])]
    assert not [t for t in in_class if "sad" in t], "the class never reads it"


async def test_a_child_replying_to_the_bots_dm_gets_a_childs_answer(classroom: Classroom) -> None:
    c = classroom
    await hold_first_message(c)
    (dm,) = [cid for cid, uid in c.world.dms.items() if uid == c.ana["id"]]

    await c.discord.feed("message_create", c.world.message(dm, c.ana, "ok sorry"))

    answer = c.world.posts_in(dm)[-1].json["content"]
    assert answer.startswith("Hi Ana! I'm the read-aloud bot") and "author join" not in answer
