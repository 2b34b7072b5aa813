"""What screening says about one message. This is the contract with cogs/moderation."""

from __future__ import annotations

from dataclasses import dataclass, field

# Categories a verdict can carry. Policy per class maps each to allow / flag / hold.
PROFANITY = "profanity"
INSULT = "insult"
SLUR = "slur"
BULLYING = "bullying"
SELF_HARM = "selfharm"
GROOMING = "grooming"  # an adult seeking private contact, secrets, photos or a meeting
PII = "pii"
LINK = "link"
SPAM = "spam"
MEDIA = "media"  # pictures and files: screening reads only text, so a teacher looks
TOXIC = frozenset({PROFANITY, INSULT, SLUR, BULLYING})


@dataclass(frozen=True, slots=True)
class Span:
    """Where in the original text a finding is (character offsets, end exclusive)."""

    start: int
    end: int
    category: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Book:
    """The book a class is reading, as the teacher entered it: a word that is part of its
    title, its author's or a character's name or a chapter title is not name-calling when
    it is used as that name ("Moby Dick", a character called "Sissy")."""

    title: str = ""
    author: str = ""
    characters: tuple[str, ...] = ()
    chapters: tuple[str, ...] = ()  # chapter titles


@dataclass(frozen=True, slots=True)
class Context:
    """What screening may know besides the text: the class's allow-lists, recent messages
    and the book the class is reading."""

    allowed_words: frozenset[str] = frozenset()
    allowed_domains: frozenset[str] = frozenset()
    recent: tuple[str, ...] = ()
    book: Book | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    """Findings for one message.

    severity: 0 none, 1 mild, 2 moderate, 3 severe.
    reasons: short lines for the teacher. student_note: kind, non-accusing,
    never repeats the problem text.
    """

    categories: frozenset[str] = frozenset()
    severity: int = 0
    spans: tuple[Span, ...] = ()
    reasons: tuple[str, ...] = ()
    student_note: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not self.categories
