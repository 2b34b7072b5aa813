"""Screening throughput and latency on one core.

    .venv/bin/python benchmarks/screening.py [MODDATA_DIR] [--rounds N]

Screens every message of every dev_*.tsv file in MODDATA_DIR (default
../shared/moddata) after one warm-up pass; prints messages/second and the
per-message p50/p99/max latency, then the worst case for bad input (empty,
100 KB, pathological strings), which must finish in bounded time.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

from bot.screening import Context, screen

csv.field_size_limit(10**7)


def _texts(folder: Path) -> list[str]:
    texts: list[str] = []
    for p in sorted(folder.glob("dev_*.tsv")):
        with p.open(newline="", encoding="utf-8") as f:
            texts += [r.get("text") or "" for r in csv.DictReader(f, delimiter="\t")]
    return texts


def _pathological() -> dict[str, str]:
    rnd = random.Random(7)
    return {
        "empty": "",
        "100KB letters": "a" * 100_000,
        "100KB spaced letters": "a " * 50_000,
        "100KB dotted": "f.u.c.k." * 12_500,
        "100KB digits": "1234567 " * 12_500,
        "100KB at-signs": "@a" * 50_000,
        "100KB stars": "*" * 100_000,
        "100KB leet": "5h1t@" * 20_000,
        "100KB zero-width": "a\u200b" * 50_000,
        "100KB combining": "a\u0336" * 50_000,
        "100KB random unicode": "".join(chr(rnd.randrange(32, 0x2FFFF)) for _ in range(100_000)),
        "100KB urls": "www.a.com/" * 10_000,
        "100KB you": "you " * 25_000,
        "100KB dots": "a." * 50_000,
        "100KB numbers with dashes": "1-" * 50_000,
        "100KB emails": "a@b." * 25_000,
        "100KB repeated word": "lol " * 25_000,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("moddata", type=Path, nargs="?", default=Path("../shared/moddata"))
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args(argv)
    texts = _texts(args.moddata)
    if not texts:
        print(f"no dev_*.tsv in {args.moddata}", file=sys.stderr)
        return 2
    for t in texts:  # warm-up: imports, lazy tables, caches
        screen(t)
    lat: list[float] = []
    clock = time.perf_counter
    best = float("inf")
    best_cpu = float("inf")
    for _ in range(args.rounds):
        t0, c0 = clock(), time.process_time()
        for t in texts:
            screen(t)
        best = min(best, clock() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    for t in texts:  # latency pass, timed per message
        a = clock()
        screen(t)
        lat.append(clock() - a)
    lat.sort()
    n = len(lat)
    print(f"messages: {n} per round, best of {args.rounds} round(s), one core")
    print(f"throughput: {n / best:,.0f} msgs/s")
    # CPU time of this process: steadier than wall time on a shared machine
    print(f"throughput (process CPU time): {n / best_cpu:,.0f} msgs/s")
    print(
        f"latency: p50 {lat[n // 2] * 1e6:.1f} us, p99 {lat[int(n * 0.99)] * 1e6:.1f} us, "
        f"max {lat[-1] * 1e3:.2f} ms"
    )
    ctx = Context(
        allowed_words=frozenset({"Dick", ".*(a+)+$", "[unclosed"}),
        allowed_domains=frozenset({"example.org"}),
        recent=("hi",) * 20,
    )
    worst = 0.0
    for name, text in _pathological().items():
        a = clock()
        screen(text, ctx)
        dt = clock() - a
        worst = max(worst, dt)
        print(f"  bad input {name:28s} {dt * 1e3:8.1f} ms")
    print(f"worst bad input: {worst * 1e3:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
