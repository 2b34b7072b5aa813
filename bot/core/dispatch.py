"""Routes neutral events and command calls to the features, and contains their failures.

Adapters call `command` and `event`; nothing an individual handler does can
stop the bot: user mistakes become a reply, anything else is logged with an
incident id and the user gets a short apology.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from bot.core.commands import Invocation, Registry, Reply
from bot.core.errors import NotAllowed, NotHandled, UserError
from bot.core.events import Event
from bot.core.model import Actor, ChannelRef, Platform, Role
from bot.core.ports import Chat

log = logging.getLogger(__name__)

EventHandler = Callable[[Chat, Event], Awaitable[None]]
# gives a caller a role the platform cannot know (a guest author is one by a database row)
RoleResolver = Callable[[Actor, ChannelRef], Awaitable[Actor]]
# whether an error passes (the database is not answering): the event is handed over again
Transient = Callable[[BaseException], bool]
STORAGE_DOWN = (
    "Sorry, I can't save anything right now (my database is not answering), so I did not "
    "do that. Please try again in a minute."
)
ROLE_NAMES = {Role.TEACHER: "your teacher", Role.AUTHOR: "a guest author", Role.STUDENT: "everyone"}


@dataclass
class Chats:
    """The connected platforms, by platform; filled in by the composition root."""

    by_platform: dict[Platform, Chat] = field(default_factory=dict)

    def add(self, chat: Chat) -> None:
        self.by_platform[chat.platform] = chat

    def __getitem__(self, platform: Platform | str) -> Chat:
        return self.by_platform[Platform(platform)]


class Dispatcher:
    """The single entry point from every adapter into the features."""

    def __init__(
        self, registry: Registry, prefix: str = "!", transient: Transient = lambda e: False
    ) -> None:
        self.registry = registry
        self.prefix = prefix
        self.transient = transient
        self._event_handlers: list[EventHandler] = []
        self._resolvers: list[RoleResolver] = []
        self.faulted_since: float | None = None  # monotonic time of the first unhandled event

    def resolve_roles(self, resolver: RoleResolver) -> None:
        """Let a feature raise a caller's role before permissions are checked."""
        self._resolvers.append(resolver)

    def on_event(self, handler: EventHandler) -> None:
        """Subscribe a feature to neutral events."""
        self._event_handlers.append(handler)

    async def resolve(self, actor: Actor, channel: ChannelRef) -> Actor:
        """The caller with every feature's role hook applied (as `command` does)."""
        for resolve in self._resolvers:
            actor = await resolve(actor, channel)
        return actor

    async def command(self, inv: Invocation, prefix: str | None = None) -> Reply:
        """Run a parsed command for its caller and return what to show them."""
        prefix = self.prefix if prefix is None else prefix
        inv = replace(inv, prefix=prefix)
        try:
            inv = replace(inv, actor=await self.resolve(inv.actor, inv.channel))
            if inv.actor.role < inv.command.role:
                raise NotAllowed(
                    f"Only {ROLE_NAMES[inv.command.role]} can use {prefix}{inv.command.name}. "
                    f"Try {prefix}help to see what you can do."
                )
            return await inv.command.handler(inv)
        except UserError as e:
            return Reply(e.message, private=True)
        except Exception as e:
            if self.transient(e):  # a command is never run late: the person tries again
                log.warning("command %s: storage fault: %s", inv.command.name, e)
                return Reply(STORAGE_DOWN, private=True)
            incident = secrets.token_hex(4)
            log.exception(
                "command %s failed (incident %s, user %s, channel %s)",
                inv.command.name,
                incident,
                inv.actor.user.id,
                inv.channel.id,
            )
            return Reply(
                f"Sorry, something went wrong on my side (incident {incident}). "
                "Your teacher can find it in the bot's log.",
                private=True,
            )

    async def event(self, chat: Chat, event: Event) -> None:
        """Give an event to every feature; one feature failing never stops the others.

        Raises NotHandled when a feature met a storage fault: the adapter must not count the
        event as handled and hands it over again later (every handler is idempotent)."""
        for handler in self._event_handlers:
            try:
                await handler(chat, event)
            except Exception as e:
                if self.transient(e):
                    if self.faulted_since is None:
                        self.faulted_since = time.monotonic()
                    log.warning("handling %s met a storage fault: %s", type(event).__name__, e)
                    raise NotHandled(str(e)) from e
                incident = secrets.token_hex(4)
                log.exception(
                    "handling %s failed (incident %s): %r", type(event).__name__, incident, event
                )
        self.faulted_since = None
