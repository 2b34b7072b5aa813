"""The school that made a circle removes another school's class from it (`circle remove`),
and that school's bot taking its class out when told so."""

from __future__ import annotations

import logging
import secrets

from sqlalchemy import select

from bot.db import audit
from bot.db.tables import Circle, CircleLink, CircleMember
from cogs.circles import remote_texts as texts
from cogs.circles.identity import installation_of
from cogs.circles.remote_parts import Handshake
from cogs.circles.remote_rows import link_of_circle, partners, stop_waiting
from cogs.classroom.calls import ClassCall

log = logging.getLogger(__name__)


class Removal(Handshake):
    """Removing a partner school's class, at both ends."""

    async def remove(self, call: ClassCall, display_name: str) -> str | None:
        """The circle's class removes another school's class named as `circle list` shows
        it; None when no such class is in the circle (the classes here are looked at)."""
        wanted, now = (
            " ".join(display_name.strip().strip("\"'“”").split()).casefold(),
            self.clock.now(),
        )
        async with self.sessionmaker.begin() as db:
            circle = await self.circles.circle_of(db, call.class_id)
            link = await link_of_circle(db, circle.id) if circle is not None else None
            if circle is None or link is None or circle.creator_classroom_id != call.class_id:
                return None
            found = [
                p
                for p in await partners(db, link.id)
                if wanted in (p.label.casefold(), p.label.split(" (")[0].casefold())
            ]
            if len(found) != 1:
                return None
            (gone,) = found
            gone.left_at = now
            await stop_waiting(db, link.id, gone.installation)
            audit.record(db, now, call.class_id, call.actor.user.id, "circle.remove",
                         partner=gone.class_uid)  # fmt: skip
            content: dict[str, object] = {
                "circle": link.circle_uid, "class": gone.class_uid,
                "installation": gone.installation, "label": gone.label,
                "platform": gone.platform, "chapter": "", "left": True,
            }  # fmt: skip
            room_id, label, name = link.room_id, gone.label, circle.name
        if self.remote.wire is not None:
            key = f"circle:removed:{link.id}:{secrets.token_hex(8)}"
            try:
                await self.remote.wire.send(room_id, "member", content, key)
            except Exception:  # removed here anyway: what still comes from it is ignored
                log.exception("telling the circle %s of a removed class failed", link.circle_uid)
        return f"🔗 {label} is no longer in the circle “{name}”."

    async def removed_here(self, link: CircleLink, class_uid: str) -> None:
        """The circle's school removed one of this installation's classes from it."""
        mine = await self.installations.uid()
        number = class_uid.removeprefix(f"{mine}:k")
        if installation_of(class_uid) != mine or not number.isdigit() or link.circle_id is None:
            return
        class_id, now = int(number), self.clock.now()
        async with self.sessionmaker.begin() as db:
            member = await db.scalar(
                select(CircleMember).where(
                    CircleMember.circle_id == link.circle_id,
                    CircleMember.classroom_id == class_id,
                )
            )
            if member is None:
                return
            circle = await db.get_one(Circle, link.circle_id)
            name = circle.name
            await self.circles._drop(db, circle, class_id)
            audit.record(db, now, class_id, link.home, "circle.removed", circle=link.circle_uid)
        key = f"circles:removed:{link.id}:{class_id}:{now.isoformat()}"
        await self.circles.tell(class_id, key, texts.removed(name))
