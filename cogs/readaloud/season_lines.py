"""Where each key of a TOML file is written, and TOML values written back as text.

tomllib gives values but no line numbers, so season files are scanned line by
line: table headers (`[plan]`, the n-th `[[prompt]]`) and `key =` lines, skipping
what sits inside multi-line strings and arrays.
"""

from __future__ import annotations

import json
import re
from datetime import date, time
from typing import Any

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]]+?)\s*\]\]?")
_PART = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
_KEY = re.compile(rf"^\s*({_PART}(?:\s*\.\s*{_PART})*)\s*=")

Path = tuple[str | int, ...]


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(p.strip().strip("\"'") for p in re.findall(_PART, dotted))


def _scan(rest: str, quote: str | None) -> tuple[int, str | None]:
    """How much bracket depth `rest` adds, and which multi-line string is still open."""
    depth, i = 0, 0
    while i < len(rest):
        if quote:
            end = rest.find(quote, i)
            if end < 0:
                return depth, quote
            i, quote = end + 3, None
            continue
        c = rest[i]
        if rest.startswith(('"""', "'''"), i):
            quote, i = rest[i : i + 3], i + 3
            continue
        if c == "#":
            break
        if c in "\"'":
            m = re.compile(r'"(?:[^"\\]|\\.)*"' if c == '"' else r"'[^']*'").match(rest, i)
            i = m.end() if m else len(rest)
            continue
        depth += 1 if c in "[{" else -1 if c in "]}" else 0
        i += 1
    return depth, quote


class KeyLines:
    """Line numbers of tables and keys: `("plan", "time")`, `("prompt", 2, "kind")`."""

    def __init__(self, text: str) -> None:
        self.where: dict[Path, int] = {}
        self.last = max(1, text.count("\n") + (0 if text.endswith("\n") else 1))
        table: Path = ()
        counts: dict[str, int] = {}
        depth, quote = 0, None
        for n, line in enumerate(text.splitlines(), 1):
            if quote or depth > 0:
                d, quote = _scan(line, quote)
                depth += d
                continue
            header = _HEADER.match(line)
            if header:
                names = _parts(header.group(2))
                if header.group(1) == "[[":
                    index = counts.get(".".join(names), 0)
                    counts[".".join(names)] = index + 1
                    table = (*names, index)
                else:
                    table = names
                self.where.setdefault(table, n)
                continue
            key = _KEY.match(line)
            if key:
                self.where.setdefault((*table, *_parts(key.group(1))), n)
                d, quote = _scan(line[key.end() :], None)
                depth += d

    def line(self, path: Path) -> int:
        """The line of `path`, else of the nearest table around it, else the last line."""
        for cut in range(len(path), 0, -1):
            if path[:cut] in self.where:
                return self.where[path[:cut]]
        return self.last

    @staticmethod
    def name(path: Path) -> str:
        """How a person reads the key: `plan.time`, `prompt[3].kind` (prompts count from 1)."""
        out = ""
        for p in path:
            out += f"[{p + 1}]" if isinstance(p, int) else f".{p}" if out else p
        return out


def toml_value(v: Any) -> str:
    """A TOML literal: strings in double quotes, dates bare, lists in brackets."""
    if isinstance(v, str):
        # JSON escapes are valid TOML basic-string escapes; keep letters as they are
        return json.dumps(v, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, date | time | int | float):
        return v.isoformat() if isinstance(v, date | time) else str(v)
    if isinstance(v, list | tuple):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{ " + ", ".join(f"{k} = {toml_value(x)}" for k, x in v.items()) + " }"
    return str(v)


def show(v: Any, limit: int = 60) -> str:
    """A value as the teacher wrote it, shortened for an error message."""
    text = toml_value(v)
    return text if len(text) <= limit else text[: limit - 1] + "…"
