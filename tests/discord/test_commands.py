"""Slash commands come from the same declarations as everywhere else, with the same rules."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from bot.core.commands import Kind
from bot.core.model import Role
from tests.discord.guild import Classroom, content, ephemeral, set_up_class

pytestmark = pytest.mark.asyncio(loop_scope="session")
MANAGE_CHANNELS = discord.Permissions(manage_channels=True).value


def synced(c: Classroom) -> dict[tuple[str, ...], dict[str, Any]]:
    """Every slash command as registered with Discord at start, by path."""
    (put,) = c.world.sent("PUT", r"/applications/\d+/commands")
    out: dict[tuple[str, ...], dict[str, Any]] = {}
    for top in put.json:
        subs = [o for o in top.get("options", []) if o["type"] == 1]
        out[(top["name"],)] = top
        for sub in subs:
            out[(top["name"], sub["name"])] = {**sub, "top": top}
    return out


async def test_every_declared_command_is_a_slash_command_with_its_parameters(
    classroom: Classroom,
) -> None:
    assert classroom.discord.app is not None
    registry = classroom.discord.app.registry
    slash = synced(classroom)
    for command in registry:
        found = slash.get(command.path)
        assert found is not None, f"/{command.name} missing"
        options = {o["name"]: o for o in found.get("options", [])}
        assert set(options) == {p.name for p in command.params}, command.name
        for p in command.params:
            assert options[p.name].get("required", False) == p.required, f"{command.name} {p.name}"
            if p.kind is Kind.CHOICE:
                assert [ch["value"] for ch in options[p.name]["choices"]] == list(p.choices)
            if p.kind is Kind.INT:
                assert options[p.name]["type"] == 4
                assert options[p.name].get("min_value") == p.minimum
            if p.kind is Kind.USER:
                assert options[p.name]["type"] == 6
            if p.kind is Kind.TIMEZONE:
                assert options[p.name]["autocomplete"] is True
        top = found.get("top", found)
        group = [c for c in registry if c.path[0] == command.path[0]]
        if any(c.direct for c in group):  # guest authors use these in a DM with the bot
            assert top["contexts"] == [0, 1] and top["dm_permission"] is True, command.name
        else:
            assert top["contexts"] == [0] and top["dm_permission"] is False, "guild only"
        if all(c.role >= Role.TEACHER for c in group):
            assert int(top["default_member_permissions"]) == MANAGE_CHANNELS, command.name
        else:  # mixed groups stay visible: the dispatcher refuses students at run time
            assert top["default_member_permissions"] is None
    assert len(slash) == len(registry.commands) + len(registry.groups())


async def test_a_student_running_a_teacher_command_is_refused_privately(
    classroom: Classroom,
) -> None:
    c = classroom
    await set_up_class(c)
    asked = await c.discord.slash(c.ana, c.room, "readaloud plan", start="soon", days="x", time="y")
    (answer,) = c.discord.answers(asked)
    assert ephemeral(answer) and "Only your teacher can use /readaloud plan" in content(answer)


async def test_the_teacher_role_alone_makes_a_teacher(classroom: Classroom) -> None:
    c = classroom
    await set_up_class(c)
    asked = await c.discord.slash(
        c.role_teacher, c.room, "readaloud book", title="Holes", chapters=50
    )
    assert 'Added "Holes"' in content(c.discord.answers(asked)[0])


async def test_a_value_that_does_not_parse_is_explained_privately(classroom: Classroom) -> None:
    c = classroom
    await set_up_class(c)
    await c.discord.slash(c.teacher, c.room, "readaloud book", title="Wonder", chapters=12)
    asked = await c.discord.slash(
        c.teacher, c.room, "readaloud plan", start="next monday", days="mon", time="09:30"
    )
    (answer,) = c.discord.answers(asked)
    assert ephemeral(answer) and content(answer) == "start must look like 2027-02-01"
    asked = await c.discord.slash(c.teacher, c.room, "class setup", timezone="Mars/Olympus")
    assert "is not a timezone I know" in content(c.discord.answers(asked)[0])


async def test_a_member_option_becomes_the_student(classroom: Classroom) -> None:
    c = classroom
    await set_up_class(c)
    asked = await c.discord.slash(c.teacher, c.room, "mod trust", student=c.ana)
    assert "Ana is now trusted" in content(c.discord.answers(asked)[0])
    await c.discord.say(c.ana, c.room, "Chapter two was funny")
    assert not c.world.sent("DELETE"), "a trusted student's clean message stays"


async def test_timezones_are_suggested_while_typing(classroom: Classroom) -> None:
    c = classroom
    data = {"id": c.world.new_id(), "name": "class", "type": 1, "options": [
        {"name": "setup", "type": 1, "options": [
            {"name": "timezone", "type": 3, "value": "auckl", "focused": True}]}]}  # fmt: skip
    asked = await c.discord._interact(c.teacher, c.room, 4, data)
    (answer,) = c.discord.answers(asked)
    assert answer["type"] == 8
    assert {"name": "Pacific/Auckland", "value": "Pacific/Auckland"} in answer["data"]["choices"]


async def test_help_shows_a_student_only_what_they_may_do(classroom: Classroom) -> None:
    asked = await classroom.discord.slash(classroom.ana, classroom.room, "help")
    (answer,) = classroom.discord.answers(asked)
    assert ephemeral(answer) and "/readaloud schedule" in content(answer)
    assert "/mod approve" not in content(answer)


async def test_a_slow_answer_is_deferred_then_sent_privately_or_publicly(
    classroom: Classroom, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.platforms.discord import replies

    c = classroom
    await set_up_class(c)
    assert c.discord.app is not None
    dispatcher = c.discord.app.dispatcher
    command = dispatcher.command

    async def slowly(*args: Any, **kw: Any) -> Any:
        await asyncio.sleep(0.05)
        return await command(*args, **kw)

    monkeypatch.setattr(replies, "ANSWER_WITHIN", 0.01)
    monkeypatch.setattr(dispatcher, "command", slowly)
    private = await c.discord.slash(c.ana, c.room, "help")
    steps = [(r.method, r.json and r.json.get("type")) for r in c.discord.requests_for(private)]
    assert steps == [("POST", 5), ("DELETE", None), ("POST", None)]
    followup = c.discord.requests_for(private)[-1].json
    assert followup["flags"] & 64 and "/readaloud schedule" in followup["content"]
    public = await c.discord.slash(c.ana, c.room, "readaloud schedule")
    steps = [r.method for r in c.discord.requests_for(public)]
    assert steps == ["POST", "PATCH"]
    assert "No sessions planned" in c.discord.requests_for(public)[-1].json["content"]


async def test_book_options_suggest_the_classes_books_while_typing(classroom: Classroom) -> None:
    c = classroom
    await set_up_class(c)
    await c.discord.slash(c.teacher, c.room, "readaloud book", title="Wonder", chapters=12)
    await c.discord.slash(c.teacher, c.room, "readaloud book", title="The Wild Robot", chapters=80)
    data = {
        "id": c.world.new_id(),
        "name": "readaloud",
        "type": 1,
        "options": [
            {"name": "plan", "type": 1, "options": [
                {"name": "book", "type": 3, "value": "wil", "focused": True}]}
        ],
    }  # fmt: skip
    typed = await c.discord._interact(c.teacher, c.room, 4, data)
    (answer,) = c.discord.answers(typed)
    assert answer["type"] == 8
    assert answer["data"]["choices"] == [{"name": "The Wild Robot", "value": "The Wild Robot"}]
