"""The parts of circles between installations that the circles feature plugs in (its
commands use `Joining`; its timers and start hook come from here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.circles import Retraction, SharedPost, WireEvent
from bot.core.feature import Hook, Timer
from bot.features import Deps
from cogs.circles.identity import Installations
from cogs.circles.remote import RESEND, RemoteCircles
from cogs.circles.remote_join import Joining
from cogs.circles.remote_removal import Removal
from cogs.circles.service import Circles

if TYPE_CHECKING:
    from cogs.circles.sharing import Sharing

log = logging.getLogger(__name__)


async def nowhere(circle_id: int, post: SharedPost | Retraction) -> None:
    """Before `Remote.wire_into` (nothing here shows what arrives)."""
    log.warning("circle %s: %s arrived, and nothing shows circle posts yet", circle_id, post.uid)


@dataclass
class Remote:
    """Circles between installations: the transport and the joining handshake."""

    remote: RemoteCircles
    joining: Joining
    removal: Removal
    timers: list[Timer]
    resume: list[Hook]
    stop: list[Hook]

    def wire_into(self, sharing: Sharing) -> None:
        """What arrives from a circle room goes to this installation's sharing: a copy for
        each class here, screened with its rules, held or kept back for its chapter."""

        async def post(_circle_id: int, shared: SharedPost) -> None:
            await sharing.receive(shared)

        async def retract(_circle_id: int, r: Retraction) -> None:
            await sharing.retract(r)

        self.remote.on_post, self.remote.on_retract = post, retract

    async def ask_room(self, events: list[WireEvent]) -> None:
        """Join requests (this installation's circle) and answers (another's)."""
        for ev in events:
            try:
                if ev.kind == "join":
                    await self.joining.requested(ev)
                elif ev.kind == "answer":
                    await self.joining.answered(ev)
            except Exception:
                log.exception("circle %s event %s failed", ev.kind, ev.event_id)


def parts(deps: Deps, circles: Circles, installations: Installations) -> Remote:
    """`installations`: this installation's id, the prefix of its circle and class uids."""
    remote = RemoteCircles(
        deps.sessionmaker, deps.clock, deps.timers, circles.tell, nowhere, nowhere
    )
    joining = Joining(deps.sessionmaker, deps.clock, circles, remote, installations)
    removal = Removal(deps.sessionmaker, deps.clock, circles, remote, installations)
    remote.on_removed = removal.removed_here
    timers = [Timer(RESEND, run=remote.resend)]
    return Remote(remote, joining, removal, timers, [remote.resume], [remote.stop])
