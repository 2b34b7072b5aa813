"""The declarative base every table derives from, and the UTC timestamp column type."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy.orm import DeclarativeBase

E = TypeVar("E", bound=enum.StrEnum)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC, always returns timezone-aware UTC (SQLite and PostgreSQL alike)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


# every constraint and index gets a name from here, the same on SQLite and PostgreSQL, so a
# migration names what it changes without asking the dialect (0017 renamed the older ones);
# on SQLite, where old tables keep unnamed constraints, give a batch operation
# `naming_convention=NAMING` and the reflected constraints get these same names
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base for all tables."""

    metadata = MetaData(naming_convention=NAMING)


class StateText(TypeDecorator[E]):
    """A state enum stored as its text: any unknown value is refused on the way in."""

    impl = String(16)
    cache_ok = True

    def __init__(self, states: type[E]) -> None:
        super().__init__()
        self.states = states

    def process_bind_param(self, value: E | str | None, dialect: Any) -> str | None:
        return None if value is None else self.states(value).value

    def process_result_value(self, value: str | None, dialect: Any) -> E | None:
        return None if value is None else self.states(value)
