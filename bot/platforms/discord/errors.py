"""Discord's failures → the port's (bot/core/errors.py): nothing native leaves the adapter."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import aiohttp
import discord

from bot.core.errors import ChatError, Forbidden, Gone, Unavailable

P = ParamSpec("P")
R = TypeVar("R")


def neutral(e: discord.HTTPException, doing: str) -> ChatError:
    """The port's error for one Discord HTTP error while trying to do `doing`."""
    said = f"{e.status} {e.text or ''}".strip()
    if isinstance(e, discord.Forbidden):
        return Forbidden(f"Discord did not let me {doing} ({said}); check my permissions.")
    if isinstance(e, discord.NotFound):
        return Gone(f"Could not {doing}: it no longer exists on Discord ({said}).")
    if isinstance(e, discord.DiscordServerError) or e.status == 429:
        return Unavailable(f"Could not {doing}: Discord is having trouble ({said}).")
    return ChatError(f"Discord refused to {doing} ({said}).")


def translated(
    doing: str,
) -> Callable[[Callable[P, Awaitable[R]]], Callable[P, Coroutine[Any, Any, R]]]:
    """A Chat method whose Discord failures are raised as the port's errors."""

    def wrap(method: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
        @functools.wraps(method)
        async def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await method(*args, **kwargs)
            except ChatError:
                raise
            except discord.HTTPException as e:
                raise neutral(e, doing) from e
            except discord.RateLimited as e:  # longer than discord.py is willing to wait
                wait = f"rate limited for {e.retry_after:.0f} s"
                raise Unavailable(f"Could not {doing}: {wait}.") from e
            except (aiohttp.ClientError, TimeoutError, OSError) as e:
                raise Unavailable(f"Could not {doing}: Discord is unreachable ({e!r}).") from e

        return call

    return wrap
