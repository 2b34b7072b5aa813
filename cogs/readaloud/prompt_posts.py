"""Which message each prompt was posted as: the row a vote or an answer finds its prompt by.

The row is written by the prompt's keyed delivery (`Deliveries.once(..., also=...)`), in the
same transaction as the delivery record, so a crash and a retry write it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.model import ChannelRef, MessageRef
from bot.db.tables import Prompt, PromptPost
from bot.deliveries import Also


def posted_as(session_id: int, prompt_id: int) -> Also:
    """The `also` of a prompt's delivery: records which message the prompt is."""

    async def write(
        db: AsyncSession, where: ChannelRef, ref: MessageRef | None, at: datetime
    ) -> None:
        insert = sqlite_insert if db.get_bind().dialect.name == "sqlite" else pg_insert
        stmt = insert(PromptPost).values(
            session_id=session_id,
            prompt_id=prompt_id,
            platform=where.platform.value,
            channel_id=where.id,
            thread_id=where.thread,
            message_id=ref.id if ref else None,
            posted_at=at,
        )
        await db.execute(
            stmt.on_conflict_do_update(
                index_elements=[PromptPost.session_id, PromptPost.prompt_id],
                set_={"message_id": stmt.excluded.message_id, "posted_at": stmt.excluded.posted_at},
            )
        )

    return write


@dataclass(frozen=True)
class Posted:
    """A prompt as posted in one session."""

    session_id: int
    prompt: Prompt


async def prompt_of(db: AsyncSession, message: MessageRef) -> Posted | None:
    """The prompt that `message` is (a poll being voted on), if it is one."""
    row = (
        await db.execute(
            select(PromptPost.session_id, Prompt)
            .join(Prompt, Prompt.id == PromptPost.prompt_id)
            .where(
                PromptPost.platform == message.channel.platform.value,
                PromptPost.message_id == message.id,
            )
            .limit(1)
        )
    ).first()
    return None if row is None else Posted(row[0], row[1])


async def latest_prompt(db: AsyncSession, session_id: int, now: datetime) -> Prompt | None:
    """The prompt posted last in a session, by `now`."""
    return await db.scalar(
        select(Prompt)
        .join(PromptPost, PromptPost.prompt_id == Prompt.id)
        .where(PromptPost.session_id == session_id, PromptPost.posted_at <= now)
        .order_by(PromptPost.posted_at.desc(), PromptPost.id.desc())
        .limit(1)
    )
