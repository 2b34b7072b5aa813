"""The moderation feature: screening what students post, the review queue and its
decisions, the class's rules, and the teacher's records."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import (
    CommandTyped,
    Connected,
    Decided,
    DirectMessage,
    MessagePosted,
    MessageUnreadable,
    ReactionAdded,
    ThreadNamed,
)
from bot.core.feature import Due, Feature, Timer, on
from bot.core.ports import Chat
from bot.features import Deps
from bot.screening import Book
from cogs.classroom.feature import Classroom
from cogs.moderation import commands, records
from cogs.moderation.direct_replies import KIND as DIRECT_KIND
from cogs.moderation.policy import screening_deadline, warm_up
from cogs.moderation.records import Records
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService
from cogs.moderation.threadnames import KIND as THREAD_KIND
from cogs.moderation.unreadable import UnreadableMessages

log = logging.getLogger(__name__)
RETRY_AFTER = timedelta(minutes=5)  # a step that failed (a message not removed yet)
RETRY = "moderation.retry"
CurrentBook = Callable[[AsyncSession, int], Awaitable[Book | None]]


@dataclass
class Moderation:
    """What the other features (and tests) may use of the moderation feature."""

    moderation: ModerationService
    rules: ClassRules
    records: Records


def setup(deps: Deps, classroom: Classroom, books: CurrentBook) -> Feature[Moderation]:
    """Screening and review; decisions are by the role the class room gives now;
    `books(db, class id)` is the book a class reads (its names are not insults)."""
    classes, watch = classroom.classes, classroom.watch
    deadline = screening_deadline(deps.settings.screening_budget_ms)
    service = ModerationService(
        deps.sessionmaker,
        classes,
        deps.chats,
        deps.deliveries,
        deps.clock,
        deadline,
        deps.follow_ups,
    )
    service.books_from(books)
    service.on_shared(deps.tell)  # the read-aloud feature counts a shared answer
    service.pause_when(watch.exposed)
    service.roles_from(classroom.roles.resolve)
    # a step left undone is tried again by a timer set when it is left, not by polling
    service.retry_with(lambda: deps.timers.later(RETRY, RETRY_AFTER))
    rules = ClassRules(deps.sessionmaker, deps.clock)
    api = Moderation(
        service, rules, Records(deps.sessionmaker, classes, service, rules, deps.clock)
    )

    unreadable = UnreadableMessages(deps.sessionmaker, classes, deps.clock)

    async def locked(chat: Chat, ev: MessageUnreadable) -> None:
        await unreadable.on_unreadable(chat, ev)

    async def message(chat: Chat, ev: MessagePosted) -> None:
        await service.on_message(chat, ev)

    async def typed(chat: Chat, ev: CommandTyped) -> None:
        await service.on_command_typed(chat, ev)

    async def reaction(chat: Chat, ev: ReactionAdded) -> None:
        await service.on_reaction(chat, ev)

    async def decided(chat: Chat, ev: Decided) -> None:
        await service.on_decided(chat, ev)

    async def direct(chat: Chat, ev: DirectMessage) -> None:
        await service.on_direct(chat, ev)

    async def thread(chat: Chat, ev: ThreadNamed) -> None:
        await service.on_thread_named(chat, ev)

    async def connected(chat: Chat, _ev: Connected) -> None:
        await service.catch_up(chat)  # after the classroom looked at the teacher rooms

    async def retry(_due: Due) -> None:
        await service.resume()

    async def resume() -> None:
        if resumed := await service.resume():
            log.info("finished %d interrupted moderation step(s)", resumed)
        # once a teacher room may be posted in again, what waited goes there
        watch.on_postable(service.resume)

    async def warm() -> None:
        # screening's patterns (about 1.5 s of compiling), built beside the event loop
        # before the first message instead of on the loop when the first message comes
        await asyncio.to_thread(warm_up)

    async def stop() -> None:
        service.deadline.close()  # its worker process, if one was needed

    return Feature(
        "moderation",
        api,
        commands=commands.declare(service, api.records, rules, classes),
        handlers=[
            on(MessagePosted, message),
            on(MessageUnreadable, locked),
            on(CommandTyped, typed),
            on(ReactionAdded, reaction),
            on(Decided, decided),
            on(DirectMessage, direct),
            on(ThreadNamed, thread),
            on(Connected, connected),
        ],
        requests=[service.answer_decided],  # a click on a review's button
        timers=[Timer(RETRY, run=retry)],
        retention=records.purge,
        review_kinds=("message", THREAD_KIND, DIRECT_KIND),
        prepare=[warm],
        resume=[resume],
        stop=[stop],
    )
