"""The teacher's review queue: what waits, the decisions on it (commands, buttons and
reactions) and carrying them out exactly once (``effects.py``).

Moderation, the guest author relay and any later feature raise items here
(``items.submit``) and say what a decision on their own kind does (``add_kind``).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.commands import Reply
from bot.core.dispatch import Chats
from bot.core.errors import NotAllowed, UserError
from bot.core.events import Decided, MessageShared, Request
from bot.core.followups import FollowUps
from bot.core.model import Actor, ChannelRef
from bot.db.states import FlagState
from bot.db.tables import Flag
from bot.deliveries import Deliveries
from cogs.classroom.calls import ClassCall
from cogs.classroom.service import ClassInfo, ClassroomService
from cogs.review import floods, texts
from cogs.review.decisions import flag_in, record_decision, reviewed_by
from cogs.review.effects import FlagEffects
from cogs.review.items import ItemView, ReviewKind, why
from cogs.review.removals import EarlyRemoval

log = logging.getLogger(__name__)
# what a class allows once a teacher says an item is fine: (class id, matches, teacher)
AllowMatched = Callable[[int, list[str], Actor], Awaitable[list[str]]]


async def _as_given(actor: Actor, where: ChannelRef) -> Actor:
    return actor


async def _nothing_allowed(class_id: int, matches: list[str], actor: Actor) -> list[str]:
    return []


class ReviewQueue:
    """Keeps the review queue of every class and carries out the teachers' decisions."""

    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        classes: ClassroomService,
        chats: Chats,
        deliveries: Deliveries,
        clock: Clock,
        follow_ups: FollowUps,
        shared: Callable[[MessageShared], Awaitable[None]],
    ) -> None:
        self.sessionmaker = sessionmaker
        self.classes = classes
        self.clock = clock
        self.follow_ups = follow_ups
        self._kinds: dict[str, ReviewKind] = {}
        self._current_role: Callable[[Actor, ChannelRef], Awaitable[Actor]] = _as_given
        self._allow_matched: AllowMatched = _nothing_allowed
        self._effects = FlagEffects(sessionmaker, classes, chats, deliveries, self._kinds, shared)

    def retry_with(self, later: Callable[[], Awaitable[object]]) -> None:
        """Call `later` whenever an item is left not settled (``resume`` is then due)."""
        self._effects.unfinished = later

    def add_kind(self, kind: str, handler: ReviewKind) -> None:
        """Review items of `kind` in the queue, with `handler` saying what a decision does."""
        self._kinds[kind] = handler

    def roles_from(self, resolve: Callable[[Actor, ChannelRef], Awaitable[Actor]]) -> None:
        """Decide by the role the class gives the person now, not the one where they react."""
        self._current_role = resolve

    def pause_when(self, exposed: Callable[[int], bool]) -> None:
        """Post nothing in a class's teacher room while `exposed(class id)` says students
        can read it; ``resume`` delivers it afterwards."""
        self._effects.exposed = exposed

    def allow_when_fine(self, allow: AllowMatched) -> None:
        """What `mod fine` allows in the class besides approving: what screening matched."""
        self._allow_matched = allow

    # ---- decisions ----

    async def on_decided(self, ev: Decided) -> None:
        """A decision nobody waits to hear about (a ✅ / ❌ reaction on a review)."""
        try:
            await self.decision(ev)
        except UserError as e:  # a student's reaction, or nothing waiting on that review
            log.info("a decision on %s was not carried out: %s", ev.review, e.message)

    async def answer_decided(self, ev: Request) -> Reply | None:
        """A decision its teacher waits to hear about (a button): the answer, for them only."""
        if not isinstance(ev, Decided):
            return None
        said = await self.decision(ev)
        return None if said is None else Reply(said, private=True)

    async def decision(self, ev: Decided) -> str | None:
        """A teacher's decision with the platform's controls: decides the item, or every
        waiting item of a combined review (as `mod approve-all` / `mod reject-all` do), and
        returns the answer for the teacher; None when `ev` is on no review. Raises NotAllowed
        for someone who is not the class's teacher now, UserError when nothing waits."""
        actor = await self._current_role(ev.actor, ev.channel)
        if not actor.is_teacher:  # e.g. a teacher demoted in the class room since
            raise NotAllowed(texts.NOT_YOURS)
        if ev.item is not None:  # the control names its review's first item
            call = await self._call(ev, actor)
            return await self.decide_review(call, ev.item, ev.approve, ev.reason)
        if ev.review is None:
            return None
        lead, flag_id = await reviewed_by(self.sessionmaker, ev.review.id)
        if lead is None and flag_id is None:
            # the review may be on its way still (posted behind the class's messages, or by
            # another room's handler): a decision on it must not be lost
            await self.follow_ups.caught_up()
            await self._effects.caught_up()
            lead, flag_id = await reviewed_by(self.sessionmaker, ev.review.id)
        if lead is not None:
            call = await self._call(ev, actor)
            return await self.decide_review(call, lead, ev.approve, ev.reason)
        if flag_id is not None:
            return await self.decide(await self._call(ev, actor), flag_id, ev.approve, ev.reason)
        return None

    async def _call(self, ev: Decided, actor: Actor) -> ClassCall:
        """The class a decision was made in, resolved once (as a command's is)."""
        return ClassCall(await self.classes.require(ev.channel), actor, ev.channel)

    async def decide(
        self, call: ClassCall, flag_id: int, approve: bool, reason: str, edited: str | None = None
    ) -> str:
        """Approve (optionally with the teacher's edit) or reject a pending item of the
        call's class, decided by its actor; returns the reply for the teacher (nothing in
        the teacher room, where the decision is posted)."""
        cls, actor = call.cls, call.actor
        async with self.sessionmaker.begin() as db:
            flag = await flag_in(db, cls.id, flag_id)
            now = self.clock.now()
            if flag.state != FlagState.PENDING or not await record_decision(
                db, flag, approve, actor, reason, flag.id, now, edited
            ):
                raise UserError(f"Flag #{flag_id} was already {flag.state} by {flag.decided_by}.")
            await floods.changed(db, flag.group_id)
            state = flag.state
        await self.settle(flag_id)
        if call.in_teacher_room and not self._effects.exposed(cls.id):
            return ""  # the decision's notice in this room is the one confirmation
        return f"{'✅' if approve else '❌'} Flag #{flag_id} {state}."

    async def decide_review(self, call: ClassCall, flag_id: int, approve: bool, reason: str) -> str:
        """Approve or reject every waiting message the teacher sees on item N's combined
        review (oldest first, each reposted in order), or item N alone if it has its own."""
        cls, actor = call.cls, call.actor
        async with self.sessionmaker.begin() as db:
            flag = await flag_in(db, cls.id, flag_id)
            group_id = flag.group_id
            shown = await floods.shown_waiting(db, group_id) if group_id is not None else []
            waiting: list[Flag] = []  # those still pending as each is decided
            for f in shown:
                batch = waiting[0].id if waiting else f.id
                if await record_decision(db, f, approve, actor, reason, batch, self.clock.now()):
                    waiting.append(f)
            await floods.changed(db, group_id if waiting else None)
        if group_id is None:
            return await self.decide(call, flag_id, approve, reason)
        if not waiting:
            raise UserError(f"Nothing on the review of flag #{flag_id} is waiting any more.")
        for f in waiting:
            try:
                await self.settle(f.id)
            except Exception:  # the regular resume finishes it; the others go on
                log.exception("could not finish flag %s yet", f.id)
        return texts.decided_together(approve, waiting)

    async def fine(self, call: ClassCall, flag_id: int) -> str:
        """Approve, and allow what screening matched so it is not held again in this class."""
        async with self.sessionmaker() as db:
            matches = list((await flag_in(db, call.class_id, flag_id)).matches or [])
        answer = await self.decide(call, flag_id, True, "not a problem")
        allowed = await self._allow_matched(call.class_id, matches, call.actor)
        if allowed:
            answer += f" From now on this class allows: {', '.join(sorted(set(allowed)))}."
        return answer.strip()

    # ---- the queue ----

    async def queue(self, class_id: int) -> list[ItemView]:
        """Pending items of the class, oldest first."""
        now = self.clock.now()
        async with self.sessionmaker() as db:
            rows = await db.scalars(
                select(Flag)
                .where(Flag.classroom_id == class_id, Flag.state == FlagState.PENDING)
                .order_by(Flag.created_at)
            )
            return [
                ItemView(
                    f.id,
                    f.user_name,
                    f.text,
                    why(f),
                    f.state,
                    texts.age(now - f.created_at),
                    f.kind,
                )
                for f in rows
            ]

    async def show(self, class_id: int, flag_id: int) -> str:
        """Every line of an item's text (a review shows only its first lines)."""
        async with self.sessionmaker() as db:
            return texts.shown_in_full(await flag_in(db, class_id, flag_id))

    # ---- carrying out holds and decisions, exactly once (``effects.py``) ----

    async def resume(self) -> int:
        """Finish every hold or decision not fully carried out (at start, then regularly)."""
        return await self._effects.resume()

    async def settle(self, flag_id: int) -> None:
        """Deliver every effect of an item's current state that is not delivered yet."""
        await self._effects.settle(flag_id)

    async def hide_first(
        self,
        flag_id: int,
        cls: ClassInfo,
        message_id: str,
        held: Flag | None = None,
        early: EarlyRemoval | None = None,
    ) -> Awaitable[bool] | None:
        """Start removing a held message now, ahead of its review (``FlagEffects.hide_first``)."""
        return await self._effects.hide_first(flag_id, cls, message_id, held, early)

    def exposed(self, class_id: int) -> bool:
        """Whether students can read the class's teacher room right now."""
        return self._effects.exposed(class_id)
