"""The guest authors feature: invites, students' questions (teacher-approved first), the
author's inbox and answers back to the classes."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import CommandTyped, DirectMessage, MessagePosted
from bot.core.feature import Feature, RoleHook, Stage, on
from bot.core.ports import Chat
from bot.db.states import QuestionState
from bot.db.tables import Question
from bot.features import Deps
from cogs.authors import commands
from cogs.authors.service import GuestAuthors
from cogs.classroom import retention
from cogs.classroom.feature import Classroom
from cogs.moderation.feature import Moderation

log = logging.getLogger(__name__)
FINISHED_QUESTIONS = (
    QuestionState.ANSWERED,
    QuestionState.PASSED,
    QuestionState.REJECTED,
    QuestionState.DROPPED,
)


@dataclass
class Authors:
    """What the other features (and tests) may use of the guest authors feature."""

    authors: GuestAuthors


def setup(deps: Deps, classroom: Classroom, moderation: Moderation) -> Feature[Authors]:
    """Questions and answers are reviewed in the moderation queue (kinds below)."""
    authors = GuestAuthors(
        deps.sessionmaker,
        classroom.classes,
        moderation.moderation,
        deps.chats,
        deps.deliveries,
        deps.clock,
    )

    async def posted(chat: Chat, ev: MessagePosted | CommandTyped) -> None:
        await authors.on_posted(chat, ev)

    async def direct(chat: Chat, ev: DirectMessage) -> None:
        await authors.on_direct(chat, ev)  # after moderation answered a child's

    async def resume() -> None:
        if resumed := await authors.resume():
            log.info("finished %d interrupted guest author answer(s)", resumed)

    return Feature(
        "authors",
        Authors(authors),
        commands=commands.declare(authors),
        handlers=[
            # a secret invite code posted in a class room is gone before anything else looks
            on(MessagePosted, posted, Stage.GUARD),
            on(CommandTyped, posted, Stage.GUARD),
            on(DirectMessage, direct, Stage.AFTER),
        ],
        roles=[RoleHook(authors.resolve_role)],  # after the class's own roles
        retention=purge,
        review_kinds=("question", "answer"),
        resume=[resume],
    )


async def purge(db: AsyncSession, now: datetime) -> int:
    """Finished questions for the guest author older than the class's retention period."""
    removed = 0
    for classes, cutoff in await retention.cutoffs(db, now):
        result = await db.execute(
            delete(Question).where(
                Question.classroom_id.in_(classes),
                Question.state.in_(FINISHED_QUESTIONS),
                Question.updated_at < cutoff,
            )
        )
        removed += int(getattr(result, "rowcount", 0) or 0)
    return removed
