"""A held message the bot may not delete on Discord stays pending: the teacher is told once,
and the regular retry removes it once the permission is back (issue 10, section 7)."""

from __future__ import annotations

import pytest

from tests.discord.guild import Classroom, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")
DELETE = r"/channels/\d+/messages/\d+"


async def test_a_held_message_discord_will_not_delete_is_retried_until_it_is_gone(
    classroom: Classroom,
) -> None:
    c, w = classroom, classroom.world
    assert c.discord.app is not None
    moderation = c.discord.app.services.moderation
    teachers = await set_up_class(c)
    w.forbidden.add(("DELETE", DELETE))  # the bot's role lost Manage Messages
    said = await c.discord.say(c.ana, c.room, "call me on 021 555 0199")
    assert said in w.messages, "the class can still see it"
    posted = [r.json for r in w.posts_in(teachers["id"])]
    reviews = [e for p in posted for e in p.get("embeds", []) if e["title"].startswith("Flag #")]
    assert len(reviews) == 1 and "021 555 0199" in reviews[0]["description"], "review arrives"
    (warning,) = [p["content"] for p in posted if "could not remove" in (p.get("content") or "")]
    assert "the class can still see it" in warning and "Manage Messages" in warning

    assert await moderation.resume() == 1, "not settled: it is tried again"
    assert await moderation.resume() == 1
    again = [r.json for r in w.posts_in(teachers["id"])]
    assert len([p for p in again if "could not remove" in (p.get("content") or "")]) == 1
    assert said in w.messages

    w.forbidden.discard(("DELETE", DELETE))  # a teacher fixed the role
    assert await moderation.resume() == 1
    assert said not in w.messages
    assert await moderation.resume() == 0, "settled now"
