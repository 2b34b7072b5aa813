"""Rendering neutral messages for Discord: 2000-character parts, nonces, no stray pings."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from typing import Any

import discord

LIMIT = 2000
NONCE_LENGTH = 25  # Discord accepts a nonce string of at most 25 characters
POLL_QUESTION = 300
POLL_HOURS = 24
NO_PINGS = discord.AllowedMentions.none()
_RESERVED = re.compile("discord|clyde", re.IGNORECASE)  # Discord refuses these in names
_LOOKALIKE = str.maketrans("oOeE", "0033")


def nonce(key: str | None, part: int = 0) -> dict[str, Any]:
    """`send` keywords with a Discord nonce derived from a delivery key (one per part of a
    split message); discord.py then asks Discord to enforce it. None without a key."""
    if key is None:
        return {}
    raw = key if part == 0 else f"{key}#{part}"
    return {"nonce": hashlib.sha256(raw.encode()).hexdigest()[:NONCE_LENGTH]}


def split(text: str, limit: int = LIMIT) -> list[str]:
    """Cut text into parts Discord accepts, at a line break or space where possible."""
    parts: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut < limit // 2:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut < limit // 2:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not parts:
        parts.append(rest)
    return [p for p in parts if p]


def native_poll(question: str, options: list[str]) -> tuple[discord.Poll, str | None]:
    """A single-choice poll (Discord: question ≤ 300, ≤ 10 answers of ≤ 55 chars) and the
    message text to send with it when the question is too long to fit."""
    short = question if len(question) <= POLL_QUESTION else question[: POLL_QUESTION - 1] + "…"
    poll = discord.Poll(question=short, duration=timedelta(hours=POLL_HOURS))
    for option in options[:10]:
        poll.add_answer(text=option[:55])
    return poll, (None if short == question else question[:LIMIT])


def pings(users: list[str]) -> discord.AllowedMentions:
    """Allow pinging exactly these user ids, nobody else (never @everyone or roles)."""
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        replied_user=False,
        users=[discord.Object(int(u)) for u in users],
    )


def webhook_name(name: str) -> str:
    """A display name Discord accepts for a webhook post (1–80 chars, no 'discord'/'clyde')."""
    cleaned = _RESERVED.sub(lambda m: m.group(0).translate(_LOOKALIKE), name).strip()
    return (cleaned or "student")[:80]


def plain(text: str) -> str:
    """Text shown exactly as written: no bold, headings, masked links, quotes or mention
    pills made from someone's words inside the bot's message (a review)."""
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))
