"""The screener is built (word lists read, patterns compiled) when it is first needed,
not when ``bot.screening`` is imported (issue 13, item 7)."""

from __future__ import annotations

import json
import subprocess
import sys

from bot.screening import engine, screen
from bot.screening.verdict import SELF_HARM

_PROBE = """
import json, sys
import bot.screening
from bot.screening.engine import MAX_CHARS
from bot.screening.verdict import Context
before = sorted(m for m in sys.modules if m.startswith("bot.screening"))
from bot.screening import screen
v = screen("i want to k!ll myself")
after = sorted(m for m in sys.modules if m.startswith("bot.screening"))
print(json.dumps({"before": before, "after": after, "cats": sorted(v.categories)}))
"""

# the modules that read word lists or compile the detectors' patterns
_BUILDERS = {
    "bot.screening.word_families",
    "bot.screening.lexicon",
    "bot.screening.lexicon_tables",
    "bot.screening.phrases",
    "bot.screening.phrases_selfharm",
    "bot.screening.pii",
    "bot.screening.senses",
    "bot.screening.normalize",
    "bot.screening.spellings",
}


def test_importing_screening_reads_no_word_list_and_the_first_screen_builds() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    ).stdout
    got = json.loads(out)
    assert _BUILDERS.isdisjoint(got["before"])
    assert _BUILDERS <= set(got["after"])
    assert got["cats"] == [SELF_HARM]


def test_build_is_done_once_and_screen_runs_the_built_screener() -> None:
    built = engine.build()
    assert engine.build() is built
    assert screen("i just want to d!e") == built("i just want to d!e", None)
