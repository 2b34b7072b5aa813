"""The screening engine: ``screen`` and the screener it runs.

Building the screener reads the word lists (``data/*.txt``, the lexicons, the
dictionary) and compiles every pattern; ``build()`` does it once, and the first
``screen`` does it if nothing did before (``cogs/moderation/policy.warm_up`` screens a
message before the first budgeted one). Importing this package reads nothing, so a
module that needs only ``MAX_CHARS`` or the verdict types loads no list. The pipeline
itself is ``engine/pipeline.py``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from bot.screening.verdict import Context, Verdict

__all__ = ["MAX_CHARS", "build", "screen"]

# Longer messages are screened on their first MAX_CHARS characters (and flagged as spam;
# moderation holds them for the teacher, see cogs/moderation/policy.py). A class chat's
# messages are short (Discord allows 2,000 characters, 4,000 with Nitro), and this bounds
# the work one message can cause (about 10-20 ms for the worst crafted text).
MAX_CHARS = 4_000

Screener = Callable[[str, Context | None], Verdict]
_built: Screener | None = None
_lock = threading.Lock()


def build() -> Screener:
    """The screener, built on the first call (word lists read, patterns compiled)."""
    global _built
    with _lock:
        if _built is None:
            from bot.screening.engine.pipeline import screen as pipeline_screen

            _built = pipeline_screen
        return _built


def screen(text: str, context: Context | None = None) -> Verdict:
    """Screen one message. Never raises for any ``str``; other types are screened as text."""
    run = _built
    if run is None:
        run = build()
    return run(text, context)
