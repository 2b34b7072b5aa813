"""What arrives from the other installations of a circle (``RemoteCircles.arrived``): each
post, retraction, acknowledgement and member change is checked against what this
installation knows of the circle (who may say what), then shown at most once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.circles import Retraction, SharedPost, WireEvent
from bot.core.clock import Clock
from bot.db.states import ArrivalState, OutboxState
from bot.db.tables import CircleInbox, CircleLink, CircleOutbox, CirclePartner
from cogs.circles.identity import installation_of
from cogs.circles.remote_rows import local_classes, speaks_for, stop_waiting

log = logging.getLogger("cogs.circles.remote")
Received = Callable[[int, SharedPost], Awaitable[None]]  # (local circle id, post)
Retracted = Callable[[int, Retraction], Awaitable[None]]
Removed = Callable[[CircleLink, str], Awaitable[None]]  # (the circle's link, class uid)


class Arrivals:
    """The receiving half of `RemoteCircles` (which sets these attributes)."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    on_post: Received
    on_retract: Retracted
    on_removed: Removed | None

    def _me(self) -> str:
        raise NotImplementedError

    async def _partner(self, db: AsyncSession, link: CircleLink, ev: WireEvent) -> bool:
        """Whether the sender is the bot of an installation with a class in this circle."""
        found = await db.scalar(
            select(CirclePartner.id).where(
                CirclePartner.link_id == link.id,
                CirclePartner.installation == ev.sender,
                CirclePartner.left_at.is_(None),
            )
        )
        return found is not None

    async def _post(self, link: CircleLink, ev: WireEvent) -> bool:
        """A post from a partner class: shown once. True if it is to be acknowledged."""
        c, now = ev.content, self.clock.now()
        uid = str(c["uid"])
        async with self.sessionmaker.begin() as db:
            sender_class = await db.scalar(
                select(CirclePartner).where(
                    CirclePartner.link_id == link.id,
                    CirclePartner.class_uid == c["from_class"],
                    CirclePartner.installation == ev.sender,
                )
            )
            if sender_class is None:
                log.warning("circle post %s from %s, no class of theirs: ignored", uid, ev.sender)
                return False
            if installation_of(uid) != installation_of(sender_class.class_uid):
                log.warning("circle post %s from %s, an id not theirs: ignored", uid, ev.sender)
                return False
            if sender_class.left_at is not None:
                log.info("circle post %s from a class that left: ignored", uid)
                return True  # acknowledged, so its installation stops sending it
            if link.circle_id is None or not await local_classes(db, link.circle_id):
                log.info("circle post %s for a circle this installation left: ignored", uid)
                return True
            seen = await db.scalar(select(CircleInbox).where(CircleInbox.post_uid == uid))
            if seen is not None and (
                seen.sender != ev.sender or seen.state != ArrivalState.ARRIVED
            ):
                log.warning("circle post id %s replayed (by %s): ignored", uid, ev.sender)
                return seen.sender == ev.sender
            if seen is None:
                db.add(CircleInbox(post_uid=uid, link_id=link.id, sender=ev.sender,
                                   state=ArrivalState.ARRIVED, arrived_at=now))  # fmt: skip
            circle_id = link.circle_id
        post = SharedPost(
            uid, link.circle_uid, str(c["from_class"]), str(c["class_label"]),
            str(c["first_name"]), int(str(c["chapter"])), str(c["kind"]), str(c["text"]),
        )  # fmt: skip
        await self.on_post(circle_id, post)  # (keyed by the post id: again after a crash)
        async with self.sessionmaker.begin() as db:
            await db.execute(
                update(CircleInbox)
                .where(CircleInbox.post_uid == uid, CircleInbox.state == ArrivalState.ARRIVED)
                .values(state=ArrivalState.SHOWN)
            )
        return True

    async def _retraction(self, link: CircleLink, ev: WireEvent) -> bool:
        """Only the installation a post came from may take it back; one that has not
        arrived yet is refused when it does. A retraction that comes again (a bot killed
        after storing it, before its copies went; a resend) takes them back again:
        taking back is safe to repeat, and stored alone it would leave them shown."""
        uid, now = str(ev.content["uid"]), self.clock.now()
        async with self.sessionmaker.begin() as db:
            if not await self._partner(db, link, ev):
                log.warning("circle retraction %s from unknown %s: ignored", uid, ev.sender)
                return False
            if not await speaks_for(db, link.id, ev.sender, uid):
                log.warning("circle retraction %s by another installation: ignored", uid)
                return False
            seen = await db.scalar(select(CircleInbox).where(CircleInbox.post_uid == uid))
            if seen is not None and seen.sender != ev.sender:
                log.warning("circle retraction %s by another installation: ignored", uid)
                return False
            if seen is None:
                db.add(CircleInbox(post_uid=uid, link_id=link.id, sender=ev.sender,
                                   state=ArrivalState.RETRACTED, arrived_at=now))  # fmt: skip
                return True
            seen.state = ArrivalState.RETRACTED
            circle_id = link.circle_id
        if circle_id is not None:
            await self.on_retract(circle_id, Retraction(uid, link.circle_uid))
        return True

    async def _acknowledged(self, link: CircleLink, ev: WireEvent) -> None:
        for kind, field in (("post", "uids"), ("retract", "retracted")):
            uids = [str(u) for u in ev.content[field]]  # type: ignore[attr-defined]
            if not uids:
                continue
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(CircleOutbox)
                    .where(
                        CircleOutbox.link_id == link.id,
                        CircleOutbox.installation == ev.sender,
                        CircleOutbox.kind == kind,
                        CircleOutbox.post_uid.in_(uids),
                        CircleOutbox.state == OutboxState.WAITING,
                    )
                    .values(state=OutboxState.DONE, done_at=self.clock.now())
                )

    async def _member(self, link: CircleLink, ev: WireEvent) -> None:
        """A class joins (announced by the circle's home installation) or leaves (said by
        its own installation, or by the home installation that removed it)."""
        c, now = ev.content, self.clock.now()
        installation = str(c["installation"])
        log.info("circle %s: class %s %s", link.circle_uid, c["class"],
                 "left" if c["left"] else "joined")  # fmt: skip
        if installation == self._me():  # one of this installation's classes
            if c["left"] and ev.sender == link.home and self.on_removed is not None:
                await self.on_removed(link, str(c["class"]))  # the circle's school removed it
            return
        if ev.sender != link.home and not (c["left"] and ev.sender == installation):
            log.warning("circle member event from %s, who may not say it: ignored", ev.sender)
            return
        async with self.sessionmaker.begin() as db:
            row = await db.scalar(
                select(CirclePartner).where(
                    CirclePartner.link_id == link.id, CirclePartner.class_uid == c["class"]
                )
            )
            if row is not None and row.installation != installation:
                log.warning("circle member event moves %s to another bot: ignored", c["class"])
                return
            if c["left"]:
                if row is not None and row.left_at is None:
                    row.left_at = now
                    await stop_waiting(db, link.id, installation)
                return
            if row is None:
                db.add(
                    CirclePartner(
                        link_id=link.id, class_uid=str(c["class"]), installation=installation,
                        label=str(c["label"]), platform=str(c["platform"]),
                        chapter=str(c["chapter"]), joined_at=now,
                    )
                )  # fmt: skip
            else:
                row.left_at, row.label, row.chapter = None, str(c["label"]), str(c["chapter"])
