"""A class's screening rules: per-category actions, allowed words and domains, retention."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.clock import Clock
from bot.core.errors import UserError
from bot.core.model import Actor, UserRef
from bot.db import audit
from bot.db.tables import Classroom
from bot.screening import Book, Context
from cogs.moderation.policy import ACTIONS, CATEGORIES, LOCKED

_DOMAIN = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
MAX_ALLOWED = 500


@dataclass(frozen=True)
class Rules:
    """What screening and the policy need to know about one class."""

    policy: dict[str, str]
    allowed_words: frozenset[str]
    allowed_domains: frozenset[str]
    safeguarding_id: str | None
    retention_days: int

    def context(self, recent: tuple[str, ...] = (), book: Book | None = None) -> Context:
        """What screening knows about this class's messages: its allow-lists, the sender's
        recent messages and the book the class is reading."""
        return Context(self.allowed_words, self.allowed_domains, recent, book)


def clean_domain(raw: str) -> str:
    """bbc.co.uk from 'https://www.BBC.co.uk/news', or a UserError with an example."""
    domain = re.sub(r"^[a-z]+://", "", raw.strip().lower()).split("/")[0].removeprefix("www.")
    if not _DOMAIN.match(domain):
        raise UserError(f'"{raw}" is not a domain; type it like: mod allow domain bbc.co.uk')
    return domain


class ClassRules:
    """Reads and changes a class's rules; every change is audited."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self.sessionmaker = sessionmaker
        self.clock = clock

    async def get(self, class_id: int) -> Rules:
        async with self.sessionmaker() as db:
            return self.of(await db.get_one(Classroom, class_id))

    @staticmethod
    def of(row: Classroom) -> Rules:
        return Rules(
            dict(row.policy or {}),
            frozenset(row.allowed_words or ()),
            frozenset(row.allowed_domains or ()),
            row.safeguarding_id,
            row.retention_days,
        )

    async def set_rule(self, class_id: int, category: str, action: str, actor: Actor) -> None:
        """Change what happens to one category in this class."""
        if category not in CATEGORIES:
            raise UserError(f"category must be one of: {', '.join(CATEGORIES)}")
        if action not in (*ACTIONS, "default"):
            raise UserError("action must be allow, flag, hold or default")
        if category in LOCKED:
            raise UserError(
                f"{category} messages are always held and escalated; this cannot change."
            )
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Classroom, class_id)
            policy = dict(row.policy or {})
            if action == "default":
                policy.pop(category, None)
            else:
                policy[category] = action
            row.policy = policy
            audit.record(
                db,
                self.clock.now(),
                class_id,
                actor.user.id,
                "rules.set",
                category=category,
                to=action,
            )

    async def allow(self, class_id: int, kind: str, value: str, actor: Actor) -> str:
        """Add a word or a domain to the class's allow-list; returns the stored form."""
        if kind == "domain":
            value = clean_domain(value)
        else:
            value = value.strip().casefold()
            if not value or len(value) > 64:
                raise UserError("Give one word or short phrase, like: mod allow word scunthorpe")
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Classroom, class_id)
            column = "allowed_domains" if kind == "domain" else "allowed_words"
            current = list(getattr(row, column) or [])
            if value not in current:
                if len(current) >= MAX_ALLOWED:
                    raise UserError(f"This class already allows {MAX_ALLOWED} {kind}s.")
                setattr(row, column, [*current, value])
            audit.record(
                db, self.clock.now(), class_id, actor.user.id, f"rules.allow.{kind}", value=value
            )
        return value

    async def set_safeguarding(self, class_id: int, lead: UserRef, actor: Actor) -> None:
        """Name the second adult who is told about self-harm and abuse signals."""
        async with self.sessionmaker.begin() as db:
            row = await db.get_one(Classroom, class_id)
            row.safeguarding_id = lead.id
            audit.record(
                db, self.clock.now(), class_id, actor.user.id, "rules.safeguarding", lead=lead.id
            )
