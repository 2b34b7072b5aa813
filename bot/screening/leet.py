"""The two leetspeak readings (for the ambiguous 1 ! | : i or l), as translation tables.

Kept apart from ``readings.py`` (which reads the word lists when imported) so that other
matchers (names kept in class, cogs/authors/deidentify.py) use the same readings without
loading a list.
"""

from __future__ import annotations

LEET_I = str.maketrans("013456789@$!|+€", "oieasgtbgasiite")
LEET_L = str.maketrans("013456789@$!|+€", "oleasgtbgaslite")
LEETABLE = frozenset("013456789@$!|+€")
LEET_READINGS = (LEET_I, LEET_L)
