"""Season files: a teacher's mistakes come back with the line to fix and what to type."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from bot.core.errors import UserError
from cogs.readaloud.season import (
    BookSpec,
    PlanSpec,
    PromptSpec,
    Season,
    SeasonFileError,
    parse_season,
    render_season,
)

EXAMPLE = Path(__file__).parents[2] / "examples" / "lighthouse-mice.toml"

# line numbers matter: the tests below change one line and expect it to be named
GOOD = """\
[book]
title = "The Lighthouse Mice"
chapters = 12

[plan]
start = 2027-03-01
weekdays = ["mon", "wed", "fri"]
time = "09:30"

[[prompt]]
chapter = 3
kind = "poll"
text = "Should Pip tell the keeper?"
options = ["Yes", "No"]

[[prompt]]
chapter = 5
text = '''Why did the lamp go dark?
kind = "these are words, not a key"
'''
offset_minutes = 10
"""


def changed(lines: dict[int, str]) -> str:
    """GOOD with some lines replaced (by 1-based number), so every line keeps its number."""
    out = GOOD.splitlines()
    for n, line in lines.items():
        out[n - 1] = line
    return "\n".join(out) + "\n"


def problems(text: str) -> list[str]:
    with pytest.raises(SeasonFileError) as caught:
        parse_season(text)
    return caught.value.problems


def test_the_lighthouse_mice_example_is_a_complete_season() -> None:
    season = parse_season(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE.name)
    assert season.book.title == "The Lighthouse Mice"
    assert season.book.chapters == len(season.book.chapter_titles) == 12
    assert season.plan.weekdays == ("mon", "wed", "fri")
    assert season.plan.at == time(9, 30) and season.plan.start == date(2027, 3, 1)
    kinds = {p.kind for p in season.prompts}
    assert kinds == {"question", "summary", "prediction", "poll", "opinion"}
    summary = next(p for p in season.prompts if p.kind == "summary")
    assert summary.char_limit == 200


def test_a_good_file_reads_into_a_season_with_defaults_filled_in() -> None:
    season = parse_season(GOOD)
    assert season.book == BookSpec("The Lighthouse Mice", 12)
    assert season.plan == PlanSpec(
        at=time(9, 30), start=date(2027, 3, 1), weekdays=("mon", "wed", "fri")
    )
    assert season.plan.window_minutes == 60 and season.plan.reminder_minutes == 0
    poll, question = season.prompts
    assert poll == PromptSpec(3, "Should Pip tell the keeper?", "poll", 0, ("Yes", "No"))
    assert question.kind == "question" and question.char_limit == 140
    assert question.text.startswith("Why did the lamp go dark?\nkind =")


def test_days_and_dates_may_be_written_the_friendly_way() -> None:
    season = parse_season(
        changed(
            {7: 'weekdays = "Friday, mon, MON"', 8: "time = 07:45:00", 6: 'start = "2027-03-01"'}
        )
    )
    assert season.plan.weekdays == ("mon", "fri")
    assert season.plan.at == time(7, 45) and season.plan.start == date(2027, 3, 1)


@pytest.mark.parametrize(
    ("edits", "expected"),
    [
        (
            {8: 'time = "25:00"'},
            'plan.toml line 8: plan.time = "25:00": must look like "09:30" (24-hour clock',
        ),
        (
            {8: 'time = "9.30"'},
            'plan.toml line 8: plan.time = "9.30": must look like "09:30"',
        ),
        (
            {7: 'weekdays = ["mon", "funday"]'},
            'plan.toml line 7: plan.weekdays = ["mon", "funday"]: "funday": use days from mon, tue',
        ),
        (
            {3: "chapters = 0"},
            "plan.toml line 3: book.chapters = 0: must be a whole number from 1 to 500, like 12",
        ),
        (
            {3: 'chapters = "twelve"'},
            'plan.toml line 3: book.chapters = "twelve": must be a whole number from 1 to 500',
        ),
        (
            {9: "chapters_per_session = 0"},
            "plan.toml line 9: plan.chapters_per_session = 0: must be a whole number of at least 1",
        ),
        (
            {11: "chapter = 13"},
            "plan.toml line 11: prompt[1].chapter = 13: the book has chapters 1 to 12",
        ),
        (
            {17: "chapter = 0"},
            "plan.toml line 17: prompt[2].chapter = 0: must be a whole number of at least 1",
        ),
        (
            {12: 'kind = "quiz"'},
            'plan.toml line 12: prompt[1].kind = "quiz": must be one of question, summary, '
            "prediction, poll, opinion",
        ),
        (
            {14: 'options = ["Yes"]'},
            'plan.toml line 14: prompt[1].options = ["Yes"]: a poll needs 2 to 10 different '
            "options",
        ),
        (
            {12: 'kind = "opinion"', 14: ""},
            "plan.toml line 10: prompt[1].options: an opinion needs 2 to 10 different options",
        ),
        (
            {14: 'options = ["Yes", "Yes"]'},
            'plan.toml line 14: prompt[1].options = ["Yes", "Yes"]: a poll needs 2 to 10 '
            "different options",
        ),
        (
            {21: "offset_minutes = 60"},
            "plan.toml line 21: prompt[2].offset_minutes = 60: the session lasts 60 minutes; "
            "use 0 to 59",
        ),
        (
            {21: 'kind = "quiz"'},
            'plan.toml line 21: prompt[2].kind = "quiz": must be one of question',
        ),
        (
            {21: "char_limit = 50"},
            "plan.toml line 21: prompt[2].char_limit = 50: only summaries have a char_limit",
        ),
        (
            {7: ""},
            'plan.toml line 5: plan: say when the class reads: weekdays = ["mon", "wed"]',
        ),
        (
            {6: ""},
            "plan.toml line 5: plan.start: missing; add the first day, like start = 2027-02-01",
        ),
        (
            {2: ""},
            'plan.toml line 1: book.title: missing; add a line like title = "The Lighthouse Mice"',
        ),
        (
            {6: "", 7: 'dates = [2027-03-01, "1 March"]'},
            'plan.toml line 7: plan.dates = [2027-03-01, "1 March"]: item 2 "1 March" must be '
            "a date like 2027-02-01",
        ),
        (
            {6: 'start = "2027-02-30"'},
            'plan.toml line 6: plan.start = "2027-02-30": is not a day of the calendar',
        ),
        (
            {6: "", 7: "dates = [2027-03-01, 2027-03-03]"},
            "plan.toml line 7: plan.dates: 12 chapters at 1 per session need 12 dates, not 2",
        ),
        (
            {9: 'timezone = "Mars/Olympus_Mons"'},
            'plan.toml line 9: plan.timezone = "Mars/Olympus_Mons": is not a timezone I know; '
            'use a name like "Pacific/Auckland"',
        ),
        (
            {9: 'colour = "red"'},
            'plan.toml line 9: plan.colour = "red": unknown key; the keys here are start',
        ),
        (
            {9: "reminder = 10"},
            'plan.toml line 9: plan.reminder = 10: unknown key; did you mean "reminder_minutes"?',
        ),
        (
            {4: "[teacher]"},
            "plan.toml line 4: teacher: unknown table; a season file has [book], [plan] and "
            "[[prompt]]",
        ),
        (
            {8: 'time = "09:30'},
            "plan.toml line 8: this is not valid TOML",
        ),
    ],
)
def test_each_mistake_is_named_with_its_line_and_what_to_type(
    edits: dict[int, str], expected: str
) -> None:
    found = problems(changed(edits))
    assert any(p.startswith(expected) for p in found), found


def test_the_missing_book_is_reported_at_the_end_of_the_file() -> None:
    text = GOOD.replace('[book]\ntitle = "The Lighthouse Mice"\nchapters = 12\n', "")
    assert problems(text) == [
        "plan.toml line 18: book: the [book] table is missing; add it (see docs/season-files.md)"
    ]


def test_every_problem_is_listed_at_once_in_line_order() -> None:
    text = changed({3: "chapters = 4", 8: 'time = "25:00"', 12: 'kind = "quiz"', 11: "chapter = 9"})
    found = problems(text)
    assert [p.split(":")[0] for p in found] == [
        "plan.toml line 8",
        "plan.toml line 11",
        "plan.toml line 12",
        "plan.toml line 17",
    ]
    with pytest.raises(UserError) as caught:
        parse_season(text, source="mice.toml")
    assert caught.value.message.startswith("mice.toml has 4 problems:\n- mice.toml line 8: ")


def test_both_weekdays_and_dates_is_one_too_many() -> None:
    found = problems(changed({9: "dates = [2027-03-01]"}))
    assert found == [
        "plan.toml line 9: plan.dates: give either weekdays or dates, not both; remove one"
    ]


def test_a_file_of_dates_plans_one_session_per_date() -> None:
    season = parse_season(
        changed({6: "chapters_per_session = 6", 7: "dates = [2027-03-08, 2027-03-01]"})
    )
    assert season.plan.dates == (date(2027, 3, 1), date(2027, 3, 8))
    assert season.plan.start is None and season.plan.weekdays == ()


def tricky_season() -> Season:
    return Season(
        book=BookSpec(
            'The "Lighthouse" Mice \\ Part Two',
            3,
            "Ada Quill-Ōtaki 🐭",
            ("Tab\there", "Line\nbreak", "Bell\x07 and del\x7f"),
        ),
        plan=PlanSpec(
            at=time(8, 5),
            dates=(date(2027, 3, 1), date(2027, 3, 2), date(2027, 3, 9)),
            window_minutes=30,
            reminder_minutes=5,
            timezone="Pacific/Auckland",
        ),
        prompts=(
            PromptSpec(1, "Which mouse?\nPick one.", "poll", 3, ("Pip", "Grandmother Whisker")),
            PromptSpec(2, "Sum it up", "summary", 0, char_limit=90),
            PromptSpec(3, "What next?", "prediction", 29),
        ),
    )


@pytest.mark.parametrize(
    "season",
    [parse_season(EXAMPLE.read_text(encoding="utf-8")), parse_season(GOOD), tricky_season()],
    ids=["example", "good", "tricky"],
)
def test_a_rendered_season_reads_back_the_same_and_renders_byte_for_byte(season: Season) -> None:
    text = render_season(season)
    again = parse_season(text)
    assert again == season
    assert render_season(again) == text


def test_prompts_are_kept_in_chapter_order() -> None:
    text = GOOD.replace("chapter = 5", "chapter = 1")
    season = parse_season(text)
    assert [p.chapter for p in season.prompts] == [1, 3]
