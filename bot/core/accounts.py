"""How a platform writes an account inside message text, for features that read text for
people (cogs/authors/deidentify.py keeps students' accounts out of questions for a guest
author). Each adapter gives its own (``Chat.accounts``); the syntax lives in bot/platforms,
and a feature only asks: where are accounts written here, whose are they, and what part of
an account id might a person be called by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple, Protocol


class AccountSyntax(Protocol):
    """One platform's way of writing an account in text."""

    @property
    def written(self) -> str:
        """A regular expression (no named groups; matched case-insensitively) for one
        account as written in a message: a mention, an id, a link to a person."""
        ...

    def account(self, written: str) -> str:
        """The user id (as ``UserRef.id`` holds it) that a match of ``written`` names."""
        ...

    def handle(self, user_id: str) -> str:
        """The part of a user id a person may be called by (a username), or ""."""
        ...


class Written(NamedTuple):
    """One account written in a text: where, the user id it names, and what of it may be
    a person's name (the username; the whole "@name" or e-mail address)."""

    start: int
    end: int
    user_id: str
    handle: str


@dataclass(frozen=True)
class Accounts:
    """The account syntaxes of every connected platform, plus the neutral forms."""

    syntaxes: tuple[AccountSyntax, ...]

    def find(self, text: str) -> list[Written]:
        """Every account written in ``text``, leftmost first; at one place a platform's
        form wins over the neutral ``@name`` and e-mail forms."""
        found = []
        for m in _pattern(self.syntaxes).finditer(text):
            group = m.lastgroup or ""
            if group.startswith("p"):
                syntax = self.syntaxes[int(group[1:])]
                user_id = syntax.account(m.group())
                found.append(Written(m.start(), m.end(), user_id, syntax.handle(user_id)))
            else:  # "@name" or an e-mail address: all of it may be a name
                name = m.group().lstrip("@ ")
                found.append(Written(m.start(), m.end(), name, name))
        return found

    def handles(self, user_id: str) -> set[str]:
        """What the user id's owner may be called by on any of the platforms."""
        return {h for s in self.syntaxes if (h := s.handle(user_id))}


# neutral forms: an e-mail address, and "@name" (not "@room", "@everyone", "@here": pings)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_AT_NAME = r"(?<![\w@])@\s?(?!(?:room|everyone|here)\b)[^\W_][\w.'’-]*"
_compiled: dict[tuple[str, ...], re.Pattern[str]] = {}


def _pattern(syntaxes: tuple[AccountSyntax, ...]) -> re.Pattern[str]:
    forms = tuple(s.written for s in syntaxes)
    if forms not in _compiled:
        platform = [f"(?P<p{i}>{form})" for i, form in enumerate(forms)]
        alternatives = [*platform, f"(?P<email>{_EMAIL})", f"(?P<at>{_AT_NAME})"]
        _compiled[forms] = re.compile("|".join(alternatives), re.IGNORECASE)
    return _compiled[forms]
