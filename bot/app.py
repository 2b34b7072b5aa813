"""Composition root: builds config, storage, the shared parts and the features, then
the platform clients.

Nothing here is global; tests build as many Apps as they like (a restart is
a new App on the same database). A feature is one package in ``cogs/`` with a
``setup(deps, ...)`` (see ``bot/core/feature.py``); it is listed here, once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Config
from bot.core.clock import Clock, SystemClock
from bot.core.commands import Registry
from bot.core.dispatch import Chats, Dispatcher
from bot.core.feature import Due, Feature, Timer
from bot.core.followups import FollowUps
from bot.db.faults import is_storage_fault
from bot.db.handled import HandledEvents
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.deliveries import Deliveries
from bot.features import Deps, Installed, Scheduler
from bot.platforms import Account, configured
from bot.platforms.accounts import EVERY_PLATFORM
from bot.scheduling import Wakeups
from bot.timers import Timers
from cogs.authors import feature as authors
from cogs.circles import feature as circles
from cogs.classroom import feature as classroom
from cogs.moderation import feature as moderation
from cogs.readaloud import feature as readaloud

log = logging.getLogger(__name__)
HANDLED_PURGE_EVERY = timedelta(hours=24)


class App:
    """One running bot: storage, features, timers and the connected platforms."""

    def __init__(
        self,
        config: Config,
        clock: Clock | None = None,
        more: Sequence[Callable[[Deps], Feature[Any]]] = (),  # features set up after these
    ) -> None:
        self.config = config
        self.clock = clock or SystemClock()
        self.engine: AsyncEngine = make_engine(config.settings.bot.database_url)
        self.sessionmaker: async_sessionmaker[AsyncSession] = make_sessionmaker(self.engine)
        self.chats = Chats(known_accounts=list(EVERY_PLATFORM))
        # a Matrix account for circles between schools alone ([circles], no [matrix])
        self.circle_accounts: list[Account] = []
        # slow posts after a hold (review, note) may run behind the next events (Matrix)
        self.follow_ups = FollowUps(transient=is_storage_fault)
        self.wakeups = Wakeups(self.clock)  # APScheduler: wakes whatever waits
        # a restart of this process (the same platform accounts) takes over its timers at once
        partition = f"{config.settings.matrix.user_id}|{config.settings.discord.application_id}"
        self.timers = Timers(self.sessionmaker, self.clock, self.wakeups, partition)
        self.scheduler = Scheduler(self.wakeups, self.timers)
        self.dispatcher = Dispatcher(Registry([]), transient=is_storage_fault)
        registry_ref: list[Registry] = []
        deps = Deps(
            config.settings.bot,
            self.clock,
            self.sessionmaker,
            self.chats,
            Deliveries(self.sessionmaker, self.clock),
            self.follow_ups,
            self.timers,
            self.wakeups,
            faults=self.dispatcher,
            tell=self.dispatcher.tell,
            registry=registry_ref,
        )
        # the features, in order: handlers of one event in the same stage run in this order
        the_class = classroom.setup(deps)
        the_books = readaloud.setup(deps, the_class.api)
        # screening knows each class's current book
        mod = moderation.setup(deps, the_class.api, the_books.api.books.current)
        guests = authors.setup(deps, the_class.api, mod.api)
        answers = guests.api.authors.fanout
        features: list[Feature[Any]] = [
            the_class,
            the_books,
            mod,
            guests,
            circles.setup(deps, the_class.api, the_books.api.books.current, mod.api, answers),
            *(setup(deps) for setup in more),
        ]
        self.features = Installed(features, self.dispatcher, self.timers, self.clock, registry_ref)
        self.registry, self.services = self.features.registry, self.features.services
        self.scheduler.installed = self.features
        self.handled = HandledEvents(self.sessionmaker, "all", self.clock)
        self.timers.handle(
            [Timer("handled.purge", run=self._purge_handled, every=HANDLED_PURGE_EVERY)]
        )
        self.failure: str | None = None  # why a platform stopped for good, if one did
        self.failed = asyncio.Event()

    def fail(self, reason: str) -> None:
        """A platform cannot go on (its credentials were revoked): the process should stop
        with an error so a supervisor restarts it once the cause is fixed."""
        self.failure = self.failure or reason
        self.failed.set()

    async def _purge_handled(self, _due: Due) -> None:
        await self.handled.purge()

    async def purge(self) -> int:
        """Every feature's retention clean-up, now (it also runs daily on a timer)."""
        return await self.features.purge(self.sessionmaker)

    async def start(self) -> None:
        """Migrate, connect, finish interrupted work, then start the timers."""
        await upgrade(self.engine)
        await self.features.each(lambda f: f.prepare)
        platforms = configured(self)
        for chat in platforms.chats:
            await chat.start()
            self.chats.add(chat)
        for account in platforms.circle_accounts:  # no class is there: not in `self.chats`
            await account.start()
            self.circle_accounts.append(account)
        await self.features.each(lambda f: f.resume)
        await self.scheduler.start()
        log.info("ready")

    async def stop(self) -> None:
        """Stop timers and platforms and close the database."""
        await self.scheduler.stop()
        for chat in self.chats.by_platform.values():
            await chat.stop()
        for account in self.circle_accounts:
            await account.stop()
        self.circle_accounts.clear()
        await self.follow_ups.stop()
        await self.features.each(lambda f: f.stop)
        await self.engine.dispose()

    async def __aenter__(self) -> App:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
