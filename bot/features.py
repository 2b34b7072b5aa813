"""The frame's side of the features: what each is given (`Deps`) and how the list of
features declared in ``bot/app.py`` is plugged into the dispatcher, the command
registry and the timers (`Installed`)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import BotSettings
from bot.core.clock import Clock
from bot.core.commands import Registry
from bot.core.dispatch import Chats, Dispatcher
from bot.core.feature import Due, Feature, Hook, Timer
from bot.core.followups import FollowUps
from bot.deliveries import Deliveries
from bot.scheduling import Wakeups
from bot.timers import Timers

log = logging.getLogger(__name__)
RETENTION_EVERY = timedelta(hours=24)


class Faults(Protocol):
    """Since when events have waited for the database (monotonic seconds), if they do."""

    faulted_since: float | None


@dataclass(frozen=True)
class Deps:
    """The shared parts every feature may use; built once by the composition root."""

    settings: BotSettings
    clock: Clock
    sessionmaker: async_sessionmaker[AsyncSession]
    chats: Chats
    deliveries: Deliveries
    follow_ups: FollowUps
    timers: Timers
    wakeups: Wakeups
    faults: Faults
    tell: Callable[[object], Awaitable[None]]  # news for other features' listeners
    registry: list[Registry]  # holds the finished registry once every feature declared


class Installed:
    """The features, plugged in: registry, dispatcher hooks, timers, start and stop."""

    def __init__(
        self,
        features: Sequence[Feature[Any]],
        dispatcher: Dispatcher,
        timers: Timers,
        clock: Clock,
        registry_ref: list[Registry],
    ) -> None:
        self.features = list(features)
        self.timers, self.clock = timers, clock
        aliases: dict[str, str] = {}
        for f in self.features:
            aliases.update(f.aliases)
        self.registry = Registry([c for f in self.features for c in f.commands], aliases)
        registry_ref.append(self.registry)
        dispatcher.registry = self.registry
        for f in self.features:
            for h in f.handlers:
                dispatcher.on(h.kind, h.run, h.stage, f.name)
            for answer in f.requests:
                dispatcher.on_request(answer)
            for listener in f.listeners:
                dispatcher.listen(listener.kind, listener.run, f.name)
            for hook in f.roles:
                dispatcher.resolve_roles(hook.resolve, hook.stage)
            if f.private_place is not None:
                dispatcher.place_private_replies(f.private_place)
            timers.handle(f.timers)
            if f.retention is not None:
                timers.handle([self._retention_timer(f)])
        self.services = self._services()

    def _services(self) -> SimpleNamespace:
        """Every feature's `api` fields in one namespace (``app.services.moderation``)."""
        merged: dict[str, object] = {}
        for f in self.features:
            for name, value in vars(f.api).items():
                if name in merged:
                    raise ValueError(f"two features offer a service named {name}")
                merged[name] = value
        return SimpleNamespace(**merged)

    def _retention_timer(self, f: Feature[Any]) -> Timer:
        retention = f.retention
        assert retention is not None

        async def purge(db: AsyncSession, _due: Due) -> None:
            removed = await retention(db, self.clock.now())
            if removed:
                log.info("retention: %s deleted %d old records", f.name, removed)

        return Timer(f"retention.{f.name}", run_in=purge, every=RETENTION_EVERY)

    async def purge(self, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
        """Run every feature's retention clean-up now (each in its own transaction)."""
        removed = 0
        for f in self.features:
            if f.retention is not None:
                async with sessionmaker.begin() as db:
                    removed += await f.retention(db, self.clock.now())
        return removed

    async def each(self, hooks: Callable[[Feature[Any]], list[Hook]]) -> None:
        """Run one kind of hook of every feature, in the listed order."""
        for f in self.features:
            for hook in hooks(f):
                await hook()

    async def run_due(self) -> int:
        """Run what every feature has due by the clock now (sessions); returns how many."""
        ran = 0
        for f in self.features:
            for due in f.due:
                ran += await due()
        return ran


class Scheduler:
    """``app.scheduler``: the waker (APScheduler) and the durable timers; ``run_due`` runs
    what the features have due by the clock now (tests with a fake clock)."""

    def __init__(self, wakeups: Wakeups, timers: Timers) -> None:
        self.wakeups = wakeups
        self.timers = timers
        self.installed: Installed | None = None

    async def start(self) -> None:
        await self.timers.start()
        await self.wakeups.start()

    async def stop(self) -> None:
        await self.wakeups.stop()
        await self.timers.release()

    async def run_due(self) -> int:
        """Tests with a fake clock: run what the features have due by the clock now. The
        timer job waits meanwhile (see `Timers.held`), so what is due is run here and done
        when this returns."""
        if self.installed is None:
            return 0
        async with self.timers.held():
            return await self.installed.run_due()
