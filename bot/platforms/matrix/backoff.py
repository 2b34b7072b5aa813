"""Waiting between retries, with every wait logged so a stall is never silent."""

from __future__ import annotations

import asyncio
import logging

log = logging.getLogger(__name__)


class Backoff:
    """Exponential backoff between retries, logged so a stall is never silent."""

    def __init__(self, first: float = 0.5, maximum: float = 60.0) -> None:
        self.first, self.maximum = min(first, maximum), maximum
        self.delay = self.first
        self.attempts = 0

    async def wait(self, what: str, error: object) -> None:
        self.attempts += 1
        log.warning(
            "%s failed (attempt %d): %s; retrying in %.1f s", what, self.attempts, error, self.delay
        )
        await asyncio.sleep(self.delay)
        self.delay = min(self.delay * 2, self.maximum)

    def reset(self) -> None:
        self.delay, self.attempts = self.first, 0
