"""Students' answers to prompts: summary entries, predictions and poll votes.

A shared message in a session thread answers the latest prompt posted there
before it. Summaries get a character count; predictions are kept for the
next session; a vote names its poll and option (the adapter reads the platform's way of
voting: a native poll, a numbered reaction).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.dispatch import Chats
from bot.core.events import MessageShared, PollVoted
from bot.core.model import Outgoing
from bot.core.ports import Chat
from bot.db.tables import Entry, Prompt, Session, Vote
from cogs.readaloud import texts
from cogs.readaloud.prompt_posts import latest_prompt, prompt_of

COLLECTED = ("summary", "prediction")


class Answers:
    """Collects entries and votes; tells students how their summary measures up."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], chats: Chats, clock: Clock
    ) -> None:
        self.sessionmaker = sessionmaker
        self.chats = chats
        self.clock = clock

    async def on_shared(self, ev: MessageShared) -> None:
        """A visible student message in a session thread may answer a prompt."""
        if ev.channel.thread is None:
            return
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            session = await db.scalar(
                select(Session).where(
                    Session.classroom_id == ev.classroom_id,
                    Session.thread_id == ev.channel.thread,
                )
            )
            if session is None:
                return
            prompt = await latest_prompt(db, session.id, now)
            if prompt is None or prompt.kind not in COLLECTED:
                return
            entry = await db.scalar(
                select(Entry).where(
                    Entry.session_id == session.id,
                    Entry.prompt_id == prompt.id,
                    Entry.user_id == ev.author.id,
                )
            )
            if entry is None:
                entry = Entry(session_id=session.id, prompt_id=prompt.id, user_id=ev.author.id)
                db.add(entry)
            entry.user_name, entry.text, entry.at = ev.author.label, ev.text, now
            kind, limit = prompt.kind, prompt.char_limit
        name = ev.author.label
        reply = (
            texts.summary_feedback(name, len(ev.text.strip()), limit)
            if kind == "summary"
            else texts.prediction_saved(name)
        )
        chat: Chat = self.chats[ev.channel.platform]
        await chat.tell(ev.author, ev.channel, Outgoing(reply, mentions=(ev.author,)))

    async def on_vote(self, ev: PollVoted) -> None:
        """A vote on one of the bot's polls records that student's vote (their latest counts)."""
        option = ev.option
        async with self.sessionmaker.begin() as db:
            posted = await prompt_of(db, ev.target)
            if posted is None or option >= len(posted.prompt.options):
                return
            session_id, prompt = posted.session_id, posted.prompt
            vote = await db.scalar(
                select(Vote).where(
                    Vote.session_id == session_id,
                    Vote.prompt_id == prompt.id,
                    Vote.user_id == ev.actor.user.id,
                )
            )
            if vote is None:
                vote = Vote(session_id=session_id, prompt_id=prompt.id, user_id=ev.actor.user.id)
                db.add(vote)
            vote.option, vote.at = option, self.clock.now()

    async def tally(self, session_id: int, prompt: Prompt) -> tuple[list[int], list[int]]:
        """Votes per option in this session, and in every earlier session (for opinions)."""
        async with self.sessionmaker() as db:
            rows = list(
                await db.execute(
                    select(Vote.session_id, Vote.option).where(Vote.prompt_id == prompt.id)
                )
            )
        now = [0] * len(prompt.options)
        before = [0] * len(prompt.options)
        for sid, option in rows:
            if option < len(now):
                (now if sid == session_id else before)[option] += 1
        return now, before

    async def has_predictions(self, plan_id: int, number: int) -> bool:
        return bool(await self.predictions(plan_id, number))

    async def predictions(self, plan_id: int, number: int) -> list[tuple[str, str]]:
        """(first name, prediction) from session `number` of a plan, oldest first."""
        if number < 1:
            return []
        async with self.sessionmaker() as db:
            rows = await db.execute(
                select(Entry.user_name, Entry.text)
                .join(Session, Session.id == Entry.session_id)
                .join(Prompt, Prompt.id == Entry.prompt_id)
                .where(
                    Session.plan_id == plan_id,
                    Session.number == number,
                    Prompt.kind == "prediction",
                )
                .order_by(Entry.at)
            )
            return [(name, text) for name, text in rows]
