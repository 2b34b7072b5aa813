"""SQLite connections that close their cursors when they close.

A statement that returns rows (``UPDATE … RETURNING``, or a ``SELECT`` after a write)
stays active until its rows are read. When a task is cancelled between the statement and
the reading of its rows (the bot stops, a wait times out), SQLAlchemy closes the
connection; but Python's sqlite3 (3.11 and later) no longer finalizes the open statements
on close, so SQLite keeps the connection alive as a "zombie", its transaction open and the
write lock held, until the cursor is garbage collected. Every other writer then waits out
its busy timeout (30 s). Closing the cursors first lets the close roll back and let go.
"""

from __future__ import annotations

import sqlite3
import weakref
from typing import Any


class CursorClosingConnection(sqlite3.Connection):
    """``sqlite3.connect(factory=…)``: remembers its cursors and closes them on close."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cursors: weakref.WeakSet[sqlite3.Cursor] = weakref.WeakSet()

    def cursor(self, *args: Any, **kwargs: Any) -> Any:
        cursor = super().cursor(*args, **kwargs)
        self._cursors.add(cursor)
        return cursor

    def close(self) -> None:
        for cursor in list(self._cursors):
            cursor.close()  # resets its statement: the close below can end the transaction
        super().close()
