"""Files on Matrix: an upload is read when a feature asks for it; exports go back as m.file."""

from __future__ import annotations

import io
import logging

from nio import AsyncClient, DownloadResponse, RoomMessageFile, UploadResponse

from bot.core.errors import UserError
from bot.core.model import Attachment, ChannelRef, Outgoing
from bot.platforms.matrix.outbound import MatrixSendError, message_content, send_event
from bot.platforms.matrix.txn import txn_id

log = logging.getLogger(__name__)


async def read_upload(client: AsyncClient, ev: RoomMessageFile) -> Attachment:
    """Download a small uploaded file into an Attachment."""
    resp = await client.download(ev.url)
    if not isinstance(resp, DownloadResponse):
        raise UserError("I could not download that file; please upload it again.")
    body = resp.body if isinstance(resp.body, bytes) else bytes(resp.body)
    return Attachment.from_bytes(ev.body or "upload", body)


async def send_file(
    client: AsyncClient, channel: ChannelRef, attachment: Attachment, key: str
) -> str:
    """Upload the file and post it as m.file in the channel (or its thread)."""
    data = attachment.text.encode()
    resp, _ = await client.upload(
        lambda *_: io.BytesIO(data),
        content_type="application/toml",
        filename=attachment.filename,
        filesize=len(data),
    )
    if not isinstance(resp, UploadResponse):
        raise MatrixSendError(f"uploading {attachment.filename} failed: {resp}")
    content = message_content(channel, Outgoing(attachment.filename, notice=False))
    content.update(
        msgtype="m.file",
        filename=attachment.filename,
        url=resp.content_uri,
        info={"size": len(data), "mimetype": "application/toml"},
    )
    content.pop("format", None)
    content.pop("formatted_body", None)
    return await send_event(client, channel.id, "m.room.message", content, txn_id(key, "file"))
