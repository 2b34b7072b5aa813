"""What waits for the teacher: a review item (a Flag row), how a feature submits one, and
what a feature says about the items of its own kind.

This is the only code that creates Flag rows; the other features describe an item with
``NewItem`` (typed kind, context and escalation) and the queue does the rest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.model import Media, Outgoing
from bot.db.tables import Flag
from cogs.review import floods

MESSAGE = "message"  # a student's post in the class room, held or flagged by screening


@dataclass(frozen=True)
class NewItem:
    """An item for the teacher's review queue, as the feature that raises it knows it.

    `kind`: whose item it is (``MESSAGE`` or a kind registered with ``add_kind``);
    `context`: what the teacher needs beyond the words (a question: its author and book);
    `escalate`: a self-harm or abuse signal (the safeguarding lead is pinged);
    `reasons`: why it waits, for the teacher; `matches`: what screening matched
    ("category:word"), for allow-listing with `mod fine`."""

    classroom_id: int
    user_id: str
    user_name: str
    channel_id: str
    thread_id: str | None
    text: str
    reasons: list[str]
    kind: str = MESSAGE
    context: str | None = None
    escalate: bool = False
    action: str = "hold"
    student_note: str = ""
    matches: list[str] = field(default_factory=list)
    media: tuple[Media, ...] = ()
    post_id: int | None = None


async def submit(db: AsyncSession, item: NewItem, now: datetime) -> Flag:
    """Record `item` as waiting (a held message of a flood joins its combined review); the
    caller settles it once its own rows are saved (``ReviewQueue.settle``)."""
    flag = Flag(
        classroom_id=item.classroom_id,
        post_id=item.post_id,
        kind=item.kind,
        user_id=item.user_id,
        user_name=item.user_name,
        channel_id=item.channel_id,
        thread_id=item.thread_id,
        text=item.text,
        reasons=list(item.reasons),
        context=item.context,
        escalate=item.escalate,
        action=item.action,
        student_note=item.student_note,
        matches=list(item.matches),
        media=[[m.kind, m.name, m.ref] for m in item.media],
        created_at=now,
    )
    db.add(flag)
    await db.flush()
    await floods.join(db, flag, now)  # a flood: one combined review
    return flag


def why(flag: Flag) -> list[str]:
    """What the teacher reads as the item's reasons: its context first, then the reasons."""
    return [flag.context, *flag.reasons] if flag.context else list(flag.reasons)


@dataclass(frozen=True)
class ItemView:
    """An item as the teacher sees it in the queue."""

    id: int
    student: str
    text: str
    reasons: list[str]
    state: str
    age: str
    kind: str = MESSAGE


class ReviewKind(Protocol):
    """Another feature's review item (a question for the guest author, an author's answer):
    same queue, buttons, reactions and `mod approve N`; its own review text and effects."""

    async def review(self, flag: Flag, key: str) -> Outgoing:
        """The teacher's review message."""
        ...

    async def decided(self, flag: Flag) -> None:
        """Carry out the decision; must be safe to call again (keyed deliveries)."""
        ...
