"""Screen a labeled TSV (moddata schema) and write predictions for score.py.

    python -m bot.screening.evaluate --tsv IN.tsv --out OUT.tsv [--context BOOK.toml]

Reads any file with the columns ``id`` and ``text`` (tab-separated, csv
quoting, header row) and writes ``id, toxic, pii, link`` as 0/1 per row:
toxic = profanity, insult, slur, bullying or selfharm; pii = pii;
link = link or spam. ``--context`` screens every row as a class reading that
book would: a small TOML file with ``title``, ``author``, ``characters`` and
``chapters`` (chapter titles), or a season plan file's ``[book]`` table.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from bot.screening import screen
from bot.screening.verdict import LINK, PII, SELF_HARM, SPAM, TOXIC, Book, Context, Verdict

__all__ = ["labels", "main", "predict_rows", "read_book", "read_tsv"]

csv.field_size_limit(10**7)

_TOXIC = TOXIC | {SELF_HARM}
_LINK = frozenset({LINK, SPAM})


def labels(v: Verdict) -> tuple[int, int, int]:
    """(toxic, pii, link) as 0/1 for one verdict."""
    c = v.categories
    return int(bool(c & _TOXIC)), int(PII in c), int(bool(c & _LINK))


def read_tsv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


def _texts(data: dict[str, Any], key: str, path: Path) -> tuple[str, ...]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'{path}: {key} must be a list of text, like {key} = ["One", "Two"]')
    return tuple(value)


def read_book(path: Path) -> Book:
    """A book context file: ``title``, ``author``, ``characters``, ``chapters``; or a season
    plan file, whose ``[book]`` table has ``chapter_titles`` (and may have ``characters``)."""
    data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    book = data.get("book")
    if isinstance(book, dict):
        data = {**book, "chapters": book.get("chapter_titles", [])}
    for key in ("title", "author"):
        if not isinstance(data.get(key, ""), str):
            raise ValueError(f'{path}: {key} must be text in quotes, like {key} = "..."')
    return Book(
        title=data.get("title", ""),
        author=data.get("author", ""),
        characters=_texts(data, "characters", path),
        chapters=_texts(data, "chapters", path),
    )


def predict_rows(
    rows: Iterable[dict[str, str]], context: Context | None = None
) -> Iterator[tuple[str, int, int, int]]:
    for r in rows:
        yield (r["id"], *labels(screen(r.get("text") or "", context)))


def write_predictions(
    rows: Iterable[dict[str, str]], out: TextIO, context: Context | None = None
) -> int:
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(["id", "toxic", "pii", "link"])
    n = 0
    for row in predict_rows(rows, context):
        w.writerow(row)
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="readaloud screen", description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", type=Path, required=True, nargs="+", help="labeled input TSV file(s)")
    ap.add_argument(
        "--out", type=Path, required=True, help="predictions TSV to write ('-' = stdout)"
    )
    ap.add_argument(
        "--context",
        type=Path,
        help="a book's TOML (title, author, characters, chapters): screen as its class would",
    )
    args = ap.parse_args(argv)
    context = None
    if args.context is not None:
        try:
            context = Context(book=read_book(args.context))
        except (OSError, ValueError) as e:  # tomllib.TOMLDecodeError is a ValueError
            print(f"cannot read {args.context}: {e}", file=sys.stderr)
            return 2
    rows: list[dict[str, str]] = []
    for p in args.tsv:
        try:
            got = read_tsv(p)
        except OSError as e:
            print(f"cannot read {p}: {e}", file=sys.stderr)
            return 2
        if got and ("id" not in got[0] or "text" not in got[0]):
            print(f"{p}: needs the columns id and text", file=sys.stderr)
            return 2
        rows += got
    if str(args.out) == "-":
        n = write_predictions(rows, sys.stdout, context)
    else:
        with args.out.open("w", newline="", encoding="utf-8") as out:
            n = write_predictions(rows, out, context)
    print(f"screened {n} messages -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
