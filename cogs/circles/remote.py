"""Circles between installations: posts and retractions carried over a circle room.

Each installation keeps its own database and rules; what travels is a `SharedPost` (a
first name or alias, a class label, chapter, kind, text: never an account) and a
`Retraction`, as circle events in the circle's room (``CircleWire``; Matrix federation
in practice).

Exactly once: an offered post is a ``circle_outbox`` row per partner installation,
written before the one room event that reaches them all is sent with a keyed transaction
(``circle:post:<uid>:<attempt>``; posts queued while the room's previous send was out go
together as one ``posts`` event, remote_batches.py). A crash between the send and its
record resends with the same key, which the homeserver deduplicates. Each partner
acknowledges what arrived (one ``ack`` event per batch); what is not acknowledged is sent
again by a durable timer (a new attempt, so a new event) while the partner is away, the
receiving side ignores a post id it has seen, a teacher is told when a partner has been
away for days, and after `GIVE_UP` the rows are dropped. At most `MAX_WAITING` rows wait
for one installation.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.circles import CircleWire, Retraction, SharedPost, WireEvent
from bot.core.clock import Clock
from bot.core.feature import Due
from bot.db.states import OutboxState
from bot.db.tables import CircleLink, CircleOutbox
from bot.timers import Timers
from cogs.circles import remote_texts as texts
from cogs.circles.remote_acks import Acks
from cogs.circles.remote_arrivals import Arrivals, Received, Removed, Retracted
from cogs.circles.remote_batches import Drains, pack
from cogs.circles.remote_rows import (
    active_installations,
    link_by_room,
    local_classes,
)

log = logging.getLogger(__name__)
RESEND = "circles.remote.resend"  # timer kind, key = the link id
RESEND_FIRST = timedelta(minutes=1)  # not acknowledged this long after the send: again
RESEND_MAX = timedelta(hours=1)
NOTICE_AFTER = timedelta(days=2)  # a partner away this long: the teachers are told
GIVE_UP = timedelta(days=7)  # then what waits for it is dropped
MAX_WAITING = 1000  # rows waiting for one installation; more are dropped (and told)

Tell = Callable[[int, str, str], Awaitable[None]]  # (class id, delivery key, text)


def post_content(post: SharedPost) -> dict[str, object]:
    return {
        "circle": post.circle_uid, "uid": post.uid, "from_class": post.from_class,
        "class_label": post.class_label, "first_name": post.first_name,
        "chapter": post.chapter, "kind": post.kind, "text": post.text,
    }  # fmt: skip


class RemoteCircles(Arrivals):
    """The `CircleTransport` between installations, and what arrives from them."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        clock: Clock,
        timers: Timers,
        tell: Tell,
        on_post: Received,
        on_retract: Retracted,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock
        self.timers = timers
        self.tell = tell
        self.on_post = on_post
        self.on_retract = on_retract
        self.wire: CircleWire | None = None  # set once the Matrix account is connected
        self.acks = Acks(lambda: self.wire)
        self.on_removed: Removed | None = None  # (remote_removal.py)
        self.drains = Drains()

    # ---- sending (CircleTransport) ----

    async def offer(self, post: SharedPost) -> None:
        """Send `post` to every other installation of its circle, once each."""
        await self._queue(post.circle_uid, post.uid, "post", post_content(post))

    async def retract(self, retraction: Retraction) -> None:
        """Take back a post at every installation it was offered to, and the copies offered
        again for a later chapter (``<uid>s<chapter>``, `Sharing.spoiled`)."""
        async with self.sessionmaker() as db:
            again = await db.scalars(
                select(CircleOutbox.post_uid)
                .where(
                    CircleOutbox.post_uid.startswith(retraction.uid + "s", autoescape=True),
                    CircleOutbox.kind == "post",
                )
                .distinct()
            )
            uids = [retraction.uid, *sorted(again)]
        for uid in uids:
            content: dict[str, object] = {"circle": retraction.circle_uid, "uid": uid}
            await self._queue(retraction.circle_uid, uid, "retract", content)

    async def _queue(
        self, circle_uid: str, uid: str, kind: str, content: dict[str, object]
    ) -> None:
        now, me = self.clock.now(), self._me()
        async with self.sessionmaker.begin() as db:
            link = await db.scalar(select(CircleLink).where(CircleLink.circle_uid == circle_uid))
            if link is None:
                return  # a circle of this installation's classes only
            installations = [i for i in await active_installations(db, link.id) if i != me]
            if kind == "retract":  # a retraction goes wherever the post went, even if gone
                went = await db.scalars(
                    select(CircleOutbox.installation).where(
                        CircleOutbox.post_uid == uid, CircleOutbox.kind == "post"
                    )
                )
                installations = sorted({*installations, *went})
            offered = set(
                await db.scalars(
                    select(CircleOutbox.installation).where(
                        CircleOutbox.post_uid == uid, CircleOutbox.kind == kind
                    )
                )
            )  # offered already (a repeated call after a crash)
            installations = [i for i in installations if i not in offered]
            counted = await db.execute(
                select(CircleOutbox.installation, func.count(CircleOutbox.id))
                .where(
                    CircleOutbox.installation.in_(installations),
                    CircleOutbox.state == OutboxState.WAITING,
                )
                .group_by(CircleOutbox.installation)
            )
            waiting: dict[str, int] = {i: n for i, n in counted}
            for installation in installations:
                full = waiting.get(installation, 0) >= MAX_WAITING
                if full:
                    log.warning("circle outbox for %s is full; dropping %s", installation, uid)
                db.add(
                    CircleOutbox(
                        link_id=link.id, post_uid=uid, kind=kind, installation=installation,
                        content=content, attempt=0,
                        state=OutboxState.DROPPED if full else OutboxState.WAITING,
                        created_at=now,
                    )
                )  # fmt: skip
            link_id, room_id = link.id, link.room_id
        # queued (durably): the timer sends again whatever this send does not get through
        await self.timers.set(RESEND, str(link_id), now + RESEND_FIRST, keep_sooner=True)
        try:
            await self._send(room_id)
        except Exception as e:  # (the account not connected yet, the homeserver away)
            log.warning("circle %s %s not sent yet (%s); the resend timer tries again", kind,
                        uid, e)  # fmt: skip

    async def _send(self, room_id: str) -> None:
        """Send what waits for the room (at once, or with what queues up meanwhile as soon
        as the send out now returns), keyed by attempt; recorded as sent after the
        homeserver took it."""
        if self.wire is None:
            log.warning("no circle account connected; what waits for %s waits", room_id)
            return
        await self.drains.run(room_id, lambda: self._send_waiting(room_id))

    async def _send_waiting(self, room_id: str) -> None:
        async with self.sessionmaker() as db:
            link = await link_by_room(db, room_id)
            if link is None:
                return
            rows = list(
                await db.scalars(
                    select(CircleOutbox).where(
                        CircleOutbox.link_id == link.id,
                        CircleOutbox.state == OutboxState.WAITING,
                        CircleOutbox.sent_at.is_(None),
                    )
                )
            )
        for event in pack(link.circle_uid, rows):
            wire = self.wire
            if wire is None:
                return
            await wire.send(room_id, event.kind, event.content, event.key)
            async with self.sessionmaker.begin() as db:
                await db.execute(
                    update(CircleOutbox)
                    .where(CircleOutbox.id.in_(event.row_ids))
                    .values(sent_at=self.clock.now())
                )

    async def resume(self) -> None:
        """At start: send what was queued but never sent (the same keys as before a crash,
        so what had reached the homeserver is not repeated)."""
        async with self.sessionmaker() as db:
            unsent = await db.scalars(
                select(CircleLink.room_id)
                .join(CircleOutbox, CircleLink.id == CircleOutbox.link_id)
                .where(CircleOutbox.state == OutboxState.WAITING, CircleOutbox.sent_at.is_(None))
                .distinct()
            )
            rooms = sorted(unsent)
        for room_id in rooms:
            try:
                await self._send(room_id)
            except Exception:
                log.exception("resending to circle room %s failed; the timer tries again", room_id)

    async def resend(self, due: Due) -> None:
        """The timer: send again what a partner has not acknowledged, tell teachers of a
        partner away for days, drop what waited too long."""
        link_id, now = int(due.key), self.clock.now()
        async with self.sessionmaker.begin() as db:
            link = await db.get(CircleLink, link_id)
            if link is None:
                return
            waiting = list(
                await db.scalars(
                    select(CircleOutbox).where(
                        CircleOutbox.link_id == link_id, CircleOutbox.state == OutboxState.WAITING
                    )
                )
            )
            again: set[tuple[str, str]] = set()
            away: dict[str, int] = {}
            for row in waiting:
                if row.created_at <= now - GIVE_UP:
                    row.state = OutboxState.DROPPED
                elif row.sent_at is None or row.sent_at <= now - RESEND_FIRST:
                    row.attempt += 1
                    row.sent_at = None  # (a crash before the send: resumed at start)
                    again.add((row.post_uid, row.kind))
                if row.created_at <= now - NOTICE_AFTER:
                    away[row.installation] = away.get(row.installation, 0) + 1
            room_id, circle_id = link.room_id, link.circle_id
            classes = await local_classes(db, circle_id) if circle_id is not None else []
            attempts = [r.attempt for r in waiting if r.state == OutboxState.WAITING]
        if again:
            await self._send(room_id)
        for installation, count in away.items():
            for class_id in classes:
                key = f"circles:away:{link_id}:{installation}:{now:%Y-%m-%d}:{class_id}"
                await self.tell(class_id, key, texts.partner_away(installation, count))
        if attempts:
            wait = min(RESEND_FIRST * 2 ** min(attempts), RESEND_MAX)
            await self.timers.set(RESEND, due.key, now + wait)

    # ---- receiving ----

    async def arrived(self, events: list[WireEvent]) -> None:
        """Circle events of one room, in order (already schema-checked by the adapter):
        each is checked against what this installation knows of the circle, shown at most
        once, and acknowledged together."""
        if not events:
            return
        room_id = events[0].room_id
        async with self.sessionmaker() as db:
            link = await link_by_room(db, room_id)
        if link is None:
            log.warning("circle events in %s, a room of no known circle: ignored", room_id)
            return
        uids: list[str] = []
        retracted: list[str] = []
        for ev in events:
            try:
                if ev.content.get("circle") != link.circle_uid:
                    log.warning("circle event %s names another circle: ignored", ev.event_id)
                elif ev.kind == "post" and await self._post(link, ev):
                    uids.append(str(ev.content["uid"]))
                elif ev.kind == "retract" and await self._retraction(link, ev):
                    retracted.append(str(ev.content["uid"]))
                elif ev.kind == "ack":
                    await self._acknowledged(link, ev)
                elif ev.kind == "member":
                    await self._member(link, ev)
            except Exception:
                log.exception("circle event %s in %s failed", ev.event_id, room_id)
        if uids or retracted:
            self.acks.later(link, uids, retracted)

    async def stop(self) -> None:
        """A stopping bot drops the acknowledgements it gathered (see `Acks`)."""
        await self.acks.stop()

    async def flush(self) -> None:
        """Send the gathered acknowledgements now (tests)."""
        await self.acks.flush()

    def _me(self) -> str:
        return self.wire.me if self.wire is not None else ""
