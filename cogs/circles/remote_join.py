"""A class of one installation joins a circle made at another: the handshake.

At B, the teacher types `circle join RC-XXXX-XXXX @readaloud:school-a.example` (the code
and the other school's bot). B's bot opens a two-bot room with A's bot and sends a
``join`` request: the code, and the class as partners see it (label, platform, chapter;
no student). A checks the code as for a class of its own (hash, once, expiry), lets B's
bot into the circle room, announces the class there (``member``) and answers with the
circle and its classes; a refused code is answered with why, and B tells its teacher
what to do instead. B keeps its own copy of the circle (its own rules, its own database).
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.circles import WireEvent
from bot.core.errors import UserError
from bot.db import audit
from bot.db.states import AskState
from bot.db.tables import Circle, CircleAsk, CircleCode, CircleLink, CircleMember, CirclePartner
from cogs.circles import remote_texts as texts
from cogs.circles.identity import class_uid, installation_of, is_class_uid
from cogs.circles.remote_parts import Handshake
from cogs.circles.remote_rows import link_of_circle, local_classes, partners, prefix_taken
from cogs.circles.service import hashed
from cogs.classroom.calls import ClassCall

log = logging.getLogger(__name__)


class Joining(Handshake):
    """Asking another installation to join its circle, and answering such requests."""

    # ---- B: the class that asks ----

    async def ask(self, call: ClassCall, code: str, bot: str) -> str:
        """Ask another installation's bot to let this class into the circle of `code`."""
        wire, p = self.remote.wire, call.prefix
        if wire is None:
            raise UserError(
                "This bot has no Matrix account for circles with other schools yet. Ask "
                "whoever runs it to set one up (docs/circles.md, “Between schools”)."
            )
        bot = bot.strip()
        if not (bot.startswith("@") and ":" in bot and len(bot) <= 255):
            raise UserError(
                "Give the other school's bot as a Matrix address, e.g. "
                f"`{p}circle join RC-7KQ2-M9XD @readaloud:school-a.example`."
            )
        if bot == wire.me:
            raise UserError(f"That address is this bot: type `{p}circle join {code}` alone.")
        now = self.clock.now()
        async with self.sessionmaker.begin() as db:
            current = await self.circles.circle_of(db, call.class_id)
            if current is not None:
                raise UserError(
                    f"Your class is already in the circle “{current.name}”. Type "
                    f"`{p}circle leave` first, then ask for a new code."
                )
            label, _, platform = (await self.circles.labels(db, [call.class_id]))[call.class_id]
            chapter = await self.circles._chapter(db, call.class_id)
            book = await self.circles.current_book(db, call.class_id)
            row = CircleAsk(classroom_id=call.class_id, asked=bot, state=AskState.ASKING,
                            actor_id=call.actor.user.id, created_at=now)  # fmt: skip
            db.add(row)
            await db.flush()
            ask_id = row.id
            audit.record(db, now, call.class_id, call.actor.user.id, "circle.ask", bot=bot)
        content: dict[str, object] = {
            "code": code.strip().upper()[:40],
            "class": class_uid(await self.installations.uid(), call.class_id),
            "installation": wire.me, "label": label[:200], "platform": platform[:20],
            "chapter": chapter[:80], "book": (book.title if book else "")[:255],
        }  # fmt: skip
        room_id = await wire.ask(bot, content, f"circle:ask:{ask_id}")
        async with self.sessionmaker.begin() as db:
            await db.execute(
                update(CircleAsk).where(CircleAsk.id == ask_id).values(room_id=room_id)
            )
        return texts.asked(bot)

    async def answered(self, ev: WireEvent) -> None:
        """The other installation's answer, in the room this class asked in."""
        c, now = ev.content, self.clock.now()
        async with self.sessionmaker.begin() as db:
            ask = await db.scalar(select(CircleAsk).where(CircleAsk.room_id == ev.room_id))
            if ask is None or ask.asked != ev.sender or ask.state != AskState.ASKING:
                log.warning("a circle answer nobody here waits for (%s): ignored", ev.sender)
                return
            class_id = ask.classroom_id
            if not c["ok"]:
                ask.state = AskState.REFUSED
                text = texts.refused(str(c.get("reason", "unknown")))
            elif not all(k in c for k in ("circle", "room", "name", "book")):
                log.warning("a circle answer without the circle (%s): ignored", ev.sender)
                return
            elif await self.circles.circle_of(db, class_id) is not None:
                ask.state = AskState.REFUSED
                text = texts.refused("busy")
            else:
                ask.state = AskState.JOINED
                text = await self._copy(db, ev, class_id, ask.actor_id, now)
        if ask.state == AskState.JOINED and self.remote.wire is not None:
            await self.remote.wire.enter(str(c["room"]))
        await self.circles.tell(class_id, f"circles:asked:{ev.event_id}", text)

    async def _copy(
        self, db: AsyncSession, ev: WireEvent, class_id: int, actor: str, now: datetime
    ) -> str:
        """This installation's copy of the circle: its class, the room, the other classes."""
        c = ev.content
        uid = str(c["circle"])
        # the circle's uid (identity.py): what arrives for it finds this copy; a second
        # class here joins the same copy (the classes here then share directly)
        circle = await db.scalar(select(Circle).where(Circle.uid == uid))
        if circle is None:
            circle = Circle(name=str(c["name"])[:80], book_title=str(c["book"])[:255],
                            creator_classroom_id=class_id, created_at=now, uid=uid)  # fmt: skip
            db.add(circle)
            await db.flush()
        db.add(CircleMember(circle_id=circle.id, classroom_id=class_id, joined_at=now))
        link = await db.scalar(select(CircleLink).where(CircleLink.circle_uid == uid))
        if link is None:
            link = CircleLink(circle_uid=uid, circle_id=circle.id, room_id=str(c["room"]),
                              home=ev.sender, created_at=now)  # fmt: skip
            db.add(link)
            await db.flush()
        else:  # the class comes back to a circle this installation was in before
            link.circle_id, link.room_id, link.home = circle.id, str(c["room"]), ev.sender
            await db.execute(delete(CirclePartner).where(CirclePartner.link_id == link.id))
        labels = []
        for m in c.get("members", []):  # type: ignore[attr-defined]
            if m["installation"] == self.remote._me():
                continue
            labels.append(str(m["label"]))
            db.add(
                CirclePartner(
                    link_id=link.id, class_uid=m["class"], installation=m["installation"],
                    label=m["label"], platform=m["platform"], chapter=m["chapter"],
                    joined_at=now,
                )
            )  # fmt: skip
        audit.record(db, now, class_id, actor, "circle.join", circle=circle.id)
        return texts.joined(circle.name, circle.book_title, labels)

    # ---- A: the installation whose circle it is ----

    async def requested(self, ev: WireEvent) -> None:
        """Another installation's class asks to join with a code made here."""
        wire = self.remote.wire
        assert wire is not None
        c = ev.content
        try:
            answer, tell = await self._admit(ev)
        except Exception:
            log.exception("a circle join request from %s failed", ev.sender)
            answer, tell = {"ok": False, "reason": "busy"}, None
        if answer.get("ok"):
            await wire.invite(str(answer["room"]), ev.sender)
            member = {k: c[k] for k in ("class", "installation", "label", "platform", "chapter")}
            said = {"circle": answer["circle"], **member, "left": False}
            key = f"circle:member:{answer['circle']}:{c['class']}:{ev.event_id}"
            await wire.send(str(answer["room"]), "member", said, key)
        await wire.answer(ev.room_id, answer, f"circle:answer:{ev.event_id}")
        if tell is not None:
            for class_id, text in tell:
                await self.circles.tell(class_id, f"circles:partner:{ev.event_id}:{class_id}", text)

    async def _admit(self, ev: WireEvent) -> tuple[dict[str, object], list[tuple[int, str]] | None]:
        c, now = ev.content, self.clock.now()
        if c["installation"] != ev.sender:
            log.warning("a circle join request for another bot (%s): refused", ev.sender)
            return {"ok": False, "reason": "unknown"}, None
        mine = await self.installations.uid()
        if not is_class_uid(str(c["class"])) or installation_of(str(c["class"])) == mine:
            log.warning("a circle join request for class %r: refused", c["class"])
            return {"ok": False, "reason": "unknown"}, None
        async with self.sessionmaker.begin() as db:
            if await prefix_taken(db, str(c["class"]), ev.sender):
                log.warning("a circle join request from %s names another bot's class", ev.sender)
                return {"ok": False, "reason": "unknown"}, None
            code = await db.scalar(
                select(CircleCode).where(CircleCode.code_hash == hashed(str(c["code"])))
            )
            if code is None:
                return {"ok": False, "reason": "unknown"}, None
            link = await link_of_circle(db, code.circle_id)
            known = None if link is None else await db.scalar(
                select(CirclePartner).where(
                    CirclePartner.link_id == link.id, CirclePartner.class_uid == c["class"],
                    CirclePartner.installation == ev.sender,
                )
            )  # fmt: skip
            again = known is not None and known.left_at is None
            if not again:  # (the same request again after a crash is answered again)
                if code.used_at is not None:
                    return {"ok": False, "reason": "used"}, None
                if code.expires_at.astimezone(UTC) <= now:
                    return {"ok": False, "reason": "expired"}, None
                code.used_at = now
            circle = await db.get_one(Circle, code.circle_id)
            circle_id, name, book = circle.id, circle.name, circle.book_title
            creator = circle.creator_classroom_id
        if link is None:
            link = await self._open(circle_id, now)
        async with self.sessionmaker.begin() as db:
            if known is not None and not again:  # a class that left comes back
                await db.execute(
                    update(CirclePartner)
                    .where(CirclePartner.id == known.id)
                    .values(left_at=None, label=str(c["label"]), chapter=str(c["chapter"]))
                )
            elif known is None:
                db.add(
                    CirclePartner(
                        link_id=link.id, class_uid=str(c["class"]), installation=ev.sender,
                        label=str(c["label"]), platform=str(c["platform"]),
                        chapter=str(c["chapter"]), joined_at=now,
                    )
                )  # fmt: skip
            members = await self._members(db, link, circle_id)
            ours = await local_classes(db, circle_id)
            audit.record(db, now, creator, ev.sender, "circle.partner",
                         circle=circle_id)  # fmt: skip
        answer: dict[str, object] = {
            "ok": True, "circle": link.circle_uid, "room": link.room_id, "name": name,
            "book": book, "members": members,
        }  # fmt: skip
        text = texts.partner_joined(str(c["label"]), name)
        return answer, [(class_id, text) for class_id in ours]

    async def _open(self, circle_id: int, now: datetime) -> CircleLink:
        """The circle's room, made when the first class of another installation joins."""
        assert self.remote.wire is not None
        uid = f"{await self.installations.uid()}:c{circle_id}"  # identity.circle_uid
        room_id = await self.remote.wire.open_room(uid)
        async with self.sessionmaker.begin() as db:
            link = CircleLink(circle_uid=uid, circle_id=circle_id, room_id=room_id,
                              home=self.remote._me(), created_at=now)  # fmt: skip
            db.add(link)
        return link

    async def _members(self, db: AsyncSession, link: CircleLink, circle_id: int) -> list[object]:
        """Every class of the circle as partners see it (this installation's and others')."""
        ours = await local_classes(db, circle_id)
        labels = await self.circles.labels(db, ours)
        me, installation = self.remote._me(), await self.installations.uid()
        found: list[object] = [
            {"class": class_uid(installation, i), "installation": me,
             "label": labels[i][0][:200], "platform": labels[i][2][:20],
             "chapter": (await self.circles._chapter(db, i))[:80]}
            for i in ours
        ]  # fmt: skip
        found += [
            {"class": p.class_uid, "installation": p.installation, "label": p.label,
             "platform": p.platform, "chapter": p.chapter}
            for p in await partners(db, link.id)
        ]  # fmt: skip
        return found

    async def made_elsewhere(self, call: ClassCall) -> bool:
        """Whether this class's circle was made at another installation (its codes are
        given there)."""
        async with self.sessionmaker() as db:
            circle = await self.circles.circle_of(db, call.class_id)
            link = await link_of_circle(db, circle.id) if circle is not None else None
            return link is not None and link.home != self.remote._me()

    async def partner_lines(self, call: ClassCall) -> list[str]:
        """The other schools' classes of this class's circle, for `circle list`."""
        async with self.sessionmaker() as db:
            circle = await self.circles.circle_of(db, call.class_id)
            link = await link_of_circle(db, circle.id) if circle is not None else None
            if link is None:
                return []
            return [
                f"• {p.label} · {p.platform} · {p.chapter or 'not started yet'} · another school"
                for p in await partners(db, link.id)
            ]

    # ---- leaving ----

    async def leaving(self, call: ClassCall) -> None:
        """Before a class leaves a circle that travels: the other installations are told at
        once, and stop sending to this installation if it has no class left there."""
        wire = self.remote.wire
        async with self.sessionmaker() as db:
            circle = await self.circles.circle_of(db, call.class_id)
            link = await link_of_circle(db, circle.id) if circle is not None else None
            if circle is None or link is None or wire is None:
                return
            label, _, platform = (await self.circles.labels(db, [call.class_id]))[call.class_id]
        content: dict[str, object] = {
            "circle": link.circle_uid,
            "class": class_uid(await self.installations.uid(), call.class_id),
            "installation": wire.me, "label": label[:200], "platform": platform[:20],
            "chapter": "", "left": True,
        }  # fmt: skip
        # sent once, now: a fresh key (ids and the clock may repeat after leaving and joining)
        key = f"circle:left:{link.id}:{call.class_id}:{secrets.token_hex(8)}"
        try:
            await wire.send(link.room_id, "member", content, key)
        except Exception:  # the class leaves here anyway; what still comes is ignored
            log.exception("telling the circle %s that a class left failed", link.circle_uid)
