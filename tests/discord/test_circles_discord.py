"""Circles on Discord: the slash commands through discord.py's own parsing, two classes of
one server forming a circle."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio

from bot.core.clock import FakeClock
from tests.discord.fakediscord import World
from tests.discord.harness import Discord, install

pytestmark = pytest.mark.asyncio(loop_scope="session")
SESSION = datetime(2027, 2, 3, 9, 30, tzinfo=UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def school(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> AsyncIterator[tuple[Discord, World, list[dict[str, Any]]]]:
    w = World()
    install(monkeypatch, w)
    w.member(w.bot, w.role("readaloud", discord.Permissions(administrator=True)))
    staff = w.role("Staff", discord.Permissions(manage_channels=True))
    people = [w.user("Ms Rivera"), w.user("Mr Okafor"), w.user("Ana")]
    w.member(people[0], staff)
    w.member(people[1], staff)
    w.member(people[2])
    rooms = [w.text_channel("class-7b"), w.text_channel("class-8a")]
    d = Discord(w, tmp_path / "readaloud.db", FakeClock(datetime(2027, 2, 1, tzinfo=UTC)))
    await d.start()
    for room, teacher, name in zip(rooms, people, ("Class 7B", "Class 8A"), strict=False):
        await d.slash(teacher, room, "class setup", timezone="UTC", name=name)
        await d.slash(teacher, room, "author profile", name=name, region="Leeds, UK")
        await d.slash(teacher, room, "readaloud book", title="Wonder", chapters=12)
        await d.slash(teacher, room, "readaloud plan", start="2027-02-03", days="wed", time="09:30")
    d.clock.set(SESSION)
    assert d.app is not None
    await d.app.scheduler.run_due()
    await d.settle()
    try:
        yield d, w, [*rooms, *people]
    finally:
        await d.stop()


def answer_text(d: Discord, interaction: str) -> str:
    answer = next(a for a in d.answers(interaction) if a and a.get("type") != 5)
    return str(answer["data"]["content"] if "data" in answer else answer["content"])


async def test_two_discord_classes_form_a_circle_by_slash_commands(
    school: tuple[Discord, World, list[dict[str, Any]]],
) -> None:
    d, w, (room7, room8, rivera, okafor, ana) = school
    made = await d.slash(rivera, room7, "circle create", name="Wonder readers")
    assert answer_text(d, made) == "I've put the one-time circle code in the teacher room."
    teachers7 = next(c for c in w.channels.values() if c["name"] == "class-7b-teachers")
    code = re.search(r"RC-\w{4}-\w{4}", w.posts_in(teachers7["id"])[-1].json["content"])
    assert code, "the code is in the private teacher channel"
    assert not any(code.group(0) in (r.json.get("content") or "") for r in w.posts_in(room7["id"]))

    refused = await d.slash(ana, room7, "circle list")
    assert answer_text(d, refused).startswith("Only your teacher can use")
    joined = await d.slash(okafor, room8, "circle join", code=code.group(0))
    assert answer_text(d, joined).startswith("🔗 Your class joined the circle “Wonder readers”")
    listed = answer_text(d, await d.slash(okafor, room8, "circle list"))
    assert "• Class 7B (Leeds, UK) · Discord · chapter 1 — made the circle" in listed, listed
    assert "• Class 8A (Leeds, UK) · Discord · chapter 1" in listed
    assert "Ana" not in listed
