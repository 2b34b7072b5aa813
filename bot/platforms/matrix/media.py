"""Pictures, videos, sounds, stickers and files on Matrix: read from a student's event,
shown again in the teacher room with the review, and reposted once approved.

The file itself stays in the homeserver's media repository (an `mxc://` address)
when the student's event is redacted, so showing it again means sending an
event with the same content; `Media.ref` keeps that event type and content.
"""

from __future__ import annotations

import json
from typing import Any, TypeAlias

from nio import (
    AsyncClient,
    RoomEncryptedAudio,
    RoomEncryptedFile,
    RoomEncryptedImage,
    RoomEncryptedMedia,
    RoomEncryptedVideo,
    RoomMessageAudio,
    RoomMessageFile,
    RoomMessageImage,
    RoomMessageMedia,
    RoomMessageVideo,
    StickerEvent,
)

from bot.core.model import ChannelRef, Media
from bot.platforms.matrix.attachments import carried
from bot.platforms.matrix.outbound import known_room, quiet, send_event
from bot.platforms.matrix.txn import txn_id

_KINDS: tuple[tuple[type, str], ...] = (
    (RoomMessageImage, "image"),
    (RoomMessageVideo, "video"),
    (RoomMessageAudio, "audio"),
    (RoomMessageFile, "file"),
    (RoomEncryptedImage, "image"),
    (RoomEncryptedVideo, "video"),
    (RoomEncryptedAudio, "audio"),
    (RoomEncryptedFile, "file"),
)
Shown: TypeAlias = RoomMessageMedia | RoomEncryptedMedia | StickerEvent


def media_of(ev: Shown) -> tuple[str, Media]:
    """The caption (text the student wrote, if any) and the media of one event."""
    content = dict(ev.source.get("content", {}))
    content.pop("m.relates_to", None)  # shown again elsewhere: not a reply or an edit
    kind = "sticker" if isinstance(ev, StickerEvent) else "file"
    for cls, name in _KINDS:
        if isinstance(ev, cls):
            kind = name
            break
    body = str(content.get("body", ""))
    filename = str(content.get("filename", "") or body)
    caption = body if content.get("filename") and body != filename else ""
    event_type = "m.sticker" if kind == "sticker" else "m.room.message"
    ref = json.dumps({"type": event_type, "content": content}, sort_keys=True)
    return caption, Media(kind, filename, ref)


async def show(
    client: AsyncClient, channel: ChannelRef, media: tuple[Media, ...], key: str | None
) -> None:
    """Send each item again in `channel` (same file, same kind), keyed per item. A file
    from an encrypted room is uploaded again for `channel` (``attachments.py``)."""
    for i, item in enumerate(media):
        try:
            saved: dict[str, Any] = json.loads(item.ref)
            event_type, content = str(saved["type"]), dict(saved["content"])
        except (ValueError, KeyError, TypeError):
            continue  # not a Matrix handle
        # the student's own formatting and mentions stay behind: the copy pings nobody
        content.pop("format", None)
        content.pop("formatted_body", None)
        quiet(content)
        await known_room(client, channel.id)
        content = await carried(client, channel.id, content)
        if channel.thread:
            content["m.relates_to"] = {"rel_type": "m.thread", "event_id": channel.thread}
        await send_event(client, channel.id, event_type, content, txn_id(key, f"media{i}"))
