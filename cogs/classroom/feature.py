"""The classroom feature: classes and their roles, the teacher room's privacy, the bot's
presence in class rooms, and telling teachers when the database does not answer."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from bot.core.events import BotRemoved, BotReturned, Connected, EncryptionReset, RoomChanged
from bot.core.feature import Due, Feature, RoleHook, Stage, Timer, on
from bot.core.ports import Chat
from bot.features import Deps
from cogs.classroom import commands, retention
from cogs.classroom.outage import StorageOutage
from cogs.classroom.presence import ClassPresence
from cogs.classroom.roles import ClassRoles
from cogs.classroom.service import ClassroomService
from cogs.classroom.watch import TeacherRoomWatch

log = logging.getLogger(__name__)
# teacher rooms stay private: looked at when a room changes, and hourly for a change unseen
WATCH_EVERY = timedelta(hours=1)
OUTAGE_LOOK_EVERY = timedelta(seconds=15)  # is anything waiting for the database?


@dataclass
class Classroom:
    """What the other features may use of the classroom feature."""

    classes: ClassroomService
    watch: TeacherRoomWatch
    roles: ClassRoles
    presence: ClassPresence
    outage: StorageOutage


def setup(deps: Deps) -> Feature[Classroom]:
    """Classes, roles from the class room, teacher-room privacy, presence and outages."""
    classes = ClassroomService(deps.sessionmaker, deps.chats, deps.clock)
    watch = TeacherRoomWatch(deps.sessionmaker, deps.chats, deps.clock)
    roles = ClassRoles(classes, deps.chats, watch.exposed)
    presence = ClassPresence(deps.sessionmaker, deps.chats, deps.deliveries, deps.clock)
    outage = StorageOutage(deps.faults, classes, deps.chats)
    api = Classroom(classes, watch, roles, presence, outage)

    async def connected(chat: Chat, _ev: Connected) -> None:
        # the platform knows its rooms now: look at its teacher rooms before posting
        await watch.check(chat.platform)

    async def removed(_chat: Chat, ev: BotRemoved) -> None:
        await presence.removed(ev)

    async def returned(_chat: Chat, ev: BotReturned) -> None:
        await presence.returned(ev)

    async def room_changed(_chat: Chat, ev: RoomChanged) -> None:
        await watch.check(ev.platform, ev.channel)  # at once, not at the next look

    async def keys_reset(chat: Chat, ev: EncryptionReset) -> None:
        await outage.encryption_reset(chat, ev)

    async def look(_due: Due) -> None:
        await watch.check()

    async def outage_look(_due: Due) -> None:
        await outage.check()

    return Feature(
        "classroom",
        api,
        commands=commands.declare(classes, deps.registry),
        handlers=[
            on(Connected, connected, Stage.GUARD),
            on(BotRemoved, removed),
            on(BotReturned, returned),
            on(RoomChanged, room_changed),
            on(EncryptionReset, keys_reset),
        ],
        roles=[RoleHook(roles.resolve, Stage.GUARD)],  # first: roles come from the class
        private_place=roles.private_place,
        timers=[
            Timer("classroom.watch", run=look, every=WATCH_EVERY, first=WATCH_EVERY),
            # in memory: it must look while the database does not answer
            Timer(
                "classroom.outage",
                run=outage_look,
                every=OUTAGE_LOOK_EVERY,
                first=OUTAGE_LOOK_EVERY,
                durable=False,
            ),
        ],
        retention=retention.purge,
        # nothing goes into a teacher room that was exposed, or not checked since this start
        prepare=[watch.load, classes.remember_teacher_rooms],
        resume=[watch.check],  # platforms that do not know their rooms yet stay paused
    )
