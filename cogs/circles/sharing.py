"""Sharing between the classes of a circle: what a class offers, what it receives.

Sending: a student's message that their own class now sees in a session thread
(``MessageShared``) is offered per the class's rule (`circle share`): as a `SharedPost`
(first name and class label only, the words kept in class by ``deidentify``), one
``CirclePost`` row with a copy for each other class of the circle here (``copies.py``),
and to the classes of other installations through the optional `CircleTransport`.

Receiving: ``receive(post)`` is the one way in, from a class here or from the transport:
a copy for every class here in the circle except the sender. ``retract(r)`` takes a
post back everywhere (a teacher of the sending class hid it).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.circles import CircleTransport, Retraction, SharedPost
from bot.core.clock import Clock
from bot.core.events import MessageShared
from bot.db.tables import (
    Answer,
    Circle,
    CircleCopy,
    CircleMember,
    CirclePost,
    Question,
    Session,
)
from cogs.authors.context import class_people
from cogs.authors.deidentify import Person, deidentify
from cogs.circles import copies as states
from cogs.circles.copies import WALL, Copies
from cogs.circles.identity import Installations, circle_uid, class_uid, first_name
from cogs.circles.service import Circles
from cogs.readaloud.prompt_posts import latest_prompt

log = logging.getLogger(__name__)
RELEASE_AT_ONCE = 8  # partner classes whose copies are posted at the same time (a database
# connection each: well inside the pool)


class Sharing:
    """Offers a class's posts to its circle and delivers what the circle shares."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        circles: Circles,
        copies: Copies,
        installations: Installations,
        clock: Clock,
        accounts: list[object],
        transport: CircleTransport | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.circles = circles
        self.copies = copies
        self.installations = installations
        self.clock = clock
        self.accounts = accounts  # how each platform writes an account (Chats.known_accounts)
        self.transport = transport  # the classes of other installations (None: only here)

    # ---- sending ----

    async def on_shared(self, ev: MessageShared) -> None:
        """A student's message became visible in their class: offer it, if the class's
        rule says so and it is in the thread of one of its sessions."""
        if ev.channel.thread is None:
            return
        post = await self._offer(ev)
        if post is None:
            return
        await self.offer_everywhere(post)

    async def _offer(self, ev: MessageShared) -> SharedPost | None:
        installation = await self.installations.uid()
        source = f"{ev.channel.platform.value}:{ev.message_id}"
        async with self.sessionmaker.begin() as db:
            found = (
                await db.execute(
                    select(Circle, CircleMember.share)
                    .join(CircleMember, CircleMember.circle_id == Circle.id)
                    .where(CircleMember.classroom_id == ev.classroom_id)
                )
            ).first()
            if found is None:
                return None
            circle, rule = found
            if rule == "none" or (rule == "approved" and not ev.approved):
                return None
            session = await db.scalar(
                select(Session).where(
                    Session.classroom_id == ev.classroom_id, Session.thread_id == ev.channel.thread
                )
            )
            if session is None:
                return None  # not a session's discussion
            chapter = session.last_chapter
            # an answer to the summary or prediction prompt goes on the circle's wall too
            prompt = await latest_prompt(db, session.id, self.clock.now())
            kind = prompt.kind if prompt is not None and prompt.kind in WALL else "thought"
            if ev.message_id and await db.scalar(
                select(CirclePost.id).where(CirclePost.source == source)
            ):
                return None  # offered already (told again after a restart)
            label = (await self.circles.labels(db, [ev.classroom_id]))[ev.classroom_id][0]
            people = [
                *await class_people(db, ev.classroom_id),
                Person(ev.author.id, ev.author.name),
            ]
            text = deidentify(ev.text, people, self.accounts) or "…"  # type: ignore[arg-type]
            row = CirclePost(
                uid=f"{installation}:pending:{source}"[:120],
                circle_uid=circle_uid(installation, circle),
                from_class=class_uid(installation, ev.classroom_id),
                from_classroom_id=ev.classroom_id,
                source=source if ev.message_id else None,
                class_label=label,
                first_name=first_name(ev.author.name),
                chapter=int(chapter),
                kind=kind,
                text=text,
                shared_at=self.clock.now(),
            )
            db.add(row)
            await db.flush()
            row.uid = f"{installation}:p{row.id}"
            return value_of(row)

    async def offer_everywhere(self, post: SharedPost) -> None:
        """To the classes here and the other installations of the circle (the transport);
        marked done after both, so a crash in between offers it again at start (each side
        takes a post once)."""
        await self.receive(post)
        if self.transport is not None:
            try:
                await self.transport.offer(post)
            except Exception:
                log.exception("circles: post %s not sent on yet; tried again at start", post.uid)
                return
        async with self.sessionmaker.begin() as db:
            row = await db.scalar(select(CirclePost).where(CirclePost.uid == post.uid))
            if row is not None:
                row.offered_at = self.clock.now()

    # ---- receiving ----

    async def receive(self, post: SharedPost) -> int:
        """Deliver `post` to every class here in its circle except the one that sent it:
        a copy each, screened with that class's rules, held or kept back for its chapter
        as needed. Safe to call again with the same post (one copy per class). Returns how
        many copies were made now."""
        installation = await self.installations.uid()
        try:
            async with self.sessionmaker.begin() as db:
                row = await db.scalar(select(CirclePost).where(CirclePost.uid == post.uid))
                if row is None:
                    row = _row(post, self.clock)
                    db.add(row)
                    await db.flush()
                if row.retracted_at is not None:
                    return 0
                circle = await self._local_circle(db, installation, post.circle_uid)
                if circle is None:
                    return 0
                members = await db.scalars(
                    select(CircleMember.classroom_id).where(CircleMember.circle_id == circle.id)
                )
                have = set(
                    await db.scalars(
                        select(CircleCopy.classroom_id).where(CircleCopy.post_id == row.id)
                    )
                )
                have |= await asked_too(db, row.source)  # an answer: they have it already
                wanted = [
                    m
                    for m in members
                    if class_uid(installation, m) != post.from_class and m not in have
                ]
                flags = await self.copies.make(db, row, wanted)
        except IntegrityError:  # the same post, received twice at once: the other made them
            return 0
        await self.copies.settle_all(flags)
        await self._release(wanted)
        return len(wanted)

    async def _release(self, class_ids: list[int]) -> None:
        """Each class's copies, `RELEASE_AT_ONCE` classes at a time (so the platforms' rate
        limits, not this loop, set the pace); a class that fails does not stop the others,
        and the first failure is raised once all were tried (the sweep tries it again)."""
        gate = asyncio.Semaphore(RELEASE_AT_ONCE)

        async def one(class_id: int) -> None:
            async with gate:
                await self.copies.release(class_id)

        results = await asyncio.gather(*(one(c) for c in class_ids), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        for class_id, result in zip(class_ids, results, strict=True):
            if isinstance(result, Exception):
                log.error("circles: copies for class %s not posted yet: %r", class_id, result)
        if failed:
            raise failed[0]

    @staticmethod
    async def _local_circle(db: AsyncSession, installation: str, uid: str) -> Circle | None:
        prefix, _, number = uid.rpartition(":c")
        if prefix == installation and number.isdigit():
            return await db.get(Circle, int(number))
        return await db.scalar(select(Circle).where(Circle.uid == uid))

    # ---- taking back ----

    async def retract(self, r: Retraction) -> int:
        """Take a post back from every class here; safe to call again. Returns how many
        copies were taken back now or before."""
        async with self.sessionmaker.begin() as db:
            row = await db.scalar(select(CirclePost).where(CirclePost.uid == r.uid))
            if row is None:  # retracted before it arrived: it never will
                row = CirclePost(
                    uid=r.uid, circle_uid=r.circle_uid, from_class="", class_label="",
                    first_name="", chapter=0, kind="thought", text="",
                    shared_at=self.clock.now(),
                )  # fmt: skip
                db.add(row)
            if row.retracted_at is None:
                row.retracted_at = self.clock.now()
            await db.flush()
            ids = list(await db.scalars(select(CircleCopy.id).where(CircleCopy.post_id == row.id)))
        for copy_id in ids:
            await self.copies.take_back(copy_id, states.RETRACTED)
        return len(ids)

    async def take_back(self, post_id: int) -> int:
        """A teacher of the sending class takes its post back: here and elsewhere."""
        async with self.sessionmaker() as db:
            row = await db.get_one(CirclePost, post_id)
            r = Retraction(row.uid, row.circle_uid)
        taken = await self.retract(r)
        if self.transport is not None:
            try:
                await self.transport.retract(r)
            except Exception:
                log.exception("circles: retraction of %s not sent on yet", r.uid)
        return taken

    async def spoiled(self, post_id: int) -> None:
        """The sending class's teacher marked its post a spoiler of a later chapter: the
        other installations take back what they have and get it again for that chapter
        (as ``<uid>s<chapter>``, a new post there: their holds and waits apply again)."""
        if self.transport is None:
            return
        async with self.sessionmaker() as db:
            row = await db.get_one(CirclePost, post_id)
            if row.retracted_at is not None:
                return
            post = value_of(row)
        try:
            await self.transport.retract(Retraction(post.uid, post.circle_uid))
            await self.transport.offer(replace(post, uid=f"{post.uid}s{post.chapter}"))
        except Exception:
            log.exception("circles: spoiler of %s not sent on to the other schools", post.uid)

    async def resume(self) -> int:
        """At start: what a crash left half done. Posts not yet sent on to the other
        installations, retractions not yet carried out, copies not yet released."""
        async with self.sessionmaker() as db:
            unsent = list(
                await db.scalars(
                    select(CirclePost).where(
                        CirclePost.from_classroom_id.is_not(None),
                        CirclePost.offered_at.is_(None),
                        CirclePost.retracted_at.is_(None),
                    )
                )
            )
            gone = list(
                await db.scalars(
                    select(CirclePost.uid)
                    .join(CircleCopy, CircleCopy.post_id == CirclePost.id)
                    .where(
                        CirclePost.retracted_at.is_not(None),
                        CircleCopy.state.in_((*states.PENDING, states.DELIVERED)),
                    )
                    .distinct()
                )
            )
        for post in unsent:
            await self.offer_everywhere(value_of(post))
        for uid in gone:
            await self.retract(Retraction(uid, ""))
        return await self.copies.release_all()


def value_of(row: CirclePost) -> SharedPost:
    return SharedPost(
        row.uid, row.circle_uid, row.from_class, row.class_label, row.first_name,
        row.chapter, row.kind, row.text,
    )  # fmt: skip


def _row(post: SharedPost, clock: Clock) -> CirclePost:
    return CirclePost(
        uid=post.uid, circle_uid=post.circle_uid, from_class=post.from_class,
        class_label=post.class_label[:255], first_name=post.first_name[:80],
        chapter=post.chapter, kind=post.kind[:16], text=post.text, shared_at=clock.now(),
    )  # fmt: skip


ANSWER = "answer:"  # the source of a shared author's answer: "answer:<answer id>:<circle>"


async def asked_too(db: AsyncSession, source: str | None) -> set[int]:
    """The classes that asked the question an answer post answers (they have it)."""
    if not source or not source.startswith(ANSWER):
        return set()
    answer_id = source.removeprefix(ANSWER).split(":", 1)[0]
    if not answer_id.isdigit():
        return set()
    item = select(Answer.item_id).where(Answer.id == int(answer_id)).scalar_subquery()
    return set(await db.scalars(select(Question.classroom_id).where(Question.item_id == item)))
