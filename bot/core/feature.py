"""What a feature declares about itself: one value the composition root plugs in.

Each package in ``cogs/`` has a ``setup(deps, ...) -> Feature``: its commands, its event
handlers by event type, what it listens to from other features, its timers, its
retention clean-up and its review kinds. The frame (``bot/features.py``) installs
them; nothing else is wired by hand.

Order among the handlers of one event is explicit: by `Stage`, then by the order the
features are listed in ``bot/app.py``.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from bot.core.commands import Command
from bot.core.dispatch import PrivatePlace, RequestHandler, RoleResolver
from bot.core.ports import Chat

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

E = TypeVar("E")
S = TypeVar("S")
Hook = Callable[[], Awaitable[object]]


class Stage(enum.IntEnum):
    """When a handler runs among the others for the same event (lowest first)."""

    # takes away or checks what nothing else may see first (a secret invite code in a
    # message; which teacher rooms students can read before anything is posted there)
    GUARD = 0
    MAIN = 1
    # builds on what the main handlers did (a vote counted once its reaction was screened)
    AFTER = 2


@dataclass(frozen=True)
class Handler:
    """A feature's handler for one event type an adapter produces."""

    kind: type[Any]
    run: Callable[[Chat, Any], Awaitable[None]]
    stage: Stage = Stage.MAIN


def on(
    kind: type[E], run: Callable[[Chat, E], Awaitable[None]], stage: Stage = Stage.MAIN
) -> Handler:
    """Handle events of `kind` (typed helper for `Handler`)."""
    return Handler(kind, run, stage)


@dataclass(frozen=True)
class Listener:
    """A feature's interest in something another feature tells (``MessageShared``)."""

    kind: type[Any]
    run: Callable[[Any], Awaitable[None]]


def listen(kind: type[E], run: Callable[[E], Awaitable[None]]) -> Listener:
    """Be told of `kind` (typed helper for `Listener`)."""
    return Listener(kind, run)


@dataclass(frozen=True)
class RoleHook:
    """Raises a caller's role before permissions are checked; hooks run by stage."""

    resolve: RoleResolver
    stage: Stage = Stage.MAIN


@dataclass(frozen=True)
class Due:
    """A timer that came due: what the handler is told."""

    kind: str
    key: str
    due_at: datetime
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Timer:
    """A kind of timer a feature handles (see ``bot/timers.py`` for the guarantees).

    ``run``: effects that are keyed (deliveries), so a run again after a crash does not
    repeat them. ``run_in``: effects that are database writes, given the transaction that
    completes the timer, so they are committed exactly once with it. ``every``: the timer
    repeats (its first run ``first`` after the row is made). ``durable=False``: kept in
    memory only, for work that must go on while the database does not answer."""

    kind: str
    run: Callable[[Due], Awaitable[object]] | None = None
    run_in: Callable[[AsyncSession, Due], Awaitable[object]] | None = None
    every: timedelta | None = None
    first: timedelta = timedelta(0)
    durable: bool = True


# deletes a feature's rows older than each class's retention period; returns how many
Retention = Callable[["AsyncSession", datetime], Awaitable[int]]


@dataclass
class Feature(Generic[S]):
    """Everything one feature brings; `api` is what other features (and tests) may use."""

    name: str
    api: S
    commands: list[Command] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    handlers: list[Handler] = field(default_factory=list)
    # answers requests it takes (a decision on its review, an upload it reads); in order
    requests: list[RequestHandler] = field(default_factory=list)
    listeners: list[Listener] = field(default_factory=list)
    roles: list[RoleHook] = field(default_factory=list)
    private_place: PrivatePlace | None = None
    timers: list[Timer] = field(default_factory=list)
    retention: Retention | None = None
    review_kinds: tuple[str, ...] = ()
    prepare: list[Hook] = field(default_factory=list)  # at start, before platforms connect
    resume: list[Hook] = field(default_factory=list)  # once they are: finish what was left
    due: list[Callable[[], Awaitable[int]]] = field(default_factory=list)  # run what is due
    stop: list[Hook] = field(default_factory=list)
