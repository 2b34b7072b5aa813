"""Every text a child sees, rendered with sample values: short, kind, and free of jargon.

The checks: no sentence said twice, counted words agree (1 minute, 2 minutes), the text
ends like a sentence, no `key=value` placeholders and no internal category names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.app import App
from bot.config import BotSettings, Config, Secrets, Settings
from bot.core.help import render_help
from bot.core.model import Role
from bot.core.wording import plural, sentence
from bot.db.tables import Flag, Prompt
from bot.screening import screen
from bot.screening.verdict import (
    BULLYING,
    INSULT,
    LINK,
    MEDIA,
    PII,
    PROFANITY,
    SELF_HARM,
    SLUR,
    SPAM,
)
from cogs.authors import texts as author_texts
from cogs.moderation import texts as mod_texts
from cogs.moderation.policy import MEDIA_NOTE, UNCHECKED_CATEGORY, checked
from cogs.readaloud import texts as session_texts
from cogs.review import texts as review_texts

INTERNAL = (PROFANITY, INSULT, SLUR, BULLYING, SELF_HARM, PII, LINK, SPAM, MEDIA)
JARGON = ("looks like spam", "severity", "flag #", "verdict", UNCHECKED_CATEGORY, "mod trust")
COUNTED = ("minute", "message", "student", "question", "class", "prompt", "day", "vote")

# what screening itself tells a child about a message (one per kind of finding)
SAMPLE_MESSAGES = (
    "you are an idiot",
    "my address is 12 Rata Street, call me on 021 555 1234",
    "look at https://example.com/game",
    "buy now buy now buy now buy now buy now buy now",
    "I want to hurt myself",
)


def flag(note: str = "", reason: str = "", name: str = "Aroha") -> Flag:
    return Flag(
        id=16,
        user_name=name,
        user_id="@aroha:school",
        text="I think the keeper was lonely",
        student_note=note,
        decision_reason=reason,
        state="rejected",
        action="hold",
        reasons=[],
        created_at=datetime(2027, 2, 1, tzinfo=UTC),
    )


def notes() -> Iterator[str]:
    yield ""
    yield review_texts.NEW_MEMBER_NOTE
    yield mod_texts.CLOSED_NOTE
    yield MEDIA_NOTE
    for text in SAMPLE_MESSAGES:
        yield screen(text).student_note


def prompt(kind: str) -> Prompt:
    return Prompt(
        chapter=1,
        kind=kind,
        text="What would you pack for a night in a lighthouse?",
        options=["A torch", "A book"],
        char_limit=140,
    )


def student_texts() -> Iterator[str]:
    """Every student-facing text, with sample values."""
    yield mod_texts.child_direct_reply("Ben", "", None)
    for note in notes():
        yield mod_texts.child_direct_reply("Ben", note, 7)
        yield review_texts.held(flag(note))
        yield mod_texts.thread_name_held(flag(note), "Thread name waiting for the teacher")
    for reason in ("", "please be kind to everyone", "Use kind words."):
        yield review_texts.rejected(flag(reason=reason))
        yield mod_texts.thread_name_rejected(flag(reason=reason))
        yield author_texts.not_sent("Aroha", reason)
    for minutes in (1, 15):
        yield session_texts.reminder("The Lighthouse Mice", 1, 2, minutes)
    yield session_texts.announcement("The Lighthouse Mice", 1, 2, 1, late=False)
    yield session_texts.announcement("The Lighthouse Mice", 3, 3, 2, late=True)
    for kind in ("question", "summary", "prediction", "poll", "opinion"):
        yield session_texts.prompt(prompt(kind))
    yield session_texts.summary_feedback("Aroha", 120, 140)
    yield session_texts.summary_feedback("Aroha", 150, 140)
    yield session_texts.prediction_saved("Aroha")
    yield session_texts.reveal([("Aroha", "The mice find a map."), ("Ben", "A storm comes!")])
    yield session_texts.results("Torch or book?", ["A torch", "A book"], [1, 2], None)
    yield session_texts.results("Torch or book?", ["A torch", "A book"], [0, 1], [1, 0])
    yield session_texts.closing("The Lighthouse Mice", 1, 2)
    yield author_texts.asked("Jo Lee")
    yield author_texts.with_author("Aroha", "Jo Lee", "Why did the keeper live alone?")
    yield author_texts.already_answered("Aroha", "Jo Lee", "Why did the keeper live alone?")
    yield author_texts.pass_in_class("Jo Lee", "Why did the keeper live alone?")
    yield author_texts.code_exposed_for_typist()
    app = App(
        Config(
            settings=Settings(bot=BotSettings(database_url="sqlite+aiosqlite:///:memory:")),
            secrets=Secrets(),
        )
    )
    for line in render_help(app.registry, Role.STUDENT).splitlines()[1:]:
        yield line.split(" — ", 1)[1] + "."  # each line: a valid example — what it does
    yield render_help(app.registry, Role.STUDENT).splitlines()[1].split(" — ")[0] + "."


def sentences(text: str) -> list[str]:
    parts = re.split(r"(?<=[.!?])\s+|\n", text)
    return [" ".join(p.lower().split()) for p in parts if len(p.split()) >= 3]


def problems(text: str) -> list[str]:
    found = []
    said = sentences(text)
    if len(said) != len(set(said)):
        found.append("a sentence said twice")
    if text.lower().count("waiting for your teacher") > 1:
        found.append("says twice that it waits for the teacher")
    for word in COUNTED:
        if re.search(rf"(?<![\d.,])1 {word}(e?s)\b", text) or f"{word}(s)" in text:
            found.append(f"plural after 1: {word}")
        if re.search(rf"\b([02-9]|\d\d+) {word}\b(?!-)", text):
            found.append(f"singular after a number other than 1: {word}")
    last = text.rstrip().rstrip("\ufe0f")[-1:]
    if not (last in ".!?…)”\"'" or unicodedata.category(last) == "So"):
        found.append(f"does not end like a sentence: {text[-30:]!r}")
    if re.search(r"\w+=\w+", text):
        found.append("a key=value placeholder")
    lowered = text.lower()
    for word in INTERNAL + JARGON:
        if re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", lowered):
            found.append(f"internal word: {word}")
    return found


@pytest.mark.parametrize("text", list(student_texts()), ids=lambda t: t[:40])
def test_every_student_text_reads_well(text: str) -> None:
    assert problems(text) == []


def test_the_checks_catch_what_a_real_class_met() -> None:
    """The lines from the issue, as they were, each fail the checks."""
    assert problems("⏰ Read-aloud in 1 minutes: “Book”, chapter 1. Get comfy!")
    assert problems("Your teacher says: please be kind to everyone You're welcome to try again")
    assert problems(
        "Hi Ben! Your message is waiting for your teacher to read it before it is shared. "
        "Your message is waiting for your teacher to look at it."
    )
    assert problems("Send me !author join code=word.")
    assert problems("Why: Looks like spam.")


def test_a_held_message_notice_never_repeats_itself_whatever_the_reason() -> None:
    unchecked = checked("x").student_note or "Your message is waiting for your teacher to look."
    told = review_texts.held(flag(unchecked))
    assert told.count("waiting for your teacher") == 1
    assert told.startswith("Hi Aroha! ")


def test_counted_words_agree_and_reasons_become_sentences() -> None:
    assert [plural(n, "minute") for n in (0, 1, 2)] == ["0 minutes", "1 minute", "2 minutes"]
    assert plural(1, "class", "classes") == "1 class" and plural(3, "class", "classes")[-7:] == (
        "classes"
    )
    assert sentence("please be kind to everyone") == "please be kind to everyone."
    assert sentence("Why not?") == "Why not?"
    told = review_texts.rejected(flag(reason="please be kind to everyone"))
    assert "Your teacher says: please be kind to everyone. You're welcome" in told
