"""Routes neutral events and command calls to the features, and contains their failures.

Adapters call `command` and `event`; nothing an individual handler does can
stop the bot: user mistakes become a reply, anything else is logged with an
incident id and the user gets a short apology. Events go to every handler declared
for their type, one after the other in stage order (``bot/core/feature.py``), each
isolated from the others.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.core.accounts import AccountSyntax
from bot.core.commands import Invocation, Registry, Reply
from bot.core.errors import NotAllowed, NotHandled, UserError
from bot.core.events import Event, Request
from bot.core.model import Actor, ChannelRef, Platform, Role
from bot.core.ports import Chat

log = logging.getLogger(__name__)

EventHandler = Callable[[Chat, Any], Awaitable[None]]
# answers a request it takes (a click on its review, an upload it reads); None: not its own
RequestHandler = Callable[[Chat, Request], Awaitable[Reply | None]]
# gives a caller a role the platform cannot know (a guest author is one by a database row)
RoleResolver = Callable[[Actor, ChannelRef], Awaitable[Actor]]
# whether an error passes (the database is not answering): the event is handed over again
Transient = Callable[[BaseException], bool]
STORAGE_DOWN = (
    "Sorry, I can't save anything right now (my database is not answering), so I did not "
    "do that. Please try again in a minute."
)
# where a private reply to this caller may be posted for teachers (None: tell them directly)
PrivatePlace = Callable[[Actor, ChannelRef], Awaitable[ChannelRef | None]]
ROLE_NAMES = {Role.TEACHER: "your teacher", Role.AUTHOR: "a guest author", Role.STUDENT: "everyone"}


@dataclass
class Chats:
    """The connected platforms, by platform; filled in by the composition root."""

    by_platform: dict[Platform, Chat] = field(default_factory=dict)
    # how every platform the bot knows writes an account in text, connected or not (a
    # child may paste an id from another platform); each connected one's is added too
    known_accounts: list[AccountSyntax] = field(default_factory=list)

    def add(self, chat: Chat) -> None:
        self.by_platform[chat.platform] = chat
        if chat.accounts not in self.known_accounts:
            self.known_accounts.append(chat.accounts)

    @property
    def accounts(self) -> tuple[AccountSyntax, ...]:
        """Every known account syntax, for a feature that finds accounts in text."""
        return tuple(self.known_accounts)

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
        # (stage, order added, event type or None for every type, who, handler)
        self._handlers: list[tuple[int, int, type[Any] | None, str, EventHandler]] = []
        self._by_type: dict[type[Any], list[tuple[str, EventHandler]]] = {}
        self._listeners: list[tuple[type[Any], str, Callable[[Any], Awaitable[None]]]] = []
        self._resolvers: list[tuple[int, int, RoleResolver]] = []
        self._request_handlers: list[RequestHandler] = []
        self.faulted_since: float | None = None  # monotonic time of the first unhandled event
        self._private_place: PrivatePlace | None = None

    def place_private_replies(self, place: PrivatePlace) -> None:
        """Let a feature say where a teacher's private reply may go (their teacher channel)."""
        self._private_place = place

    def resolve_roles(self, resolver: RoleResolver, stage: int = 1) -> None:
        """Let a feature raise a caller's role before permissions are checked (lower
        stages first, then in the order added)."""
        self._resolvers.append((stage, len(self._resolvers), resolver))
        self._resolvers.sort(key=lambda r: (r[0], r[1]))

    def on(self, kind: type[Any], handler: EventHandler, stage: int = 1, who: str = "") -> None:
        """Give events of `kind` to `handler` (lower stages first, then in the order added)."""
        self._handlers.append((stage, len(self._handlers), kind, who, handler))
        self._handlers.sort(key=lambda h: (h[0], h[1]))
        self._by_type.clear()

    def on_event(self, handler: EventHandler) -> None:
        """Subscribe a handler to every neutral event."""
        self._handlers.append((1, len(self._handlers), None, "", handler))
        self._handlers.sort(key=lambda h: (h[0], h[1]))
        self._by_type.clear()

    def listen(
        self, kind: type[Any], listener: Callable[[Any], Awaitable[None]], who: str = ""
    ) -> None:
        """Tell `listener` of what features tell each other (``MessageShared``)."""
        self._listeners.append((kind, who, listener))

    def handlers(self, kind: type[Any]) -> list[tuple[str, EventHandler]]:
        """Who handles events of `kind`, in the order they run."""
        if kind not in self._by_type:
            self._by_type[kind] = [
                (who, h) for _, _, k, who, h in self._handlers if k is None or k is kind
            ]
        return self._by_type[kind]

    def on_request(self, handler: RequestHandler) -> None:
        """Subscribe a feature to requests: events whose actor waits for an answer."""
        self._request_handlers.append(handler)

    async def resolve(self, actor: Actor, channel: ChannelRef) -> Actor:
        """The caller with every feature's role hook applied (as `command` does)."""
        for _, _, resolve in self._resolvers:
            actor = await resolve(actor, channel)
        return actor

    async def command(self, inv: Invocation, prefix: str | None = None) -> Reply:
        """Run a parsed command for its caller and return what to show them; a private
        reply says where teachers may read it (`Reply.teacher_channel`)."""
        prefix = self.prefix if prefix is None else prefix
        reply, actor = await self._run(replace(inv, prefix=prefix))
        return await self.placed(reply, actor, inv.channel)

    async def refusal(self, actor: Actor, channel: ChannelRef, message: str) -> Reply:
        """A private reply for a mistake the adapter found itself (a command that does not
        parse), placed like a command's private reply."""
        try:
            actor = await self.resolve(actor, channel)
        except Exception:
            log.exception("resolving the role of %s failed", actor.user.id)
            actor = Actor(actor.user, Role.STUDENT)
        return await self.placed(Reply(message, private=True), actor, channel)

    async def placed(self, reply: Reply, actor: Actor, channel: ChannelRef) -> Reply:
        """`reply` with the teacher channel where a teacher's private reply may be read."""
        if not reply.private or self._private_place is None or not actor.is_teacher:
            return reply
        try:
            where = await self._private_place(actor, channel)
        except Exception:
            log.exception("finding where to answer %s privately failed", actor.user.id)
            where = None
        return replace(reply, teacher_channel=where)

    async def request(self, chat: Chat, ev: Request) -> Reply | None:
        """The answer to a request (a click, an upload) from the first feature that takes it,
        placed and contained like a command's; None when no feature takes it. The actor's
        role is resolved first, as for a command."""
        actor = Actor(ev.actor.user, Role.STUDENT)  # nobody is answered as a teacher unresolved
        try:
            actor = await self.resolve(ev.actor, ev.channel)
            for handler in self._request_handlers:
                reply = await handler(chat, replace(ev, actor=actor))
                if reply is not None:
                    return await self.placed(reply, actor, ev.channel)
            return None
        except UserError as e:
            return await self.placed(Reply(e.message, private=True), actor, ev.channel)
        except Exception as e:
            what = type(ev).__name__
            return self._failed(e, what, actor, ev.channel)

    def _failed(self, e: Exception, what: str, actor: Actor, channel: ChannelRef) -> Reply:
        """The private answer to a request that failed, logged with an incident id."""
        if self.transient(e):  # never carried out late: the person tries again
            log.warning("%s: storage fault: %s", what, e)
            return Reply(STORAGE_DOWN, private=True)
        incident = secrets.token_hex(4)
        log.exception(
            "%s failed (incident %s, user %s, channel %s)",
            what,
            incident,
            actor.user.id,
            channel.id,
        )
        return Reply(
            f"Sorry, something went wrong on my side (incident {incident}). "
            "Your teacher can find it in the bot's log.",
            private=True,
        )

    async def _run(self, inv: Invocation) -> tuple[Reply, Actor]:
        """The handler's reply (or the error's), and the caller with their resolved role."""
        prefix = inv.prefix
        # until the role is known from the class, nobody is answered as a teacher
        unresolved, inv = inv, replace(inv, actor=Actor(inv.actor.user, Role.STUDENT))
        try:
            inv = replace(unresolved, actor=await self.resolve(unresolved.actor, inv.channel))
            if inv.actor.role < inv.command.role:
                raise NotAllowed(
                    f"Only {ROLE_NAMES[inv.command.role]} can use {prefix}{inv.command.name}. "
                    f"Try {prefix}help to see what you can do."
                )
            return await inv.command.handler(inv), inv.actor
        except UserError as e:
            return Reply(e.message, private=True), inv.actor
        except Exception as e:
            return self._failed(e, f"command {inv.command.name}", inv.actor, inv.channel), inv.actor

    async def event(self, chat: Chat, event: Event) -> None:
        """Give an event to every handler of its type; one failing never stops the others
        (it is logged with an incident id).

        Raises NotHandled when a handler met a storage fault: the adapter must not count the
        event as handled and hands it over again later (every handler is idempotent). The
        handlers after it wait for that hand-over too: the database does not answer them
        either, and a guard that could not run (a secret code not removed) must not be
        passed by the handlers after it."""
        for who, handler in self.handlers(type(event)):
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
                    "handling %s failed in %s (incident %s): %r",
                    type(event).__name__,
                    who or "a feature",
                    incident,
                    event,
                )
        self.faulted_since = None

    async def tell(self, news: object) -> None:
        """Tell every listener of `news`'s type; a failing listener is logged, never raised
        (the feature that told has done its part already)."""
        for kind, who, listener in self._listeners:
            if not isinstance(news, kind):
                continue
            try:
                await listener(news)
            except Exception:
                incident = secrets.token_hex(4)
                log.exception(
                    "%s failed on %s (incident %s)",
                    who or "a listener",
                    type(news).__name__,
                    incident,
                )
