"""What a reaction stands for on every platform (bot/platforms/reactions.py)."""

from __future__ import annotations

from bot.core.events import Decided, PollVoted, ReactionAdded
from bot.core.model import Actor, ChannelRef, MessageRef, Platform, Role, UserRef
from bot.platforms.reactions import NUMBER_KEYS, option_of, translated

ROOM = ChannelRef(Platform.MATRIX, "!room:example.org")
TARGET = MessageRef(ROOM, "$poll")
ANA = Actor(UserRef(Platform.MATRIX, "@ana:example.org", "Ana"), Role.STUDENT)


def test_every_number_key_votes_for_its_option_with_or_without_emoji_presentation() -> None:
    assert [option_of(k) for k in NUMBER_KEYS] == list(range(10))
    assert option_of("2\u20e3") == 1, "some clients send the keycap without U+FE0F"
    assert option_of("2") is None and option_of("2️⃣ yes") is None


def test_a_reaction_is_a_vote_a_decision_or_itself() -> None:
    assert translated(TARGET, ANA, "3️⃣") == PollVoted(TARGET, ANA, 2)
    assert translated(TARGET, ANA, "👍") == Decided(TARGET, ROOM, ANA, approve=True)
    assert translated(TARGET, ANA, "❌") == Decided(TARGET, ROOM, ANA, approve=False)
    own = MessageRef(ROOM, "$reaction")
    assert translated(TARGET, ANA, "well done", own) == ReactionAdded(TARGET, ANA, "well done", own)
