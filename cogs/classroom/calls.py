"""A command typed in a class, resolved once: which class, who typed it, where.

Like a cog check, ``in_class(classes)`` wraps a feature's command handler: the class of
the channel the command was typed in is found once (or the teacher is told how to set one
up), and the handler gets a ``ClassCall``. Services are then called with the class
(``call.cls``, ``call.class_id``), never with a channel; ``call.where`` stays for what is
genuinely about a place — the reply, the thread a question was asked in.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.commands import Handler, Invocation, Reply
from bot.core.model import Actor, ChannelRef
from cogs.classroom.service import ClassInfo, ClassroomService


@dataclass(frozen=True)
class ClassCall:
    """A teacher's or student's request in a class: the class, the actor, where it was typed."""

    cls: ClassInfo
    actor: Actor
    where: ChannelRef
    args: dict[str, Any] = field(default_factory=dict)
    prefix: str = "!"

    @property
    def class_id(self) -> int:
        return self.cls.id

    @property
    def in_class_room(self) -> bool:
        """Typed in the class room itself (or one of its threads), not its teacher room."""
        return self.where.id == self.cls.channel.id

    @property
    def in_teacher_room(self) -> bool:
        """Typed in the class's private teacher room."""
        teachers = self.cls.teacher_channel
        return teachers is not None and self.where.room == teachers.room


ClassHandler = Callable[[ClassCall], Awaitable[Reply]]


async def class_call(classes: ClassroomService, inv: Invocation) -> ClassCall:
    """The class a command was typed in, with its actor; a UserError outside a class."""
    cls = await classes.require(inv.channel, inv.prefix)
    return ClassCall(cls, inv.actor, inv.channel, inv.args, inv.prefix)


def in_class(classes: ClassroomService) -> Callable[[ClassHandler], Handler]:
    """A decorator for command handlers that act on the class they were typed in."""

    def check(handler: ClassHandler) -> Handler:
        @functools.wraps(handler)
        async def run(inv: Invocation) -> Reply:
            return await handler(await class_call(classes, inv))

        return run

    return check
