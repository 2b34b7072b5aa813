"""What a teacher does with the posts of the circle: the class's sharing rule, trusting a
partner class, the list of posts, hiding one (taking it back everywhere when it is the
class's own), and marking one a spoiler for a later chapter."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.events import Decided
from bot.db import audit
from bot.db.tables import CircleCopy, CircleMember, CirclePost, CircleTrust
from cogs.circles import copies as states
from cogs.circles import sharing_texts as texts
from cogs.circles.copies import Copies
from cogs.circles.remote_rows import link_of_circle, partners
from cogs.circles.service import Circles
from cogs.circles.sharing import Sharing
from cogs.classroom.calls import ClassCall
from cogs.classroom.service import ClassroomService

LISTED = 15  # the latest posts `circle posts` shows


class SharedPosts:
    """The teacher's commands on circle posts (platform-neutral, one unit of work each)."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        circles: Circles,
        sharing: Sharing,
        copies: Copies,
        clock: Clock,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.circles = circles
        self.sharing = sharing
        self.copies = copies
        self.clock = clock

    async def set_rule(self, call: ClassCall, rule: str) -> str:
        rule = rule.strip().casefold()
        if rule not in texts.RULES:
            raise UserError(texts.bad_rule(rule, call.prefix))
        async with self.sessionmaker.begin() as db:
            await self.circles.require(db, call)
            await db.execute(
                update(CircleMember)
                .where(CircleMember.classroom_id == call.class_id)
                .values(share=rule)
            )
            audit.record(
                db, self.clock.now(), call.class_id, call.actor.user.id, "circle.share", rule=rule
            )
        return texts.rule_set(rule, call.prefix)

    async def trust(self, call: ClassCall, name: str) -> str:
        """Posts from this partner class reach the class without waiting for the teacher."""
        name = name.strip().strip("\"'“”")
        wanted = " ".join(name.split()).casefold()
        installation = await self.sharing.installations.uid()
        async with self.sessionmaker() as db:
            await self.circles.require(db, call)
            partners = await self._partners(db, call.class_id, installation)
        found = {uid: label for uid, label in partners.items() if _named(label, wanted)}
        if len(found) != 1:
            names = sorted(set(partners.values()))
            raise UserError(texts.no_partner(name, names, call.prefix))
        ((uid, label),) = found.items()
        try:
            async with self.sessionmaker.begin() as db:
                db.add(
                    CircleTrust(
                        classroom_id=call.class_id, from_class=uid, trusted_at=self.clock.now()
                    )
                )
                audit.record(
                    db, self.clock.now(), call.class_id, call.actor.user.id, "circle.trust",
                    partner=uid,
                )  # fmt: skip
        except IntegrityError:
            pass  # trusted already
        return texts.trusted(label)

    async def _partners(self, db: AsyncSession, class_id: int, installation: str) -> dict[str, str]:
        """The classes whose posts reached this class (uid → label), and the classes of its
        circle here (they may not have shared yet)."""
        rows = await db.execute(
            select(CirclePost.from_class, CirclePost.class_label)
            .join(CircleCopy, CircleCopy.post_id == CirclePost.id)
            .where(CircleCopy.classroom_id == class_id)
        )
        found = {uid: label for uid, label in rows}
        circle = await self.circles.circle_of(db, class_id)
        if circle is not None:
            ids = [i for i in await self.circles.member_ids(db, circle.id) if i != class_id]
            for i, (label, _, _) in (await self.circles.labels(db, ids)).items():
                found.setdefault(f"{installation}:k{i}", label)
            # and the classes of other schools in it (before any of their posts came)
            link = await link_of_circle(db, circle.id)
            for p in await partners(db, link.id) if link is not None else []:
                found.setdefault(p.class_uid, p.label)
        return found

    async def listed(self, call: ClassCall) -> list[str]:
        """The latest posts this class shared or received, numbered for `circle hide`."""
        async with self.sessionmaker() as db:
            sent = await db.scalars(
                select(CirclePost)
                .where(CirclePost.from_classroom_id == call.class_id)
                .order_by(CirclePost.id.desc())
                .limit(LISTED)
            )
            lines = [
                texts.post_line(p.id, "your class", p.first_name, p.chapter, p.text,
                                "taken back" if p.retracted_at else "shared")
                for p in sent
            ]  # fmt: skip
            got = await db.execute(
                select(CirclePost, CircleCopy.state)
                .join(CircleCopy, CircleCopy.post_id == CirclePost.id)
                .where(CircleCopy.classroom_id == call.class_id)
                .order_by(CirclePost.id.desc())
                .limit(LISTED)
            )
            lines += [
                texts.post_line(p.id, p.class_label, p.first_name, p.chapter, p.text, state)
                for p, state in got
            ]
        if not lines:
            return ["🔗 Nothing shared with or by your class's circle yet."]
        return ["🔗 Circle posts, newest first:", *lines]

    async def hide(self, call: ClassCall, number: int) -> str:
        """The class's own post is taken back everywhere; a partner's, hidden here."""
        own, copy_id = await self._find(call, number)
        if own:
            taken = await self.sharing.take_back(number)
            return texts.taken_back(number, taken)
        assert copy_id is not None
        await self.copies.take_back(copy_id, states.HIDDEN)
        return texts.hidden_here(number)

    async def spoiler(self, call: ClassCall, number: int, chapter: int) -> str:
        """The class's own post waits, everywhere here, for the session of `chapter`."""
        own, _ = await self._find(call, number)
        if not own or chapter < 1:
            raise UserError(
                texts.bad_chapter(call.prefix) if own else texts.no_post(number, call.prefix)
            )
        async with self.sessionmaker.begin() as db:
            post = await db.get_one(CirclePost, number)
            later = chapter > post.chapter
            post.chapter = max(post.chapter, chapter)
            copies = list(await db.scalars(select(CircleCopy).where(CircleCopy.post_id == number)))
            again = [c.id for c in copies if c.state == states.DELIVERED]
        for copy_id in again:  # shown too early: gone now, and again when its chapter comes
            await self.copies.take_back(copy_id, states.RETRACTED)
            await self._again(copy_id)
        for c in copies:
            await self.copies.release(c.classroom_id)
        if later:  # the other schools' copies too
            await self.sharing.spoiled(number)
        return texts.spoiler_set(number, chapter)

    async def _again(self, copy_id: int) -> None:
        """A copy taken back to come again later: a new copy row (a new delivery key)."""
        async with self.sessionmaker.begin() as db:
            old = await db.get_one(CircleCopy, copy_id)
            post_id, class_id = old.post_id, old.classroom_id
            await db.delete(old)
            await db.flush()
            db.add(CircleCopy(post_id=post_id, classroom_id=class_id, state=states.WAITING))

    async def _find(self, call: ClassCall, number: int) -> tuple[bool, int | None]:
        async with self.sessionmaker() as db:
            post = await db.get(CirclePost, number)
            if post is not None and post.from_classroom_id == call.class_id:
                return True, None
            copy_id = await db.scalar(
                select(CircleCopy.id).where(
                    CircleCopy.post_id == number, CircleCopy.classroom_id == call.class_id
                )
            )
        if copy_id is None:
            raise UserError(texts.no_post(number, call.prefix))
        return False, copy_id

    async def on_decided(self, ev: Decided) -> None:
        """A teacher's ❌ on a circle post in a class thread hides it as `circle hide` does
        (their class's own: taken back everywhere, and hidden in the class too)."""
        if ev.approve or ev.review is None or not ev.actor.is_teacher:
            return
        cls = await self.classes.find(ev.channel)
        if cls is None:
            return
        source = f"{ev.review.channel.platform.value}:{ev.review.id}"
        async with self.sessionmaker() as db:
            own = await db.scalar(
                select(CirclePost.id).where(
                    CirclePost.source == source, CirclePost.from_classroom_id == cls.id
                )
            )
            copy = await db.scalar(
                select(CircleCopy.id).where(
                    CircleCopy.message_id == ev.review.id, CircleCopy.classroom_id == cls.id
                )
            )
        if own is not None:
            await self.sharing.take_back(own)
            await self.copies.hide_source(ev.review)
        elif copy is not None:
            await self.copies.take_back(copy, states.HIDDEN)


def _named(label: str, wanted: str) -> bool:
    folded = " ".join(label.split()).casefold()
    return wanted in (folded, folded.split(" (", 1)[0])
