"""What the circles feature says (teachers only; no student is ever named)."""

from __future__ import annotations

from datetime import datetime

from bot.screening import Book

LOOKS_LIKE = "codes look like RC-7KQ2-M9XD"


def code_for_teachers(code: str, name: str, book: str, expires_at: datetime, p: str) -> str:
    return (
        f"🔗 Circle “{name}” is reading “{book}”. To invite another class, give its teacher "
        f"this one-time code privately (not in a class room):\n\n{code}\n\n"
        f"They type `{p}circle join {code}` in their class. It works once, until "
        f"{expires_at:%d %b %Y %H:%M} UTC; `{p}circle code` makes another."
    )


def other_book(circle_book: str, class_book: Book | None, p: str) -> str:
    """What a joining class is told when its own book is not the circle's (a circle reads
    one book together; the class may still join, say with another edition's title)."""
    if class_book is None:
        return (
            f" Your class has no book yet: add “{circle_book}” with "
            f'`{p}readaloud book "{circle_book}" chapters=N` so your sessions follow it.'
        )
    if class_book.title.strip().casefold() != circle_book.strip().casefold():
        return (
            f" Note: your class is reading “{class_book.title}”, and the circle reads "
            f"“{circle_book}”. The circle is for classes reading the same book."
        )
    return ""


def where(display_name: str, region: str) -> str:
    return f"{display_name} ({region})" if region else display_name


def member_line(label: str, platform: str, chapter: str, creator: bool) -> str:
    made = " — made the circle" if creator else ""
    return f"• {label} · {platform} · {chapter}{made}"


def chapter(first: int | None, last: int | None) -> str:
    if first is None or last is None:
        return "not started yet"
    return f"chapter {first}" if first == last else f"chapters {first}–{last}"


def joined_for_teachers(label: str, circle: str) -> str:
    return f"🔗 {label} joined the circle “{circle}”."


def left_for_teachers(label: str, circle: str) -> str:
    return f"🔗 {label} left the circle “{circle}”."


def removed_for_teachers(circle: str, p: str) -> str:
    return (
        f"🔗 Your class was removed from the circle “{circle}” by the class that made it. "
        f"You can make your own with `{p}circle create NAME`."
    )


def code_exposed_for_teachers(circle: str, removed: bool, p: str) -> str:
    gone = "I removed the message" if removed else "I could not remove the message"
    return (
        f"⚠️ A join code for the circle “{circle}” was posted in a class room, where students "
        f"can see it. I've cancelled that code and {gone}. Make a new one here with "
        f"`{p}circle code` and give it to the other teacher privately."
    )


def code_exposed_for_typist() -> str:
    return (
        "Circle codes are secret, so I've removed that message and cancelled the code. "
        "The teacher can make a new one in the teacher room."
    )
