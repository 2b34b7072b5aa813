"""Composition root: builds config, storage, services, scheduler and platform clients.

Nothing here is global; tests build as many Apps as they like (a restart is
a new App on the same database).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock, SystemClock
from bot.core.commands import Registry
from bot.core.dispatch import Chats, Dispatcher
from bot.core.events import (
    BotRemoved,
    BotReturned,
    CommandTyped,
    Connected,
    Decided,
    DirectMessage,
    EncryptedRoom,
    Event,
    MessagePosted,
    PollVoted,
    ReactionAdded,
    ThreadNamed,
)
from bot.core.followups import FollowUps
from bot.core.ports import Chat
from bot.db.faults import is_storage_fault
from bot.db.handled import HandledEvents
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.deliveries import Deliveries
from bot.scheduling import Scheduler
from cogs.authors import commands as author_commands
from cogs.authors.service import GuestAuthors
from cogs.classroom import commands as classroom_commands
from cogs.classroom.outage import StorageOutage
from cogs.classroom.presence import ClassPresence
from cogs.classroom.roles import ClassRoles
from cogs.classroom.service import ClassroomService
from cogs.classroom.watch import TeacherRoomWatch
from cogs.moderation import commands as moderation_commands
from cogs.moderation.policy import screening_deadline
from cogs.moderation.records import Records
from cogs.moderation.rules import ClassRules
from cogs.moderation.service import ModerationService
from cogs.readaloud import commands as readaloud_commands
from cogs.readaloud.answers import Answers
from cogs.readaloud.changes import CalendarChanges
from cogs.readaloud.class_book import ClassBooks
from cogs.readaloud.season_store import SeasonStore
from cogs.readaloud.service import ReadAloudService
from cogs.readaloud.sessions import SessionRunner
from cogs.readaloud.uploads import SeasonUploads

log = logging.getLogger(__name__)
RETRY_EVERY = timedelta(minutes=5)  # unfinished moderation steps are tried again
OUTAGE_LOOK_EVERY = timedelta(seconds=15)  # is anything waiting for the database?


@dataclass
class Services:
    """The features, built once and handed to whoever needs them."""

    classes: ClassroomService
    readaloud: ReadAloudService
    changes: CalendarChanges
    seasons: SeasonStore
    sessions: SessionRunner
    answers: Answers
    moderation: ModerationService
    rules: ClassRules
    records: Records
    authors: GuestAuthors


class App:
    """One running bot: storage, features, scheduler and the connected platforms."""

    def __init__(self, config: Config, clock: Clock | None = None) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.engine: AsyncEngine = make_engine(config.settings.bot.database_url)
        self.sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)
        self.chats = Chats()
        # slow posts after a hold (review, note) may run behind the next events (Matrix)
        self.follow_ups = FollowUps(transient=is_storage_fault)
        deliveries = Deliveries(self.sessionmaker, self.clock)
        classes = ClassroomService(self.sessionmaker, self.chats, self.clock)
        grace = timedelta(minutes=config.settings.bot.late_grace_minutes)
        answers = Answers(self.sessionmaker, self.chats, self.clock)
        sessions = SessionRunner(
            self.sessionmaker, classes, self.chats, deliveries, self.clock, answers, grace
        )
        self.scheduler = Scheduler(self.clock, sessions.unfinished, sessions.run)
        moderation = ModerationService(
            self.sessionmaker,
            classes,
            self.chats,
            deliveries,
            self.clock,
            screening_deadline(config.settings.bot.screening_budget_ms),
            self.follow_ups,
        )
        moderation.on_shared(answers.on_shared)
        # screening knows each class's current book; a plan or book change looks again
        books = ClassBooks(self.clock)
        moderation.books_from(books.current)

        def plans_changed() -> None:
            self.scheduler.changed()
            books.forget()

        rules = ClassRules(self.sessionmaker, self.clock)
        records = Records(self.sessionmaker, classes, moderation, rules, self.clock)
        self.services = Services(
            classes=classes,
            readaloud=ReadAloudService(self.sessionmaker, self.clock, plans_changed, books.forget),
            changes=CalendarChanges(self.sessionmaker, self.clock, plans_changed),
            seasons=SeasonStore(self.sessionmaker, self.clock, plans_changed),
            sessions=sessions,
            answers=answers,
            moderation=moderation,
            rules=rules,
            records=records,
            authors=GuestAuthors(
                self.sessionmaker, classes, moderation, self.chats, deliveries, self.clock
            ),
        )
        classes.on_timezone_change(self.services.changes.retime)
        self.presence = ClassPresence(
            self.sessionmaker, self.chats, deliveries, self.clock, self.scheduler.changed
        )
        self.watch = TeacherRoomWatch(self.sessionmaker, self.chats, self.clock)
        moderation.pause_when(self.watch.exposed)
        self.roles = ClassRoles(classes, self.chats, self.watch.exposed)
        moderation.roles_from(self.roles.resolve)
        self.registry = self._registry()
        self.dispatcher = Dispatcher(self.registry, transient=is_storage_fault)
        self.dispatcher.on_event(self._route)
        self.dispatcher.on_request(moderation.answer_decided)
        self.dispatcher.on_request(SeasonUploads(list(self.registry)).uploaded)
        self.dispatcher.resolve_roles(self.roles.resolve)  # first: roles come from the class
        self.dispatcher.resolve_roles(self.services.authors.resolve_role)
        self.dispatcher.place_private_replies(self.roles.private_place)
        self.outage = StorageOutage(self.dispatcher, classes, self.chats)
        self.handled = HandledEvents(self.sessionmaker, "all")
        self.failure: str | None = None  # why a platform stopped for good, if one did
        self.failed = asyncio.Event()

    def fail(self, reason: str) -> None:
        """A platform cannot go on (its credentials were revoked): the process should stop
        with an error so a supervisor restarts it once the cause is fixed."""
        self.failure = self.failure or reason
        self.failed.set()

    def _registry(self) -> Registry:
        s = self.services
        holder: list[Registry] = []
        registry = Registry(
            [
                *classroom_commands.declare(s.classes, holder),
                *readaloud_commands.declare(s.classes, s.readaloud, s.changes, s.seasons),
                *moderation_commands.declare(s.moderation, s.records, s.rules, s.classes),
                *author_commands.declare(s.authors),
            ],
            aliases={"ra": "readaloud"},
        )
        holder.append(registry)
        return registry

    async def _route(self, chat: Chat, event: Event) -> None:
        if isinstance(event, MessagePosted):
            await self.services.authors.on_posted(chat, event)  # a secret code: gone first
            await self.services.moderation.on_message(chat, event)
        elif isinstance(event, CommandTyped):
            await self.services.authors.on_posted(chat, event)
            await self.services.moderation.on_command_typed(chat, event)
        elif isinstance(event, ReactionAdded):
            await self.services.moderation.on_reaction(chat, event)
        elif isinstance(event, Decided):
            await self.services.moderation.on_decided(chat, event)
        elif isinstance(event, PollVoted):
            await self.services.answers.on_vote(event)
        elif isinstance(event, DirectMessage):
            await self.services.moderation.on_direct(chat, event)
            await self.services.authors.on_direct(chat, event)
        elif isinstance(event, ThreadNamed):
            await self.services.moderation.on_thread_named(chat, event)
        elif isinstance(event, Connected):
            # the platform knows its rooms now: look at its teacher rooms before posting
            await self.watch.check(chat.platform)
            await self.services.moderation.catch_up(chat)
        elif isinstance(event, BotRemoved):
            await self.presence.removed(event)
        elif isinstance(event, BotReturned):
            await self.presence.returned(event)
        elif isinstance(event, EncryptedRoom):
            log.warning("room %s is encrypted; the bot cannot read it", event.channel.id)

    def _platforms(self) -> list[Chat]:
        chats: list[Chat] = []
        m = self.config.settings.matrix
        if m.enabled and m.homeserver:
            from bot.platforms.matrix import MatrixChat

            chats.append(
                MatrixChat(
                    m,
                    access_token=self.config.secrets.matrix_access_token,
                    password=self.config.secrets.matrix_password,
                    sessionmaker=self.sessionmaker,
                    dispatcher=self.dispatcher,
                    registry=self.registry,
                    on_fatal=self.fail,
                    follow_ups=self.follow_ups,
                )
            )
        d = self.config.settings.discord
        if d.enabled and self.config.secrets.discord_token:
            from bot.platforms.discord import DiscordChat

            chats.append(
                DiscordChat(
                    d,
                    self.config.secrets.discord_token,
                    self.dispatcher,
                    self.registry,
                    Path(self.config.settings.bot.data_dir),
                )
            )
        return chats

    async def start(self) -> None:
        """Migrate, connect, finish interrupted work, then start the timers."""
        await upgrade(self.engine)
        # nothing goes into a teacher room that was exposed, or not checked since this start
        await self.watch.load()
        await self.services.classes.remember_teacher_rooms()
        for chat in self._platforms():
            await chat.start()
            self.chats.add(chat)
        await self.watch.check()  # platforms that do not know their rooms yet stay paused
        resumed = await self.services.moderation.resume()
        if resumed:
            log.info("finished %d interrupted moderation step(s)", resumed)
        if answers_resumed := await self.services.authors.resume():
            log.info("finished %d interrupted guest author answer(s)", answers_resumed)
        await self.scheduler.start()
        self.scheduler.every(timedelta(hours=24), self.services.records.purge)
        self.scheduler.every(timedelta(hours=24), self.handled.purge)
        self.scheduler.every(OUTAGE_LOOK_EVERY, self.outage.check, now=False)
        # a step that failed (a message the bot could not remove yet) is tried again
        self.scheduler.every(RETRY_EVERY, self.services.moderation.resume, now=False)
        # teacher rooms stay private; once one may be posted in again, what waited goes there
        self.scheduler.every(RETRY_EVERY, self.watch.check, now=False)
        self.watch.on_postable(self.services.moderation.resume)
        log.info("ready")

    async def stop(self) -> None:
        """Stop timers and platforms and close the database."""
        await self.scheduler.stop()
        for chat in self.chats.by_platform.values():
            await chat.stop()
        await self.follow_ups.stop()
        self.services.moderation.deadline.close()  # its worker process, if one was needed
        await self.engine.dispose()

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
