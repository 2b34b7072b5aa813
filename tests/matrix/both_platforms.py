"""One installation serving a Matrix class (a real Synapse) and a Discord class (discord.py's
own parsing, the fake Discord's World at its HTTP edge): the bot, the Discord guild with its
teacher, a student and the class channel, and the Discord class set up to read the book."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import discord
from sqlalchemy import select

from bot.config import Config, DiscordSettings, Secrets, Settings
from bot.db.tables import Classroom as ClassRow
from bot.db.tables import Flag, Session
from tests.discord.fakediscord import World
from tests.discord.harness import TEACHER_ROLE, Discord
from tests.matrix.classroom import Classroom


@dataclass
class BothPlatforms(Classroom):
    """The Matrix class's bot, also connected to the fake Discord (install it first)."""

    def config(self) -> Config:
        matrix = super().config()
        settings = Settings(
            bot=matrix.settings.bot,
            matrix=matrix.settings.matrix,
            discord=DiscordSettings(enabled=True, teacher_role=TEACHER_ROLE),
        )
        secrets = Secrets(
            matrix_access_token=matrix.secrets.matrix_access_token, discord_token="test-token"
        )
        return Config(settings=settings, secrets=secrets)


@dataclass
class Guild:
    """The Discord side: Class 7's channel, its teacher Mr Okafor and Ben Tamaki."""

    world: World
    room7: dict[str, Any]
    okafor: dict[str, Any]
    ben: dict[str, Any]


def guild(w: World) -> Guild:
    w.member(w.bot, w.role("readaloud", discord.Permissions(administrator=True)))
    okafor, ben = w.user("Mr Okafor"), w.user("Ben Tamaki")
    w.member(okafor, w.role("Staff", discord.Permissions(manage_channels=True)))
    w.member(ben)
    return Guild(w, w.text_channel("class-7"), okafor, ben)


async def class7(d: Discord, g: Guild, first: datetime) -> None:
    """Mr Okafor makes the channel Class 7 (Nelson, NZ), reading the Matrix class's book on
    the same daily plan, two chapters a day from `first` (local Auckland time)."""
    okafor, room7 = g.okafor, g.room7
    await d.slash(okafor, room7, "class setup", timezone="Pacific/Auckland", name="Class 7")
    await d.slash(okafor, room7, "author profile", name="Class 7", region="Nelson, NZ")
    await d.slash(okafor, room7, "readaloud book", title="The Lighthouse Mice", chapters=4)
    await d.slash(
        okafor, room7, "readaloud plan", start=f"{first:%Y-%m-%d}",
        days="mon,tue,wed,thu,fri,sat,sun", time=f"{first:%H:%M}", per=2,
    )  # fmt: skip


async def latest_flag(m: Classroom, platform: str) -> int:
    """The newest review item of the installation's class on `platform`."""
    assert m.app is not None
    async with m.app.sessionmaker() as db:
        found = await db.scalar(
            select(Flag.id)
            .join(ClassRow, ClassRow.id == Flag.classroom_id)
            .where(ClassRow.platform == platform)
            .order_by(Flag.id.desc())
        )
    assert found is not None
    return int(found)


async def thread_root(m: Classroom, platform: str, chapter: int = 1) -> str:
    """The thread of the session of `chapter` of the installation's class on `platform`."""
    assert m.app is not None
    async with m.app.sessionmaker() as db:
        found = await db.scalar(
            select(Session.thread_id)
            .join(ClassRow, ClassRow.id == Session.classroom_id)
            .where(
                ClassRow.platform == platform,
                Session.thread_id.is_not(None),
                Session.first_chapter <= chapter,
                Session.last_chapter >= chapter,
            )
        )
    assert found is not None
    return str(found)


def discord_names(user: dict[str, Any]) -> list[str]:
    """What names a Discord student beyond a first name: the account id, the username, and
    the display name with its last name."""
    shown = str(user["global_name"])
    return [str(user["id"]), str(user["username"]), shown, *shown.split()[1:]]


def posted(w: World) -> str:
    """Everything the bot sent Discord to show (each request's JSON), one per line."""
    return "\n".join(
        json.dumps(r.json, ensure_ascii=False)
        for r in w.requests
        if r.method in ("POST", "PUT", "PATCH") and r.json
    )
