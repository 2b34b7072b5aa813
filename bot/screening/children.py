"""Our own child-style example messages, by kind: how many each kind catches.

    python -m bot.screening.children [FOLDER]

FOLDER (default tests/screening/children) holds one TSV per kind (``selfharm.tsv``,
``threats.tsv``, ``book_text.tsv`` ...), tab-separated with a header row and the
columns ``text`` and ``expect``: a category the verdict must carry (``selfharm``,
``bullying``, ``pii`` ...), or ``clean`` for a message that must carry none. Rows
are sentences written for this project in the way 8-13 year-olds write; none is
copied from a dataset. ``*.misses.tsv`` files hold known misses, reported apart.
An optional ``book`` column names a book context file in ``FOLDER/books/`` (``dick.toml``:
title, author, characters, chapters; see ``readaloud screen --context``): that row is
screened as a class reading that book would screen it.
Prints caught / total per file; the exit code is 1 if any non-miss row fails.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.screening import screen
from bot.screening.evaluate import read_book
from bot.screening.verdict import Book, Context, Verdict

__all__ = ["Example", "examples", "main", "passes"]

DEFAULT_DIR = Path("tests/screening/children")


@dataclass(frozen=True, slots=True)
class Example:
    kind: str  # the file's stem ("selfharm", "book_text.misses")
    line: int
    text: str
    expect: str  # a category, or "clean"
    book: Book | None = None  # the class's book, from the row's ``book`` column

    @property
    def known_miss(self) -> bool:
        return self.kind.endswith(".misses")


def examples(folder: Path = DEFAULT_DIR) -> Iterator[Example]:
    books: dict[str, Book] = {}
    for path in sorted(folder.glob("*.tsv")):
        with path.open(newline="", encoding="utf-8") as fh:
            for i, row in enumerate(csv.DictReader(fh, delimiter="\t"), start=2):
                text, expect = row.get("text") or "", (row.get("expect") or "").strip()
                if not text or not expect:
                    raise ValueError(f"{path}:{i}: needs text and expect")
                name = (row.get("book") or "").strip()
                if name and name not in books:
                    books[name] = read_book(folder / "books" / name)
                book = books[name] if name else None
                yield Example(path.name[: -len(".tsv")], i, text, expect, book)


def verdict(ex: Example) -> Verdict:
    return screen(ex.text, Context(book=ex.book) if ex.book is not None else None)


def passes(ex: Example, v: Verdict | None = None) -> bool:
    v = verdict(ex) if v is None else v
    if ex.expect == "clean":
        return v.clean
    return ex.expect in v.categories


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else DEFAULT_DIR
    by_kind: dict[str, list[bool]] = {}
    failed: list[tuple[Example, Verdict]] = []
    for ex in examples(folder):
        v = verdict(ex)
        ok = passes(ex, v)
        by_kind.setdefault(ex.kind, []).append(ok)
        if not ok and not ex.known_miss:
            failed.append((ex, v))
    print(f"{'kind':28} caught / total")
    for kind, oks in by_kind.items():
        print(f"{kind:28} {sum(oks):>6} / {len(oks)}")
    for ex, v in failed:
        got = ",".join(sorted(v.categories)) or "clean"
        print(f"  FAIL {ex.kind}:{ex.line} expected {ex.expect}, got {got}: {ex.text!r}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
