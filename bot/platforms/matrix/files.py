"""Files on Matrix: an upload is read when a feature asks for it; exports go back as m.file."""

from __future__ import annotations

import io
import logging

from nio import AsyncClient, DownloadResponse, RoomEncryptedFile, RoomMessageFile, UploadResponse

from bot.core.errors import UserError
from bot.core.model import Attachment, ChannelRef, Outgoing
from bot.platforms.matrix import attachments
from bot.platforms.matrix.outbound import (
    MatrixSendError,
    known_room,
    message_content,
    send_event,
)
from bot.platforms.matrix.txn import txn_id

log = logging.getLogger(__name__)


async def read_upload(client: AsyncClient, ev: RoomMessageFile | RoomEncryptedFile) -> Attachment:
    """Download a small uploaded file (decrypted, from an encrypted room) into an Attachment."""
    if isinstance(ev, RoomEncryptedFile):
        try:
            data = await attachments.fetch(client, ev.source.get("content", {}))
        except attachments.AttachmentUnreadable:
            raise UserError("I could not open that file; please upload it again.") from None
        return Attachment.from_bytes(ev.body or "upload", data)
    resp = await client.download(ev.url)
    if not isinstance(resp, DownloadResponse):
        raise UserError("I could not download that file; please upload it again.")
    body = resp.body if isinstance(resp.body, bytes) else bytes(resp.body)
    return Attachment.from_bytes(ev.body or "upload", body)


async def send_file(
    client: AsyncClient, channel: ChannelRef, attachment: Attachment, key: str
) -> str:
    """Upload the file and post it as m.file in the channel (or its thread); in an
    encrypted room the file is uploaded encrypted."""
    data = attachment.text.encode()
    await known_room(client, channel.id)
    room = client.rooms.get(channel.id)
    content = message_content(channel, Outgoing(attachment.filename, notice=False))
    content.update(
        msgtype="m.file",
        filename=attachment.filename,
        info={"size": len(data), "mimetype": "application/toml"},
    )
    if room is not None and room.encrypted:
        content["file"] = await attachments.upload(
            client, data, "application/toml", attachment.filename, encrypt=True
        )
    else:
        resp, _ = await client.upload(
            lambda *_: io.BytesIO(data),
            content_type="application/toml",
            filename=attachment.filename,
            filesize=len(data),
        )
        if not isinstance(resp, UploadResponse):
            raise MatrixSendError(f"uploading {attachment.filename} failed: {resp}")
        content["url"] = resp.content_uri
    content.pop("format", None)
    content.pop("formatted_body", None)
    return await send_event(client, channel.id, "m.room.message", content, txn_id(key, "file"))
