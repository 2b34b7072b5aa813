"""Screen a labeled TSV (moddata schema) and write predictions for score.py.

    python -m bot.screening.evaluate --tsv IN.tsv --out OUT.tsv

Reads any file with the columns ``id`` and ``text`` (tab-separated, csv
quoting, header row) and writes ``id, toxic, pii, link`` as 0/1 per row:
toxic = profanity, insult, slur, bullying or selfharm; pii = pii;
link = link or spam.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.screening import screen
from bot.screening.verdict import LINK, PII, SELF_HARM, SPAM, TOXIC, Verdict

__all__ = ["labels", "main", "predict_rows", "read_tsv"]

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


def predict_rows(rows: Iterable[dict[str, str]]) -> Iterator[tuple[str, int, int, int]]:
    for r in rows:
        yield (r["id"], *labels(screen(r.get("text") or "")))


def write_predictions(rows: Iterable[dict[str, str]], out) -> int:  # type: ignore[no-untyped-def]
    w = csv.writer(out, delimiter="\t", lineterminator="\n")
    w.writerow(["id", "toxic", "pii", "link"])
    n = 0
    for row in predict_rows(rows):
        w.writerow(row)
        n += 1
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="readaloud screen", description=__doc__.split("\n")[0])
    ap.add_argument("--tsv", type=Path, required=True, nargs="+", help="labeled input TSV file(s)")
    ap.add_argument(
        "--out", type=Path, required=True, help="predictions TSV to write ('-' = stdout)"
    )
    args = ap.parse_args(argv)
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
        n = write_predictions(rows, sys.stdout)
    else:
        with args.out.open("w", newline="", encoding="utf-8") as out:
            n = write_predictions(rows, out)
    print(f"screened {n} messages -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
