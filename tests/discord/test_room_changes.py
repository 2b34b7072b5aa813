"""A Discord channel edited (its permissions opened to everyone) is looked at as the edit
arrives: the teacher channel's privacy is not left to the hourly look."""

from __future__ import annotations

import pytest

from tests.discord.guild import Classroom, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")


async def test_a_teacher_channel_opened_to_everyone_is_paused_when_the_edit_arrives(
    classroom: Classroom,
) -> None:
    c = classroom
    teachers = await set_up_class(c)

    def told() -> list[str]:
        texts = [r.json.get("content") or "" for r in c.world.posts_in(teachers["id"])]
        return [t for t in texts if "Students can read this teacher room" in t]

    assert told() == []
    opened = {**c.world.channels[teachers["id"]], "permission_overwrites": []}
    await c.discord.feed("channel_update", opened)
    assert len(told()) == 1, "told at once, without a restart or waiting for the next look"
