"""Errors with a meaning for the person who caused them."""

from __future__ import annotations


class UserError(Exception):
    """Something the user can fix; the message says what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotAllowed(UserError):
    """The user's role does not allow this."""


class NotFound(UserError):
    """The thing the user named does not exist here."""


class ConfigError(Exception):
    """The configuration is invalid; `problems` lists every issue found."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


class NotHandled(Exception):
    """An event could not be handled for a reason that passes (the database is not answering):
    it must not count as handled, and is handed over again until it is."""
