"""Who a shared post says it is from: this installation's stable id, the uids of its
circles and classes, and a student's first name (never an account, a handle or a last
name)."""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.names import clean
from bot.db.tables import Circle, Installation

SOMEONE = "A student"  # a display name with no first name in it (a handle, only emoji)
_WORD = re.compile(r"[^\W\d_]+")  # letters only: "mia_2014" → "mia", "sam.jones" → "sam"


class Installations:
    """This installation's id, made once (random) and kept in the database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.sessionmaker = sessionmaker
        self._uid: str | None = None

    async def uid(self) -> str:
        """The id (the same after every restart, and for every process on the database)."""
        if self._uid is None:
            async with self.sessionmaker() as db:
                found = await db.scalar(select(Installation.uid).where(Installation.id == 1))
            if found is None:
                try:
                    async with self.sessionmaker.begin() as db:
                        db.add(Installation(id=1, uid="ra-" + secrets.token_hex(8)))
                except IntegrityError:  # another process made it first: theirs stands
                    pass
                async with self.sessionmaker() as db:
                    found = await db.scalar(select(Installation.uid).where(Installation.id == 1))
            assert found is not None
            self._uid = found
        return self._uid


def circle_uid(installation: str, circle: Circle) -> str:
    """The circle's id everywhere: its own uid when another installation made it."""
    return circle.uid or f"{installation}:c{circle.id}"


def class_uid(installation: str, class_id: int) -> str:
    return f"{installation}:k{class_id}"


def installation_of(uid: str) -> str:
    """The installation a post, class or circle uid was made by (its ids have no colon)."""
    return uid.split(":", 1)[0]


_CLASS_UID = re.compile(r"ra-[0-9a-f]{4,32}:k\d{1,12}")


def is_class_uid(uid: str) -> bool:
    """Whether `uid` is a class uid as `class_uid` makes them."""
    return _CLASS_UID.fullmatch(uid) is not None


def first_name(display_name: str) -> str:
    """The first word of the name a student goes by, as letters only and capitalised: a
    username (``sam.jones``, ``mia_2014``) gives its first word, never the rest."""
    shown = clean(display_name, fallback="")
    words = _WORD.findall(shown)
    if not words or len(words[0]) < 2:
        return SOMEONE
    word = str(words[0])[:20]
    return word[:1].upper() + word[1:].lower()
