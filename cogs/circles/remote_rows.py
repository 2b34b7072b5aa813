"""Look-ups the circles between installations share (remote.py, remote_join.py)."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.db.states import OutboxState
from bot.db.tables import CircleLink, CircleMember, CircleOutbox, CirclePartner
from cogs.circles.identity import installation_of


async def link_by_room(db: AsyncSession, room_id: str) -> CircleLink | None:
    return await db.scalar(select(CircleLink).where(CircleLink.room_id == room_id))


async def link_of_circle(db: AsyncSession, circle_id: int) -> CircleLink | None:
    return await db.scalar(select(CircleLink).where(CircleLink.circle_id == circle_id))


async def active_installations(db: AsyncSession, link_id: int) -> list[str]:
    """The bots of the installations with a class in the circle now."""
    rows = await db.scalars(
        select(CirclePartner.installation)
        .where(CirclePartner.link_id == link_id, CirclePartner.left_at.is_(None))
        .distinct()
    )
    return sorted(rows)


async def local_classes(db: AsyncSession, circle_id: int) -> list[int]:
    """This installation's classes in a circle."""
    rows = await db.scalars(
        select(CircleMember.classroom_id).where(CircleMember.circle_id == circle_id)
    )
    return list(rows)


async def partners(db: AsyncSession, link_id: int) -> list[CirclePartner]:
    """The other installations' classes in the circle now."""
    rows = await db.scalars(
        select(CirclePartner)
        .where(CirclePartner.link_id == link_id, CirclePartner.left_at.is_(None))
        .order_by(CirclePartner.joined_at, CirclePartner.id)
    )
    return list(rows)


async def stop_waiting(db: AsyncSession, link_id: int, installation: str) -> None:
    """An installation with no class left in the circle gets nothing more."""
    if installation in await active_installations(db, link_id):
        return
    await db.execute(
        update(CircleOutbox)
        .where(
            CircleOutbox.link_id == link_id,
            CircleOutbox.installation == installation,
            CircleOutbox.state == OutboxState.WAITING,
        )
        .values(state=OutboxState.DROPPED)
    )


async def speaks_for(db: AsyncSession, link_id: int, bot: str, uid: str) -> bool:
    """Whether `bot` is the installation that made `uid` (a post's or a class's): the
    installation id in it is that of a class `bot` brought to the circle."""
    prefix = installation_of(uid)
    found = await db.scalar(
        select(CirclePartner.id).where(
            CirclePartner.link_id == link_id,
            CirclePartner.installation == bot,
            CirclePartner.class_uid.startswith(prefix + ":", autoescape=True),
        )
    )
    return found is not None


async def prefix_taken(db: AsyncSession, class_uid: str, bot: str) -> bool:
    """Whether another bot brought classes with this installation id before (an
    installation id belongs to one bot)."""
    prefix = installation_of(class_uid)
    found = await db.scalar(
        select(CirclePartner.id).where(
            CirclePartner.installation != bot,
            CirclePartner.class_uid.startswith(prefix + ":", autoescape=True),
        )
    )
    return found is not None
