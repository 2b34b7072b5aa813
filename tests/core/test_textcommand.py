"""Typed `!` commands are parsed from the declarations, with helpful errors."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core.commands import Command, Kind, Param, Registry, Reply
from bot.core.errors import UserError
from bot.core.help import render_help
from bot.core.model import ChannelRef, Platform, Role, UserRef
from bot.core.textcommand import is_command, parse, tokenize


async def _noop(inv):  # type: ignore[no-untyped-def]
    return Reply("ok")


REGISTRY = Registry(
    [
        Command(
            ("readaloud", "plan"),
            "plan",
            Role.TEACHER,
            _noop,
            (
                Param("start", Kind.DATE, "first day"),
                Param("days", Kind.WEEKDAYS, "days"),
                Param("time", Kind.TIME, "time"),
                Param("per", Kind.INT, "per", required=False, default=1, minimum=1),
            ),
        ),
        Command(
            ("readaloud", "prompt"),
            "prompt",
            Role.TEACHER,
            _noop,
            (
                Param("chapter", Kind.INT, "chapter"),
                Param("text", Kind.TEXT, "text"),
                Param(
                    "kind",
                    Kind.CHOICE,
                    "kind",
                    required=False,
                    default="question",
                    choices=("question", "poll"),
                ),
            ),
        ),
        Command(
            ("mod", "trust"), "trust", Role.TEACHER, _noop, (Param("student", Kind.USER, "s"),)
        ),
        Command(("help",), "help", Role.STUDENT, _noop),
    ],
    aliases={"ra": "readaloud"},
)


def user(raw: str) -> UserRef:
    if not raw.startswith("@"):
        raise UserError("name a person like @sam:example.org")
    return UserRef(Platform.MATRIX, raw)


def run(text: str):  # type: ignore[no-untyped-def]
    return parse(REGISTRY, text, "!", user)


def test_key_value_and_positional_arguments_mix() -> None:
    cmd, args = run("!readaloud plan 2027-02-01 days=mon,wed time=09:30")
    assert cmd.path == ("readaloud", "plan")
    assert args == {
        "start": date(2027, 2, 1),
        "days": ("mon", "wed"),
        "time": time(9, 30),
        "per": 1,
    }


def test_alias_and_free_text_keeps_apostrophes_and_spacing() -> None:
    cmd, args = run("!ra prompt 3 Why didn't Auggie  want to go?  kind=poll")
    assert cmd.path == ("readaloud", "prompt")
    assert args["text"] == "Why didn't Auggie  want to go?"
    assert args["kind"] == "poll"
    _, args = run("!ra prompt 3 Who kind=poll is  bravest?")
    assert args["text"] == "Who is  bravest?" and args["kind"] == "poll"


def test_quoted_values_group_words() -> None:
    assert [t for t, _, _ in tokenize('book "The Wild Robot" chapters=80')] == [
        "book",
        "The Wild Robot",
        "chapters=80",
    ]
    assert [t for t, _, _ in tokenize('title="Wonder Boy" x')] == ["title=Wonder Boy", "x"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("!foo bar", 'I don\'t know "!foo". Try !help.'),
        ("!readaloud", "!readaloud needs one of: plan, prompt. Try !help."),
        ("!readaloud plan 01/02/2027 mon 09:30", "start must look like 2027-02-01"),
        ("!readaloud plan 2027-02-01 mon 25:00", "time must look like 09:30"),
        ("!readaloud plan 2027-02-01 funday 09:30", "days must look like mon,wed,fri"),
        ("!readaloud plan 2027-02-01 mon 09:30 per=0", "per must be at least 1"),
        ("!readaloud plan 2027-02-01", "days is missing. Usage: !readaloud plan"),
        ('!readaloud prompt 1 "unclosed', "A quote is not closed"),
        ("!mod trust sam", "name a person like @sam:example.org"),
        ("!help me please", 'I did not expect "me please"'),
    ],
)
def test_bad_input_says_what_to_type_instead(text: str, message: str) -> None:
    with pytest.raises(UserError) as err:
        run(text)
    assert message in err.value.message


def test_help_shows_only_what_the_role_may_do() -> None:
    student = render_help(REGISTRY, Role.STUDENT)
    teacher = render_help(REGISTRY, Role.TEACHER)
    assert "!readaloud plan" not in student and "!mod" not in student
    assert "!readaloud plan start=2027-02-01 days=mon,wed,fri time=09:30 per=2 window=45" in teacher


@pytest.mark.parametrize(
    ("typed", "title"),
    [
        ("book 'Single Quotes' chapters=2", "Single Quotes"),
        ('book "A "nested" title" chapters=2', 'A "nested" title'),
        ("book “Phone Quotes” chapters=2", "Phone Quotes"),
        ("book ‘Charlotte’s Web’ chapters=2", "Charlotte’s Web"),
        ("book 'Charlotte's Web' chapters=2", "Charlotte's Web"),
        ("book title=“The Wild Robot” chapters=2", "title=The Wild Robot"),
    ],
)
def test_single_and_typographic_quotes_group_a_title(typed: str, title: str) -> None:
    assert [t for t, _, _ in tokenize(typed)] == ["book", title, "chapters=2"]


def test_an_apostrophe_is_a_letter_and_an_unclosed_double_quote_is_explained() -> None:
    assert [t for t, _, _ in tokenize("ask what's 'up with the keeper")][1:3] == ["what's", "'up"]
    with pytest.raises(UserError) as caught:
        tokenize('book "The Lighthouse Mice chapters=3')
    told = caught.value.message
    assert "not closed" in told and '"The Lighthouse Mice' in told
    assert 'Put a matching " after the last word' in told


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("!readaloud plan start=2027-02-01", True),
        ("!RA plan", True),  # an alias, any case
        ("!readaloud shedule", True),  # a known group: the person meant a command
        ("!hello everyone", False),
        ("!!!", False),
        ("! readaloud is fun", False),
        ("!", False),
        ("readaloud plan", False),
    ],
)
def test_only_known_commands_are_commands_other_bang_text_is_a_message(
    text: str, command: bool
) -> None:
    assert is_command(REGISTRY, text, "!") is command


def test_a_channel_is_read_the_way_the_adapter_reads_its_platforms_channels() -> None:
    from bot.platforms.matrix.rooms import room_named

    teachers = Param("teachers", Kind.CHANNEL, "a private channel", required=False)
    registry = Registry([Command(("setup",), "set up", Role.TEACHER, _noop, (teachers,))])
    typed = "!setup teachers=!staff:example.org"
    _, args = parse(registry, typed, "!", user, Platform.MATRIX, room_named)
    assert args["teachers"] == ChannelRef(Platform.MATRIX, "!staff:example.org")
    with pytest.raises(UserError, match=r"must be a room id like !abcdef:example\.org"):
        parse(registry, "!setup teachers=#staff", "!", user, Platform.MATRIX, room_named)
    # without the adapter's reading, the platform's own id is taken as it is
    _, args = parse(registry, "!setup teachers=123", "!", user, Platform.DISCORD)
    assert args["teachers"] == ChannelRef(Platform.DISCORD, "123")
