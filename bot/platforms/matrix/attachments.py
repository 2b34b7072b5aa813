"""Encrypted attachments: a file in an encrypted room is stored encrypted on the homeserver,
its key inside the (encrypted) event. The bot downloads and decrypts one to check it is
what it claims, and shows it again only as a fresh upload: encrypted for an encrypted room,
plain for a plain one — its key is never written into a room that is not encrypted."""

from __future__ import annotations

import io
import logging
from typing import Any

from nio import AsyncClient, DownloadResponse, EncryptionError, UploadResponse
from nio.crypto.attachments import decrypt_attachment, encrypt_attachment

from bot.core.errors import Unavailable

log = logging.getLogger(__name__)


class AttachmentUnreadable(Exception):
    """The file could not be downloaded or did not decrypt (its hash does not match)."""


def is_encrypted(content: dict[str, Any]) -> bool:
    file = content.get("file")
    return isinstance(file, dict) and isinstance(file.get("url"), str)


async def fetch(client: AsyncClient, content: dict[str, Any]) -> bytes:
    """The plaintext of an encrypted attachment (raises AttachmentUnreadable)."""
    file = content.get("file") or {}
    try:
        resp = await client.download(str(file["url"]))
        if not isinstance(resp, DownloadResponse):
            raise AttachmentUnreadable(f"download failed: {resp}")
        data = resp.body if isinstance(resp.body, bytes) else bytes(resp.body)
        return bytes(
            decrypt_attachment(data, file["key"]["k"], file["hashes"]["sha256"], file["iv"])
        )
    except (KeyError, TypeError, ValueError, EncryptionError) as e:
        raise AttachmentUnreadable(f"{type(e).__name__}: {e}") from e


async def upload(client: AsyncClient, data: bytes, mimetype: str, name: str, encrypt: bool) -> Any:
    """Upload `data`; returns the `file` object (encrypted) or the mxc:// url (plain)."""
    payload, keys = encrypt_attachment(data) if encrypt else (data, None)
    resp, _ = await client.upload(
        lambda *_: io.BytesIO(payload),
        content_type="application/octet-stream" if encrypt else mimetype,
        filename=name,
        filesize=len(payload),
    )
    if not isinstance(resp, UploadResponse):
        raise Unavailable(f"uploading {name} failed: {resp}")
    if keys is None:
        return resp.content_uri
    return {**keys, "url": resp.content_uri, "mimetype": mimetype}


async def carried(client: AsyncClient, room_id: str, content: dict[str, Any]) -> dict[str, Any]:
    """`content` of an encrypted attachment made ready for `room_id`: the file decrypted and
    uploaded again (encrypted if the room is); thumbnails are left behind."""
    if not is_encrypted(content):
        return content
    data = await fetch(client, content)
    info = dict(content.get("info") or {})
    for thumb in ("thumbnail_file", "thumbnail_url", "thumbnail_info"):
        info.pop(thumb, None)
    mimetype = str(info.get("mimetype") or content["file"].get("mimetype") or "")
    room = client.rooms.get(room_id)
    encrypt = bool(room is not None and room.encrypted)
    name = str(content.get("filename") or content.get("body") or "file")
    stored = await upload(client, data, mimetype or "application/octet-stream", name, encrypt)
    fresh = {k: v for k, v in content.items() if k not in ("file", "url", "info")}
    if info:
        fresh["info"] = info
    fresh["file" if encrypt else "url"] = stored
    return fresh
