"""The teacher's digest after a session: who took part and how, and the summary entries."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.wording import plural
from bot.db.tables import Entry, Flag, Member, Post, Prompt, Session, Vote
from cogs.readaloud.calendar import chapters_label


async def digest_text(
    sessionmaker: async_sessionmaker[AsyncSession], s: Session, title: str
) -> str:
    """A short, readable report of one session for the teacher channel."""
    async with sessionmaker() as db:
        posts = (
            list(
                await db.scalars(
                    select(Post).where(
                        Post.classroom_id == s.classroom_id,
                        Post.thread_id == s.thread_id,
                        Post.revision == "",  # an edited message counts once
                    )
                )
            )
            if s.thread_id
            else []
        )
        flags = (
            list(
                await db.scalars(
                    select(Flag).where(
                        Flag.classroom_id == s.classroom_id, Flag.thread_id == s.thread_id
                    )
                )
            )
            if s.thread_id
            else []
        )
        entries = list(
            await db.execute(
                select(Entry, Prompt.kind)
                .join(Prompt, Prompt.id == Entry.prompt_id)
                .where(Entry.session_id == s.id)
                .order_by(Entry.at)
            )
        )
        votes = list(await db.scalars(select(Vote.user_id).where(Vote.session_id == s.id)))
        members = await db.execute(
            select(Member.user_id, Member.display_name).where(Member.classroom_id == s.classroom_id)
        )
    names = {user_id: name for user_id, name in members if name}
    names.update({f.user_id: f.user_name for f in flags})
    names.update({e.user_id: e.user_name for e, _ in entries})
    messages = Counter(p.user_id for p in posts)
    answered = Counter(e.user_id for e, _ in entries) + Counter(votes)
    held = sum(1 for f in flags if f.action == "hold")
    flagged = len(flags) - held
    lines = [
        f'📋 Digest — "{title}", {chapters_label(s.first_chapter, s.last_chapter)} '
        f"(session {s.number})",
        f"{plural(len(messages), 'student')} wrote {plural(sum(messages.values()), 'message')}; "
        f"{held} held, {flagged} flagged for you.",
    ]
    for user_id in sorted(set(messages) | set(answered), key=lambda u: -messages[u]):
        who = names.get(user_id, user_id)
        wrote, did = plural(messages[user_id], "message"), plural(answered[user_id], "prompt")
        lines.append(f"• {who}: {wrote}, {did} answered")
    summaries = [(e.user_name, e.text) for e, kind in entries if kind == "summary"]
    if summaries:
        lines.append("Summary challenge entries:")
        lines += [f"  – {name} ({len(text)} chars): {text}" for name, text in summaries]
    if not messages and not answered:
        lines.append("Nobody posted in the thread this time.")
    return "\n".join(lines)
