"""Pure text screening (no I/O): normalize, then detect; returns a Verdict.

``screen(text, context)`` is the only entry point; see ``engine`` for the
pipeline and ``verdict`` for the contract with the moderation cog.
"""

from __future__ import annotations

from bot.screening.engine import screen
from bot.screening.verdict import Book, Context, Span, Verdict

__all__ = ["Book", "Context", "Span", "Verdict", "screen"]
