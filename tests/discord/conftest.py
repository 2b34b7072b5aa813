"""A fresh fake Discord (a guild with a class channel, a teacher and students) per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio
from fakediscord import World
from harness import TEACHER_ROLE, Discord, install

from bot.core.clock import FakeClock


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


@pytest_asyncio.fixture(loop_scope="session")
async def classroom(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> AsyncIterator[Classroom]:
    c = build_classroom(monkeypatch, tmp_path)
    await c.discord.start()
    try:
        yield c
    finally:
        await c.discord.stop()


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
