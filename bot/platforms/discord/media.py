"""Pictures, files and stickers on Discord: what a student posted, the teacher's copy of
it on the review message, and the files an approved repost carries.

A `Media.ref` is the attachment URL while the student's message exists, "sticker:ID"
for a sticker, and "CHANNEL/MESSAGE/INDEX" (an attachment of the review message) once
kept. Attachment URLs expire, so a kept ref is turned into a fresh URL by fetching the
review message again.
"""

from __future__ import annotations

import asyncio
import io
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass, field

import discord

from bot.core.model import Media, MessageRef

log = logging.getLogger(__name__)
MAX_BYTES = 8 * 1024 * 1024  # per message: below Discord's upload limit of a plain server
MAX_FILES = 10  # Discord takes at most ten attachments on one message
DOWNLOAD_SECONDS = 30
STICKER = "sticker"
KEPT = re.compile(r"(\d+)/(\d+)/(\d+)")
NOT_ATTACHED = "Copies not attached: I need the Attach Files permission here."
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def media_of(message: discord.Message) -> tuple[Media, ...]:
    """The attachments and stickers of a message and of the messages it forwards."""
    found = [Media(kind_of(a.content_type), a.filename, a.url) for a in attachments(message)]
    stickers = [*message.stickers, *(s for m in message.message_snapshots for s in m.stickers)]
    found += [Media(STICKER, s.name, f"sticker:{s.id}") for s in stickers]
    return tuple(found)


def attachments(message: discord.Message) -> list[discord.Attachment]:
    """Its own files, then those of forwarded messages (the class sees both)."""
    return [*message.attachments, *(a for m in message.message_snapshots for a in m.attachments)]


def kind_of(content_type: str | None) -> str:
    major = (content_type or "").split("/", 1)[0]
    return major if major in ("image", "video", "audio") else "file"


def upload_name(name: str) -> str:
    """A file name Discord keeps exactly as sent (it rewrites some characters itself),
    so the review's copies can be matched with what they copy."""
    return _UNSAFE.sub("_", name).strip("._")[:100] or "file"


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


class Sizes:
    """Attachment sizes seen on incoming messages (a hint: a file too big to copy is not
    downloaded at all). Bounded; unknown after a restart, then the download tells."""

    def __init__(self, keep: int = 500) -> None:
        self._sizes: OrderedDict[str, int] = OrderedDict()
        self._keep = keep

    def note(self, message: discord.Message) -> None:
        for a in attachments(message):
            self._sizes[a.url] = a.size
            self._sizes.move_to_end(a.url)
        while len(self._sizes) > self._keep:
            self._sizes.popitem(last=False)

    def get(self, url: str) -> int | None:
        return self._sizes.get(url)


@dataclass
class Copies:
    """Files ready to send, and notes on what could not be carried."""

    files: list[discord.File] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _used: int = 0

    async def add(
        self, http: discord.http.HTTPClient, item: Media, url: str, known: int | None = None
    ) -> str | None:
        """Download one item into the copies; or why it is left out."""
        if len(self.files) >= MAX_FILES:
            return f"not copied (at most {MAX_FILES} files)"
        room = MAX_BYTES - self._used
        if known is not None and known > room:
            return f"too big to copy ({size_text(known)})"
        try:
            data = await asyncio.wait_for(http.get_from_cdn(url), DOWNLOAD_SECONDS)
        except Exception as e:  # never let one file stop the message that carries it
            log.warning("could not download %s: %s", item.describe(), e)
            return "could not be downloaded"
        if len(data) > room:
            return f"too big to copy ({size_text(len(data))})"
        self._used += len(data)
        self.files.append(discord.File(io.BytesIO(data), filename=upload_name(item.name)))
        return None


async def for_review(
    http: discord.http.HTTPClient, media: tuple[Media, ...], sizes: Sizes
) -> Copies:
    """Copies of the student's files for the review message (their message still exists);
    stickers are named, as a bot cannot post someone else's sticker."""
    copies = Copies()
    for item in media:
        if item.kind == STICKER:
            copies.notes.append(f"Sticker: {item.name}")
        else:
            url = item.ref if item.ref.startswith(("https://", "http://")) else None
            problem = await copies.add(http, item, url, sizes.get(url)) if url else "not copied"
            if problem:
                copies.notes.append(f"{item.describe()}: {problem}")
    return copies


async def kept(
    http: discord.http.HTTPClient, review: MessageRef, media: tuple[Media, ...]
) -> tuple[Media, ...]:
    """`media` with refs to the review message's copies; items it does not carry (a
    sticker, a file too big) keep their ref. A review that is gone changes nothing."""
    channel_id = review.channel.thread or review.channel.id
    try:
        message = await http.get_message(int(channel_id), int(review.id))
    except (discord.NotFound, discord.Forbidden) as e:
        log.warning("the review message %s cannot be read (%s); files not reposted", review.id, e)
        return media
    names = [str(a.get("filename", "")) for a in message.get("attachments", [])]
    out: list[Media] = []
    at = 0
    for item in media:  # the copies were uploaded in order, skipping what did not fit
        if item.kind != STICKER and at < len(names) and names[at] == upload_name(item.name):
            out.append(Media(item.kind, item.name, f"{channel_id}/{review.id}/{at}"))
            at += 1
        else:
            out.append(item)
    return tuple(out)


async def for_repost(http: discord.http.HTTPClient, media: tuple[Media, ...]) -> Copies:
    """Files for an approved repost, from the review's copies (fetched again: attachment
    URLs expire); stickers and whatever cannot be had become notes for the text."""
    copies = Copies()
    fetched: dict[tuple[str, str], list[str] | None] = {}
    for item in media:
        if item.kind == STICKER:
            copies.notes.append(f"(sticker: {item.name})")
            continue
        url: str | None = item.ref if item.ref.startswith(("https://", "http://")) else None
        match = KEPT.fullmatch(item.ref)
        if match:
            channel_id, message_id, index = match.groups()
            if (channel_id, message_id) not in fetched:
                fetched[channel_id, message_id] = await _urls(http, channel_id, message_id)
            urls = fetched[channel_id, message_id] or []
            url = urls[int(index)] if int(index) < len(urls) else None
        if url is None or await copies.add(http, item, url):
            copies.notes.append(f"({item.describe()} could not be shared)")
    return copies


async def _urls(
    http: discord.http.HTTPClient, channel_id: str, message_id: str
) -> list[str] | None:
    """Fresh attachment URLs of a message, or None if it cannot be read."""
    try:
        message = await http.get_message(int(channel_id), int(message_id))
    except discord.HTTPException as e:
        log.warning("cannot read message %s for its files: %s", message_id, e)
        return None
    return [str(a["url"]) for a in message.get("attachments", [])]
