"""A class is found through its places (class room, teacher room): rows the migration
makes for classes set up before there were any, and that setup keeps as the teacher
room moves."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select, text

from bot.core.clock import FakeClock
from bot.core.dispatch import Chats
from bot.core.model import Actor, ChannelRef, Platform, Role, UserRef
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.db.tables import ClassPlace, PlaceRole
from cogs.classroom.service import ClassroomService
from tests.recording_chat import RecordingChat

pytestmark = pytest.mark.asyncio(loop_scope="session")

AT = datetime(2027, 2, 1, 9, 5)  # how UTCDateTime stores it: naive UTC
CLASSES = (
    "INSERT INTO classroom (id, platform, channel_id, name, timezone, teacher_channel_id, "
    "policy, allowed_words, allowed_domains, retention_days, created_at) VALUES "
    "(:id, :platform, :room, :name, 'UTC', :teachers, '{}', '[]', '[]', 30, :at)"
)


def room(platform: Platform, room_id: str, thread: str | None = None) -> ChannelRef:
    return ChannelRef(platform, room_id, thread)


async def test_classes_set_up_before_the_upgrade_are_found_by_both_rooms(
    database_url: str,
) -> None:
    engine = make_engine(database_url)
    await upgrade(engine, "0019")
    async with engine.begin() as conn:
        for values in (
            {"id": 1, "platform": "matrix", "room": "!room12", "teachers": "!staff12"},
            {"id": 2, "platform": "discord", "room": "555", "teachers": None},
        ):
            await conn.execute(text(CLASSES), {**values, "name": "A class", "at": AT})
    await upgrade(engine)
    sm = make_sessionmaker(engine)
    async with sm() as db:
        places = await db.scalars(select(ClassPlace).order_by(ClassPlace.id))
        found = [(p.classroom_id, p.platform, p.channel_id, p.role) for p in places]
    assert found == [
        (1, "matrix", "!room12", PlaceRole.CLASS_ROOM),
        (1, "matrix", "!staff12", PlaceRole.TEACHER_ROOM),
        (2, "discord", "555", PlaceRole.CLASS_ROOM),
    ]

    classes = ClassroomService(sm, Chats(), FakeClock())
    for where in (
        room(Platform.MATRIX, "!room12"),
        room(Platform.MATRIX, "!room12", "$thread"),
        room(Platform.MATRIX, "!staff12"),
    ):
        info = await classes.find(where)
        assert info is not None and info.id == 1, where
    second = await classes.find(room(Platform.DISCORD, "555"))
    assert second is not None and second.id == 2 and second.teacher_channel is None
    assert await classes.find(room(Platform.DISCORD, "!room12")) is None  # another platform
    assert await classes.find(room(Platform.MATRIX, "!elsewhere")) is None
    await engine.dispose()


async def test_a_teacher_room_named_later_replaces_the_one_made_at_setup(
    migrated_database_url: str,
) -> None:
    engine = make_engine(migrated_database_url)
    sm = make_sessionmaker(engine)
    chats = Chats()
    chats.add(RecordingChat())
    classes = ClassroomService(sm, chats, FakeClock())
    teacher = Actor(UserRef(Platform.MATRIX, "@rivera:hs", "Ms Rivera"), Role.TEACHER)
    class_room = room(Platform.MATRIX, "!room12")

    info, created = await classes.setup(class_room, teacher, "UTC")
    made = room(Platform.MATRIX, "!room12-teachers")
    assert created and info.teacher_channel == made
    assert (await classes.find(made)) == info

    chosen = room(Platform.MATRIX, "!staffroom")
    info, created = await classes.setup(class_room, teacher, "UTC", teacher_channel=chosen)
    assert not created and info.teacher_channel == chosen
    assert await classes.find(chosen) == info
    assert await classes.find(made) is None  # no longer the class's teacher room
    async with sm() as db:
        roles = [p.role for p in await db.scalars(select(ClassPlace).order_by(ClassPlace.id))]
    assert sorted(roles) == [PlaceRole.CLASS_ROOM, PlaceRole.TEACHER_ROOM]
    await engine.dispose()
