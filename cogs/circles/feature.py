"""Circles: classes of this installation (any mix of Discord and Matrix) reading one book
together. This first part forms them: create, join codes, members, leave, remove."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.events import CommandTyped, MessagePosted
from bot.core.feature import Feature, Stage, on
from bot.core.ports import Chat
from bot.db.tables import CircleCode
from bot.features import Deps
from cogs.circles import commands
from cogs.circles.exposure import ExposedCircleCodes
from cogs.circles.remote_feature import Remote
from cogs.circles.remote_feature import parts as remote_parts
from cogs.circles.service import Circles, CurrentBook
from cogs.classroom.feature import Classroom

# a spent or expired code is kept this long, so it is refused as used or expired (saying
# what to do) rather than as unknown; it names no one
CODES_KEPT = timedelta(days=30)


@dataclass
class CirclesApi:
    """What the other features (and tests) may use of circles."""

    circles: Circles
    circles_remote: Remote  # between installations (part 3): transport and joining


def setup(
    deps: Deps, classroom: Classroom, current_book: CurrentBook, installation: str = ""
) -> Feature[CirclesApi]:
    """`current_book`: the class's book now (the read-aloud feature's, as screening uses);
    `installation`: this installation's id in circle ids ("" = its Matrix bot's id)."""
    classes = classroom.classes
    circles = Circles(
        deps.sessionmaker, classes, current_book, deps.chats, deps.deliveries, deps.clock
    )
    remote = remote_parts(deps, circles, installation)  # part 3: between installations
    exposed = ExposedCircleCodes(deps.sessionmaker, classes, circles, deps.deliveries, deps.clock)

    async def posted(chat: Chat, ev: MessagePosted | CommandTyped) -> None:
        await exposed.on_posted(chat, ev)

    return Feature(
        "circles",
        CirclesApi(circles, remote),
        commands=commands.declare(circles, classes, remote.joining),
        handlers=[
            # a join code posted in a class room is cancelled before anything else looks
            on(MessagePosted, posted, Stage.GUARD),
            on(CommandTyped, posted, Stage.GUARD),
        ],
        retention=purge,
        timers=remote.timers,
        resume=remote.resume,
        stop=remote.stop,
    )


async def purge(db: AsyncSession, now: datetime) -> int:
    """Join codes that expired more than CODES_KEPT ago (used or not)."""
    result = await db.execute(delete(CircleCode).where(CircleCode.expires_at < now - CODES_KEPT))
    return int(getattr(result, "rowcount", 0) or 0)
