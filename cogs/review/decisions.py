"""Recording a teacher's decision on a flag, and finding the flag a review message is for."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.errors import NotFound
from bot.core.model import Actor
from bot.db import audit
from bot.db.states import FlagState
from bot.db.tables import Flag, ReviewGroup
from cogs.review.items import why


async def flag_in(db: AsyncSession, class_id: int, flag_id: int) -> Flag:
    """Flag N of this class, or a NotFound that says how to see the queue."""
    flag = await db.get(Flag, flag_id)
    if flag is None or flag.classroom_id != class_id:
        raise NotFound(f"There is no flag #{flag_id} in this class. Try mod queue.")
    return flag


async def record_decision(
    db: AsyncSession,
    flag: Flag,
    approve: bool,
    actor: Actor,
    reason: str,
    batch: int,
    now: datetime,
    edited: str | None = None,
) -> bool:
    """Record a decision on `flag` if it is still pending (and audit it); `batch`: the first
    flag decided together with it. Checked and written in one statement, `settled` cleared
    in it too: a hold's last step marking the flag done, or another decision, between this
    read and this write would otherwise keep the decision from ever being carried out.
    False (nothing recorded) if the flag was decided meanwhile; `flag` is read again."""
    state = FlagState.APPROVED if approve else FlagState.REJECTED
    original = flag.text
    values: dict[str, object] = {
        "state": state,
        "decided_by": actor.user.label,
        "decided_at": now,
        "decision_reason": reason,
        "decision_batch": batch,
        "settled": False,
    }
    if edited is not None and approve:
        values["text"] = edited
    result = await db.execute(
        update(Flag)
        .where(Flag.id == flag.id, Flag.state == FlagState.PENDING)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    await db.refresh(flag)
    if getattr(result, "rowcount", 0) != 1:
        return False
    audit.record(
        db,
        now,
        flag.classroom_id,
        actor.user.id,
        f"flag.{flag.state}",
        flag=flag.id,
        reason=reason,
        text=original,
        shared=flag.text if approve else None,
        reasons=why(flag),
    )
    return True


async def reviewed_by(
    sessionmaker: async_sessionmaker[AsyncSession], review_message_id: str
) -> tuple[int | None, int | None]:
    """The combined review's lead flag, and the pending flag, whose review this message is."""
    async with sessionmaker() as db:
        lead = await db.scalar(
            select(ReviewGroup.lead_flag_id).where(
                ReviewGroup.review_message_id == review_message_id
            )
        )
        flag_id = await db.scalar(
            select(Flag.id).where(
                Flag.review_message_id == review_message_id, Flag.state == FlagState.PENDING
            )
        )
    return lead, flag_id
