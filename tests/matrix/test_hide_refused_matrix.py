"""On Matrix too, a held message the bot may not redact stays pending: the teacher is told
once, and the regular retry removes it once the bot has moderator power again."""

from __future__ import annotations

from pathlib import Path

import pytest
from nio import RedactionEvent

from bot.localserver import LocalHomeserver
from tests.matrix.classroom import make_classroom
from tests.matrix.people import PersonFactory

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


async def test_a_held_message_the_bot_may_not_redact_is_retried_until_it_is_gone(
    synapse: LocalHomeserver, people: PersonFactory, tmp_path: Path
) -> None:
    cls = await make_classroom(synapse, people, tmp_path, students=1)
    try:
        assert cls.app is not None
        moderation = cls.app.services.moderation
        aroha, teacher = cls.students[0], cls.teacher
        await teacher.set_power(cls.room, cls.bot, 0)  # someone took the bot's moderator power
        said = await aroha.send(cls.room, "call me on 021 555 0199")
        warning = await teacher.wait_for(cls.says("could not remove", cls.teacher_room))
        assert "the class can still see it" in warning.body and "level 50" in warning.body
        await teacher.wait_for(cls.says("021 555 0199", cls.teacher_room))  # the review
        await cls.idle()

        assert await moderation.resume() == 1, "not settled: it is tried again"
        assert await moderation.resume() == 1
        await cls.idle()
        later = await teacher.seen_now(cls.teacher_room)
        assert not [ev for ev in later if "could not remove" in getattr(ev, "body", "")]

        await teacher.set_power(cls.room, cls.bot, 50)  # the teacher fixed it
        assert await moderation.resume() == 1
        redaction = await aroha.wait_for(
            lambda _, ev: isinstance(ev, RedactionEvent) and ev.redacts == said
        )
        assert redaction.sender == cls.bot
        assert await moderation.resume() == 0, "settled now"
    finally:
        for app in list(cls.started):
            await app.stop()
