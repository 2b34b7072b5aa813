"""What a reaction stands for, the same on every platform: a vote, a decision, or itself.

Matrix has no stable poll and shows a review's controls as reactions, so a numbered
reaction (1️⃣, 2️⃣, …) is a vote for that option and a ✅ / ❌ a decision; the same
reactions mean the same on Discord. The adapter cannot tell a poll or a review from any
other message: the features look the target up and ignore what is neither.
"""

from __future__ import annotations

from bot.core.events import Decided, PollVoted, ReactionAdded
from bot.core.model import Actor, MessageRef

# a poll's options, in order, where the platform has no native poll
NUMBER_KEYS = ("1️⃣", "2️⃣", "3️⃣", "4️⃣", "5️⃣", "6️⃣", "7️⃣", "8️⃣", "9️⃣", "🔟")
APPROVE, REJECT = "✅", "❌"  # the bot's own controls on a review
APPROVE_KEYS = frozenset({APPROVE, "✔️", "👍"})
REJECT_KEYS = frozenset({REJECT, "✖️", "👎"})
_VS16 = "\ufe0f"  # emoji presentation: some clients send 1️⃣ without it


def option_of(key: str) -> int | None:
    """The 0-based poll option a reaction key votes for, or None."""
    bare = key.replace(_VS16, "")
    for i, k in enumerate(NUMBER_KEYS):
        if bare == k.replace(_VS16, ""):
            return i
    return None


def translated(
    target: MessageRef, actor: Actor, key: str, reaction: MessageRef | None = None
) -> PollVoted | Decided | ReactionAdded:
    """The neutral event a reaction with `key` on `target` is (`reaction`: the reaction
    itself, where it can carry text the class sees)."""
    option = option_of(key)
    if option is not None:
        return PollVoted(target, actor, option)
    if key in APPROVE_KEYS or key in REJECT_KEYS:
        return Decided(target, target.channel, actor, approve=key in APPROVE_KEYS)
    return ReactionAdded(target, actor, key, reaction)
