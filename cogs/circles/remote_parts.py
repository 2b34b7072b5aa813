"""What the handshakes between installations (joining, removing a class) work with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from cogs.circles.identity import Installations
from cogs.circles.remote import RemoteCircles
from cogs.circles.service import Circles


@dataclass(eq=False)
class Handshake:
    """The database, the clock, this installation's circles and their transport;
    `installations`: the prefix of circle and class uids (identity.py); the Matrix bot
    address is what says which installation an event came from."""

    sessionmaker: async_sessionmaker[AsyncSession]
    clock: Clock
    circles: Circles
    remote: RemoteCircles
    installations: Installations
