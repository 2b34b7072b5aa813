"""Running a read-aloud session through its lifecycle.

reminder → announcement + thread → predictions revealed → prompts at their
offsets → poll results → close → digest for the teacher. Each step has its
own delivery key, so running a session again (after a crash, a restart or
two timers firing) only does what is still missing, and the session row
records when it next needs the bot; its timer (``session_timers.py``) moves with it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.core.ports import Chat
from bot.db.states import SessionState
from bot.db.tables import Book, Classroom, Plan, Prompt, Session
from bot.deliveries import Also, Deliveries
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.readaloud import session_timers, texts
from cogs.readaloud.answers import Answers
from cogs.readaloud.digest import digest_text
from cogs.readaloud.prompt_posts import posted_as
from cogs.readaloud.session_timers import ACTIVE as ACTIVE  # sessions that need the bot
from cogs.readaloud.steps import Step, plan_steps

log = logging.getLogger(__name__)
LATE_NOTE_AFTER = timedelta(minutes=5)


@dataclass
class Context:
    """Everything one run of a session needs, loaded once."""

    session: Session
    plan: Plan
    book: Book
    cls: ClassInfo
    chat: Chat
    prompts: list[Prompt]
    last: bool
    away: bool  # the bot was removed from the class room
    thread: ChannelRef | None = None


class SessionRunner:
    """Does whatever of a session is due and not yet done."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        answers: Answers,
        grace: timedelta = timedelta(hours=2),
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.chats = chats
        self.deliveries = deliveries
        self.clock = clock
        self.answers = answers
        self.grace = grace

    async def run(self, session_id: int) -> datetime | None:
        """Do every due step of one session; return when it next needs the bot."""
        now = self.clock.now()
        ctx = await self._load(session_id)
        s = ctx.session if ctx else None
        if ctx is None or s is None or s.state not in ACTIVE or ctx.away:
            return None
        if s.state == SessionState.PLANNED and now - s.starts_at > self.grace:
            await self._missed(ctx)
            return None
        reveal = s.number > 1 and await self.answers.has_predictions(s.plan_id, s.number - 1)
        next_due: datetime | None = None
        started = False
        for step in plan_steps(s, ctx.plan, ctx.prompts, reveal):
            if step.due > now:
                next_due = step.due
                break
            await self._do(ctx, step, now)
            started = started or step.kind != "reminder"
        state = (
            SessionState.DONE
            if next_due is None
            else (SessionState.RUNNING if started else SessionState.PLANNED)
        )
        async with self.sessionmaker.begin() as db:
            await db.execute(
                update(Session)
                .where(Session.id == s.id)
                .values(next_step_at=next_due, state=state, thread_id=s.thread_id)
            )
            await session_timers.stepped(db, s.id, next_due)  # its timer moves with it
        return next_due

    async def _do(self, ctx: Context, step: Step, now: datetime) -> None:
        s, chat, cls = ctx.session, ctx.chat, ctx.cls
        title, first, last = ctx.book.title, s.first_chapter, s.last_chapter
        if step.kind == "reminder":
            if now < s.starts_at:  # a reminder after the start would only confuse
                text = texts.reminder(title, first, last, ctx.plan.reminder_minutes)
                await self._send(chat, cls.channel, text, step.key, notice=False)
            return
        if step.kind == "announce":
            late = s.state == SessionState.PLANNED and now - s.starts_at > LATE_NOTE_AFTER
            text = texts.announcement(title, first, last, s.number, late)
            root = await self._send(chat, cls.channel, text, step.key, notice=False)
            ctx.thread = await self._thread(ctx, root)
            return
        thread = ctx.thread or cls.channel.in_thread(s.thread_id)
        if step.kind == "reveal":
            shown = await self.answers.predictions(s.plan_id, s.number - 1)
            await self._send(chat, thread, texts.reveal(shown), step.key)
        elif step.kind == "prompt" and step.prompt is not None:
            await self._prompt(ctx, thread, step)
        elif step.kind == "results" and step.prompt is not None:
            p = step.prompt
            counts, before = await self.answers.tally(s.id, p)
            text = texts.results(p.text, p.options, counts, before if ctx.last else None)
            await self._send(chat, thread, text, step.key)
        elif step.kind == "close":
            notice = Outgoing(texts.closing(title, first, last), key=step.key)
            await self.deliveries.once(step.key, thread, partial(self._close, chat, thread, notice))
        elif step.kind == "digest" and cls.teacher_channel is not None:
            text = await digest_text(self.sessionmaker, s, title)
            await self._send(chat, cls.teacher_channel, text, step.key)

    async def _prompt(self, ctx: Context, thread: ChannelRef, step: Step) -> None:
        p = step.prompt
        assert p is not None
        s = ctx.session
        # an opinion poll is asked again in the last session, "after" the book
        after = p.kind == "opinion" and not s.first_chapter <= p.chapter <= s.last_chapter
        body = texts.prompt(p, after=after)
        also = posted_as(s.id, p.id)
        if p.kind in ("poll", "opinion"):
            out = Outgoing(body, key=step.key)
            # recorded the moment it exists: a vote tapped while the options appear counts
            recorded = partial(self.deliveries.record, step.key, thread, also=also)
            poll = partial(ctx.chat.send_poll, thread, body, p.options, out, recorded)
            await self.deliveries.once(step.key, thread, poll, also=also)
        else:
            await self._send(ctx.chat, thread, body, step.key, also=also)

    async def _send(
        self,
        chat: Chat,
        where: ChannelRef,
        text: str,
        key: str,
        notice: bool = True,
        also: Also | None = None,
    ) -> MessageRef | None:
        out = Outgoing(text, key=key, notice=notice)
        return await self.deliveries.once(key, where, partial(chat.send, where, out), also=also)

    @staticmethod
    async def _close(chat: Chat, thread: ChannelRef, notice: Outgoing) -> None:
        await chat.close_thread(thread, notice)

    async def _thread(self, ctx: Context, root: MessageRef | None) -> ChannelRef:
        """The session's thread, opened once and remembered on the session row."""
        s = ctx.session
        if s.thread_id:
            return ctx.cls.channel.in_thread(s.thread_id)
        assert root is not None
        # saved with the session's state at the end of the run; opening again is harmless
        thread = await ctx.chat.open_thread(root, f"{ctx.book.title} — session {s.number}")
        s.thread_id = thread.thread
        return thread

    async def _missed(self, ctx: Context) -> None:
        """Too late to post on its own: tell the teacher how to post it now instead."""
        s, cls = ctx.session, ctx.cls
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Session, s.id)
            row.state, row.next_step_at = SessionState.MISSED, None
        if cls.teacher_channel is None:
            return
        when = s.starts_at.astimezone(ZoneInfo(cls.timezone)).strftime("%a %d %b %H:%M")
        text = texts.missed(s.number, ctx.book.title, s.first_chapter, s.last_chapter, when)
        await self._send(ctx.chat, cls.teacher_channel, text, f"session:{s.id}:missed")

    async def _load(self, session_id: int) -> Context | None:
        last_number = (
            select(func.max(Session.number))
            .where(Session.plan_id == Plan.id)
            .correlate(Plan)
            .scalar_subquery()
        )
        async with self.sessionmaker() as db:
            found = (
                await db.execute(
                    select(Session, Plan, Book, Classroom, last_number)
                    .join(Plan, Plan.id == Session.plan_id)
                    .join(Book, Book.id == Plan.book_id)
                    .join(Classroom, Classroom.id == Session.classroom_id)
                    .where(Session.id == session_id)
                )
            ).first()
            if found is None:
                return None
            s, plan, book, classroom, last_number_value = found
            last = s.number == last_number_value
            prompts = await _prompts(db, book.id, s.first_chapter, s.last_chapter, last)
        cls = ClassInfo.of(classroom)
        away = classroom.away_since is not None
        return Context(s, plan, book, cls, self.chats[cls.platform], prompts, last, away)


async def _prompts(
    db: AsyncSession, book_id: int, first: int, last: int, final_session: bool
) -> list[Prompt]:
    """The chapters' prompts; the last session also repeats every opinion poll."""
    rows = await db.scalars(
        select(Prompt).where(Prompt.book_id == book_id).order_by(Prompt.offset_minutes, Prompt.id)
    )
    return [
        p for p in rows if first <= p.chapter <= last or (final_session and p.kind == "opinion")
    ]
