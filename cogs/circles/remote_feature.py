"""The parts of circles between installations that the circles feature plugs in (its
commands use `Joining`; its timers and start hook come from here)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.core.circles import Retraction, SharedPost, WireEvent
from bot.core.feature import Hook, Timer
from bot.features import Deps
from cogs.circles.remote import RESEND, Received, RemoteCircles, Retracted
from cogs.circles.remote_join import Joining
from cogs.circles.service import Circles

log = logging.getLogger(__name__)


async def nowhere(circle_id: int, post: SharedPost | Retraction) -> None:
    """Until sharing within the installation is wired in (part 2's `Sharing.receive`)."""
    log.warning("circle %s: %s arrived, and nothing shows circle posts yet", circle_id, post.uid)


@dataclass
class Remote:
    """Circles between installations: the transport and the joining handshake."""

    remote: RemoteCircles
    joining: Joining
    timers: list[Timer]
    resume: list[Hook]
    stop: list[Hook]

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


def parts(
    deps: Deps,
    circles: Circles,
    installation: str = "",
    on_post: Received | None = None,
    on_retract: Retracted | None = None,
) -> Remote:
    remote = RemoteCircles(
        deps.sessionmaker, deps.clock, deps.timers, circles.tell,
        on_post or nowhere, on_retract or nowhere,
    )  # fmt: skip
    joining = Joining(deps.sessionmaker, deps.clock, circles, remote, installation)
    timers = [Timer(RESEND, run=remote.resend)]
    return Remote(remote, joining, timers, [remote.resume], [remote.stop])
