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


# ---- what a chat platform answers when a `Chat` call fails (bot/core/ports.py) ----


class ChatError(Exception):
    """A chat platform did not do what a `Chat` call asked, for a reason not covered by
    one of the kinds below (a request the platform rejects as it is: retrying unchanged
    will not help). Every adapter raises only this family from the port's methods."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Forbidden(ChatError, UserError):
    """The bot lacks a permission, power level or membership it needs. Retrying cannot
    help until a person fixes it; the message says what to grant (it is a UserError, so a
    teacher whose command hit it is shown the fix)."""


class Gone(ChatError):
    """The target (channel, thread, message or person) no longer exists on the platform."""


class Unavailable(ChatError):
    """A transient failure (server error, rate limit, network): the same call, with the
    same delivery key, may be made again later and still posts at most once."""
