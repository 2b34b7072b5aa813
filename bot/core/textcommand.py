"""Parse typed chat commands (`!readaloud plan start=2027-02-01 ...`) from declarations.

Used by platforms that have no native command UI (Matrix). Positional and
key=value arguments both work; double or single quotes, straight or typographic,
group words; apostrophes inside words are ordinary letters, so "don't" needs no
quoting.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.core.commands import Command, Kind, PlatformChannel, Registry, convert
from bot.core.errors import UserError
from bot.core.model import Platform, UserRef

# opening quote → its closing quote: straight and typographic (phones type “ ” ‘ ’)
QUOTES = {'"': '"', "“": "”", "”": "”", "„": "“", "'": "'", "‘": "’"}
SINGLE = {"'", "‘"}  # also apostrophes: one that closes nothing is an ordinary letter


def _counts(text: str) -> bool:
    """Whether `ch` at this place is a quote mark, not an apostrophe inside a word (don't)."""
    return not (len(text) == 3 and text[0].isalnum() and text[2].isalnum())


def _closing(text: str, i: int) -> int:
    """Where the quote opened at `i` closes, or -1: at a matching mark followed by a space
    or the end, with the quotes inside it balanced ("A "nested" title" is one value)."""
    opening, closing = text[i], QUOTES[text[i]]
    j = i + 1
    while (j := text.find(closing, j)) >= 0:
        if j + 1 == len(text) or text[j + 1].isspace():
            inside = [
                ch
                for k, ch in enumerate(text[i + 1 : j], start=i + 1)
                if ch in (opening, closing) and _counts(text[k - 1 : k + 2])
            ]
            if opening == closing and len(inside) % 2 == 0:
                return j
            if opening != closing and inside.count(opening) == inside.count(closing):
                return j
        j += 1
    return -1


def unbalanced(text: str, i: int) -> UserError:
    shown = text[i : i + 30].split("\n")[0]
    return UserError(
        f"A quote is not closed: {shown!r} starts with {text[i]} but nothing ends it. "
        f"Put a matching {QUOTES[text[i]]} after the last word, or leave the quotes out."
    )


def tokenize(text: str) -> list[tuple[str, int, int]]:
    """Split into (token, start, end) triples, honouring straight and typographic quotes,
    double or single; an unclosed double quote is an error, an unclosed single one an
    apostrophe."""
    tokens: list[tuple[str, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        start = i
        buf: list[str] = []
        while i < n and not text[i].isspace():
            ch = text[i]
            if ch in QUOTES and (i == start or text[i - 1] == "="):
                close = _closing(text, i)
                if close >= 0:
                    buf.append(text[i + 1 : close])
                    i = close + 1
                    continue
                if ch not in SINGLE:
                    raise unbalanced(text, i)
            buf.append(ch)
            i += 1
        tokens.append(("".join(buf), start, i))
    return tokens


def is_command(registry: Registry, text: str, prefix: str) -> bool:
    """`text` names a declared command or command group ("!readaloud …", "!help"); any
    other text that starts with the prefix ("!hello everyone") is an ordinary message."""
    rest = text[len(prefix) :]
    if not text.startswith(prefix) or rest[:1].isspace():
        return False
    words = rest.split()
    if not words:
        return False
    first = registry.aliases.get(words[0].lower(), words[0].lower())
    return registry.find(words)[0] is not None or first in registry.groups()


def parse(
    registry: Registry,
    text: str,
    prefix: str,
    platform_user: Callable[[str], UserRef],
    platform: Platform | None = None,
    platform_channel: PlatformChannel | None = None,
) -> tuple[Command, dict[str, Any]]:
    """Find the command and convert its arguments, or raise a UserError saying what to type.
    `platform_user` and `platform_channel` read what the adapter's platform calls a person
    and a channel (as `convert` does)."""
    body = text[len(prefix) :]
    tokens = tokenize(body)
    words = [t for t, _, _ in tokens]
    command, used = registry.find(words)
    if command is None:
        first = words[0] if words else ""
        first = registry.aliases.get(first.lower(), first.lower())
        if first in registry.groups():
            subs = sorted(c.path[1] for c in registry if c.path[0] == first and len(c.path) > 1)
            raise UserError(f"{prefix}{first} needs one of: {', '.join(subs)}. Try {prefix}help.")
        shown = (words[0] if words else "").split("\n")[0][:40]
        raise UserError(f'I don\'t know "{prefix}{shown}". Try {prefix}help.')

    params = {p.name: p for p in command.params}
    raw: dict[str, str] = {}
    positional: list[tuple[str, int, int]] = []
    for tok, start, end in tokens[used:]:
        key, eq, value = tok.partition("=")
        if eq and key.lower() in params:
            raw[key.lower()] = value
        else:
            positional.append((tok, start, end))

    free = [p for p in command.params if p.name not in raw]
    for idx, p in enumerate(free):
        if not positional:
            break
        if p.kind is Kind.TEXT and all(not q.required for q in free[idx + 1 :]):
            # free text takes the rest of the line as typed (minus key=value options)
            raw[p.name] = _rest(body, positional)
            positional = []
            break
        raw[p.name] = positional.pop(0)[0]
    if positional:
        extra = " ".join(t for t, _, _ in positional)
        raise UserError(f'I did not expect "{extra}". Usage: {command.usage(prefix)}')

    args: dict[str, Any] = {}
    for p in command.params:
        if p.name in raw:
            args[p.name] = convert(p, raw[p.name], platform_user, platform, platform_channel)
        elif p.required and p.kind is Kind.FILE:
            raise UserError(f"Upload the file ({p.example}) in this room and I will read it.")
        elif p.required:
            raise UserError(f"{p.name} is missing. Usage: {command.usage(prefix)}")
        else:
            args[p.name] = p.default
    return command, args


def _rest(body: str, positional: list[tuple[str, int, int]]) -> str:
    """The original text of the positional tokens, spacing kept, keyed options left out."""
    parts: list[str] = []
    for i, (_, start, end) in enumerate(positional):
        parts.append(body[start:end])
        if i + 1 < len(positional):
            gap = body[end : positional[i + 1][1]]
            parts.append(gap if gap.isspace() else " ")
    return "".join(parts).strip()
