"""The story's Discord guild: a class channel, a teacher, a helper and two students."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.core.clock import FakeClock
from tests.discord.fakediscord import World
from tests.discord.harness import TEACHER_ROLE, Discord, install


@dataclass
class Classroom:
    """The people and channels of the story."""

    discord: Discord
    world: World
    room: dict[str, Any]
    teacher: dict[str, Any]
    role_teacher: dict[str, Any]
    ana: dict[str, Any]
    ben: dict[str, Any]
    setup_answer: str = ""  # the interaction id of /class setup, once run


def build_classroom(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, db_url: str = "") -> Classroom:
    """The guild, its people and the class channel; the bot not started yet."""
    world = World()
    install(monkeypatch, world)
    bot_role = world.role("readaloud", discord.Permissions(administrator=True))
    world.member(world.bot, bot_role)
    manager = world.role("Staff", discord.Permissions(manage_channels=True))
    teacher_role = world.role(TEACHER_ROLE, discord.Permissions.none())
    teacher = world.user("Ms Rivera")
    world.member(teacher, manager)
    helper = world.user("Mr Okafor")
    world.member(helper, teacher_role)
    ana, ben = world.user("Ana"), world.user("Ben")
    world.member(ana)
    world.member(ben)
    room = world.text_channel("class-7b")
    d = Discord(world, tmp_path / "readaloud.db", FakeClock(), db_url)
    return Classroom(d, world, room, teacher, helper, ana, ben)


async def set_up_class(c: Classroom) -> dict[str, Any]:
    """The teacher makes the channel a class; returns the private teacher channel."""
    c.setup_answer = await c.discord.slash(
        c.teacher, c.room, "class setup", timezone="UTC", name="Class 7B"
    )
    made = [ch for ch in c.world.channels.values() if (ch.get("topic") or "").endswith(")")]
    assert len(made) == 1, "one teacher channel"
    return made[0]


def content(answer: dict[str, Any]) -> str:
    return answer["data"]["content"]


def ephemeral(answer: dict[str, Any]) -> bool:
    return bool(answer["data"].get("flags", 0) & 64)
