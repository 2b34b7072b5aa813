"""A guest author's answer to a question one class of a circle asked reaches every class
of the circle: shared like a student's post (kind "answer"), screened again and kept back
until each class's session for the question's chapter, and not sent to a class that asked
the same question (it got the answer itself)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.names import clean
from bot.db.tables import Circle, CircleMember, CirclePost
from cogs.authors.context import class_people
from cogs.authors.deidentify import deidentify
from cogs.authors.fanout import AnswerShown
from cogs.circles import sharing_texts as texts
from cogs.circles.identity import circle_uid, class_uid
from cogs.circles.sharing import ANSWER, Sharing, value_of


class CircleAnswers:
    """Shares the answers a class of a circle gets with the rest of the circle."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        sharing: Sharing,
        clock: Clock,
        accounts: list[object],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.sharing = sharing
        self.clock = clock
        self.accounts = accounts

    async def on_shown(self, shown: AnswerShown) -> None:
        """Once per answer and circle, however many of its classes asked."""
        installation = await self.sharing.installations.uid()
        async with self.sessionmaker.begin() as db:
            circle = await db.scalar(
                select(Circle)
                .join(CircleMember, CircleMember.circle_id == Circle.id)
                .where(CircleMember.classroom_id == shown.classroom_id)
            )
            if circle is None:
                return
            uid = circle_uid(installation, circle)
            source = f"{ANSWER}{shown.answer_id}:{uid}"[:255]
            if await db.scalar(select(CirclePost.id).where(CirclePost.source == source)):
                return
            label = (await self.sharing.circles.labels(db, [shown.classroom_id]))[
                shown.classroom_id
            ][0]
            people = await class_people(db, shown.classroom_id)
            question = deidentify(shown.question, people, self.accounts) or "…"  # type: ignore[arg-type]
            row = CirclePost(
                uid=f"{installation}:pending:{source}"[:120], circle_uid=uid,
                from_class=class_uid(installation, shown.classroom_id),
                from_classroom_id=shown.classroom_id, source=source, class_label=label,
                first_name=clean(shown.author, limit=80), chapter=shown.chapter or 1,
                kind="answer", text=texts.answer_text(question, shown.text),
                shared_at=self.clock.now(),
            )  # fmt: skip
            db.add(row)
            await db.flush()
            row.uid = f"{installation}:p{row.id}"
            post = value_of(row)
        await self.sharing.offer_everywhere(post)
