"""Which reaction keys are words the class reads (screened) and which are plain emoji."""

from __future__ import annotations

import pytest

from bot.core.events import MessagePosted, ReactionAdded
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from cogs.moderation.reactions import single_emoji, text_reaction

ROOM = ChannelRef(Platform.MATRIX, "!room")
BEN = Actor(UserRef(Platform.MATRIX, "@ben:hs", "Ben"), Role.STUDENT)
TEACHER = Actor(UserRef(Platform.MATRIX, "@rivera:hs", "Ms Rivera"), Role.TEACHER)


@pytest.mark.parametrize("key", ["✅", "👍", "1️⃣", "🔟", "👍🏽", "🏳️‍🌈", "🇳🇿", "✔️", "👨‍👩‍👧"])
def test_one_emoji_is_not_text(key: str) -> None:
    assert single_emoji(key)


@pytest.mark.parametrize("key", ["idiot", "lol", "a", "+1", "👍👍", "🍑🍆", ""])
def test_words_letters_and_strings_of_emoji_are_text(key: str) -> None:
    assert not single_emoji(key)


def test_a_students_word_reaction_is_screened_as_the_reaction_itself() -> None:
    own = MessageRef(ROOM, "$reaction")
    said = text_reaction(ReactionAdded(MessageRef(ROOM, "$msg"), BEN, "idiot", own))
    assert isinstance(said, MessagePosted)
    assert said.message == own and "idiot" in said.text


def test_teachers_emoji_and_platforms_without_text_reactions_are_not_screened() -> None:
    target, own = MessageRef(ROOM, "$msg"), MessageRef(ROOM, "$reaction")
    assert text_reaction(ReactionAdded(target, TEACHER, "well done", own)) is None
    assert text_reaction(ReactionAdded(target, BEN, "👍", own)) is None
    assert text_reaction(ReactionAdded(target, BEN, "idiot")) is None
