"""Screen every dev file in a moddata folder and print score.py's table.

    python -m bot.screening.eval_all [MODDATA_DIR] [--out predictions.tsv]

MODDATA_DIR defaults to ../shared/moddata (relative to the working directory).
Runs the folder's own score.py with the current Python; its exit code is ours.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from bot.screening.evaluate import read_tsv, write_predictions

__all__ = ["main"]

DEFAULT_DIR = Path("../shared/moddata")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bot.screening.eval_all", description=__doc__)
    ap.add_argument("moddata", type=Path, nargs="?", default=DEFAULT_DIR)
    ap.add_argument("--glob", default="dev_*.tsv", help="which files to screen (default dev_*.tsv)")
    ap.add_argument("--out", type=Path, default=None, help="also keep the predictions here")
    args = ap.parse_args(argv)
    files = sorted(args.moddata.glob(args.glob))
    scorer = args.moddata / "score.py"
    if not files or not scorer.exists():
        print(f"no {args.glob} files or score.py in {args.moddata}", file=sys.stderr)
        return 2
    rows: list[dict[str, str]] = []
    for p in files:
        rows += read_tsv(p)
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "predictions.tsv"
        with out.open("w", newline="", encoding="utf-8") as fh:
            write_predictions(rows, fh)
        cmd = [sys.executable, str(scorer), str(out), *map(str, files)]
        return subprocess.run(cmd, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
