"""Roles come from the class channel, wherever a person acts; private answers for teachers
go to the class's teacher channel while only teachers can read it."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.dispatch import Chats
from bot.core.model import Actor, ChannelRef, Role
from cogs.classroom.service import ClassroomService


class ClassRoles:
    """The dispatcher's hooks for the class: current roles and where private replies go."""

    def __init__(
        self, classes: ClassroomService, chats: Chats, exposed: Callable[[int], bool]
    ) -> None:
        self.classes = classes
        self.chats = chats
        self.exposed = exposed

    async def resolve(self, actor: Actor, where: ChannelRef) -> Actor:
        """In a class's teacher channel the role is the one the class channel gives now:
        a teacher demoted in the class can no longer read the queue or decide."""
        cls = await self.classes.find(where)
        if cls is None or cls.teacher_channel is None or where.id != cls.teacher_channel.id:
            return actor
        role = await self.chats[where.platform].role(cls.channel, actor.user)
        return actor if role == actor.role else Actor(actor.user, role)

    async def private_place(self, actor: Actor, where: ChannelRef) -> ChannelRef | None:
        """The teacher channel of the class `where` belongs to, unless students can read it
        now (or it was not checked yet since the start); None means: tell them directly."""
        if actor.role < Role.TEACHER:
            return None
        cls = await self.classes.find(where)
        if cls is None or cls.teacher_channel is None or self.exposed(cls.id):
            return None
        return cls.teacher_channel
