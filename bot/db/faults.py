"""Telling a storage fault (the database cannot be reached or written right now) from a bug.

A storage fault passes: the event that met it is handled again later. A bug does not: it is
logged with an incident id and the bot goes on.
"""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc

# what the drivers raise when the server is gone or the disk refuses a write (asyncpg raises
# a plain ConnectionRefusedError when PostgreSQL is down)
_DRIVER_FAULTS: tuple[type[BaseException], ...] = (sqlite3.OperationalError,)
# network and disk errors count only when they come out of the database drivers
_DRIVER_CODE = ("/sqlalchemy/", "/asyncpg/", "/aiosqlite/", "/sqlite3/")
# a chat platform's own network errors are that platform's fault, not storage
_PLATFORM_MODULES = ("aiohttp", "nio", "discord")
try:
    import asyncpg

    _DRIVER_FAULTS += (
        asyncpg.exceptions.PostgresConnectionError,
        asyncpg.exceptions.InterfaceError,
        asyncpg.exceptions.CannotConnectNowError,
        asyncpg.exceptions.InsufficientResourcesError,
        asyncpg.exceptions.OperatorInterventionError,
    )
except ImportError:  # pragma: no cover (asyncpg is a dependency)
    pass


def is_storage_fault(error: BaseException) -> bool:
    """Whether `error` (or what caused it) says the database is unreachable or unwritable."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if type(current).__module__.split(".")[0] in _PLATFORM_MODULES:
            return False
        if isinstance(current, exc.OperationalError | exc.InterfaceError | exc.TimeoutError):
            return True
        if isinstance(current, exc.DBAPIError) and current.connection_invalidated:
            return True
        if isinstance(current, _DRIVER_FAULTS):
            return True
        if isinstance(current, OSError) and _raised_by_driver(current):
            return True
        current = current.__cause__ or current.__context__
    return False


def _raised_by_driver(error: BaseException) -> bool:
    """Whether `error` passed through the database drivers' code (not a chat platform's)."""
    tb = error.__traceback__
    while tb is not None:
        if any(part in tb.tb_frame.f_code.co_filename for part in _DRIVER_CODE):
            return True
        tb = tb.tb_next
    return False
