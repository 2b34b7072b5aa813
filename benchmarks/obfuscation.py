"""How far screening reaches beyond the dev seeds: recall per obfuscation type on
words the dev file never uses, and false positives on clean look-alike words.

    .venv/bin/python benchmarks/obfuscation.py [MODDATA_DIR] [--seeds N]

Seeds: single words from the installed obscenity list (see
``bot/screening/obscenity_list.py``) that are not seeds of dev_adversarial.tsv.
Each is disguised 14 ways by this script's own generator (not the dev file's) and
put in a name-calling template. Controls: dictionary words that contain a seed
("scooter", "peacock") in story sentences, plain, shouted, with look-alike
letters or zero-width joins. Prints recall per type and the controls' FPR.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from bot.screening import screen
from bot.screening.lexicon import CONTEXT, FRAME, WORDS
from bot.screening.lexicon_tables import _dictionary
from bot.screening.obscenity_list import entries

_LEET = str.maketrans("aeiost", "431057")
_SYMB = str.maketrans("aisl", "@!$1")
_LOOK = str.maketrans("aeopcxyi", "аеорсхуі")  # Cyrillic look-alikes
_MARKS = "\u0301\u0308\u0336"


def _mixed(w: str, r: random.Random) -> str:
    return "".join(c.upper() if i % 2 else c for i, c in enumerate(w))


def _repeat(w: str, r: random.Random) -> str:
    return "".join(c * r.randint(2, 5) if c in "aeiouy" or i == len(w) - 1 else c
                   for i, c in enumerate(w))  # fmt: skip


def _mask(w: str, r: random.Random) -> str:
    vowels = [i for i, c in enumerate(w) if c in "aeiou"]
    if not vowels:
        return w
    i = r.choice(vowels)
    return w[:i] + "*" + w[i + 1 :]


def _marks(w: str, r: random.Random) -> str:
    return "".join(c + r.choice(_MARKS) for c in w)


def _homoglyph(w: str, r: random.Random) -> str:
    return "".join(c.translate(_LOOK) if r.random() < 0.6 else c for c in w)


def _combo(w: str, r: random.Random) -> str:
    return "\u200b".join(_homoglyph(w.translate(_LEET), r))


TYPES: dict[str, Callable[[str, random.Random], str]] = {
    "plain": lambda w, r: w,
    "upper": lambda w, r: w.upper(),
    "mixedcase": _mixed,
    "leet": lambda w, r: w.translate(_LEET),
    "leet_symbols": lambda w, r: w.translate(_SYMB),
    "spaced": lambda w, r: " ".join(w),
    "dotted": lambda w, r: r.choice("*._-").join(w),
    "repeat": _repeat,
    "mask_vowel": _mask,
    "homoglyph": _homoglyph,
    "fullwidth": lambda w, r: "".join(chr(ord(c) + 0xFEE0) for c in w),
    "zero_width": lambda w, r: r.choice("\u200b\u200c\u200d\u2060").join(w),
    "diacritics": _marks,
    "combo": _combo,
}
TEMPLATES = ("{}", "{}!!!", "you {}", "ur such a {} lol", "omg what a {}", "shut up {}")
CONTROL_TEMPLATES = ("{}", "the {} was great", "we read about the {} today", "my {} is tomorrow")
CONTROL_TYPES = ("plain", "upper", "homoglyph", "zero_width")


def _dev_seeds(moddata: Path) -> set[str]:
    path = moddata / "dev_adversarial.tsv"
    if not path.is_file():
        return set()
    with path.open(newline="", encoding="utf-8") as f:
        return {row.get("seed") or "" for row in csv.DictReader(f, delimiter="\t")}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("moddata", type=Path, nargs="?", default=Path("../shared/moddata"))
    ap.add_argument("--seeds", type=int, default=300)
    args = ap.parse_args(argv)
    rnd = random.Random(20261126)
    dictionary = _dictionary()
    dev = _dev_seeds(args.moddata)
    listed = sorted({e.term for e in entries(dictionary.__contains__) if " " not in e.term})
    if not listed:
        print("the obscenity list is not installed: run `make install`", file=sys.stderr)
        return 2
    pool = [w for w in listed if len(w) >= 4 and w not in dev]
    seeds = rnd.sample(pool, min(args.seeds, len(pool)))

    hits: Counter[str] = Counter()
    missed: dict[str, list[str]] = {t: [] for t in TYPES}
    for seed in seeds:
        for kind, disguise in TYPES.items():
            text = rnd.choice(TEMPLATES).format(disguise(seed, rnd))
            if screen(text).categories:
                hits[kind] += 1
            else:
                missed[kind].append(text)

    known = set(WORDS) | set(FRAME) | set(CONTEXT)
    lookalikes = sorted(
        {d for d in dictionary if d.isalpha() and d not in known
         for s in seeds[:120] if len(d) >= len(s) + 2 and s in d}
    )  # fmt: skip
    controls = rnd.sample(lookalikes, min(400, len(lookalikes)))
    flagged: list[str] = []
    n_controls = 0
    for word in controls:
        for kind in CONTROL_TYPES:
            text = rnd.choice(CONTROL_TEMPLATES).format(TYPES[kind](word, rnd))
            n_controls += 1
            if screen(text).categories:
                flagged.append(text)

    print(f"seeds: {len(seeds)} single words of the obscenity list not used by the dev file")
    for kind in TYPES:
        print(f"  {kind:14s} recall {hits[kind] / len(seeds):.3f}")
    print(f"overall recall {sum(hits.values()) / (len(seeds) * len(TYPES)):.3f}")
    print(f"look-alike controls: {n_controls}, flagged {len(flagged)}, "
          f"FPR {len(flagged) / max(1, n_controls):.4f}")  # fmt: skip
    for kind, texts in missed.items():
        if texts:
            print(f"  missed {kind}: {', '.join(map(repr, texts[:6]))}")
    if flagged:
        print(f"  flagged controls: {', '.join(map(repr, flagged[:60]))}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
