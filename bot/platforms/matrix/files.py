"""Files on Matrix: an uploaded season plan runs `readaloud import`; exports go back as m.file."""

from __future__ import annotations

import io
import logging
from typing import Any

from nio import AsyncClient, DownloadResponse, RoomMessageFile, UploadResponse

from bot.core.commands import Command, Invocation, Kind, Registry
from bot.core.errors import UserError
from bot.core.model import Actor, Attachment, ChannelRef, Outgoing
from bot.platforms.matrix.outbound import MatrixSendError, message_content, send_event
from bot.platforms.matrix.txn import txn_id

log = logging.getLogger(__name__)
IMPORT_PATH = ("readaloud", "import")


def import_command(registry: Registry, filename: str) -> Command | None:
    """The command an uploaded file stands for (only .toml season plans, today)."""
    if not filename.lower().endswith(".toml"):
        return None
    return registry.commands.get(IMPORT_PATH)


async def read_upload(client: AsyncClient, ev: RoomMessageFile) -> Attachment:
    """Download a small uploaded file into an Attachment."""
    resp = await client.download(ev.url)
    if not isinstance(resp, DownloadResponse):
        raise UserError("I could not download that file; please upload it again.")
    body = resp.body if isinstance(resp.body, bytes) else bytes(resp.body)
    return Attachment.from_bytes(ev.body or "plan.toml", body)


def upload_invocation(
    command: Command, actor: Actor, channel: ChannelRef, attachment: Attachment
) -> Invocation:
    """The command call an upload makes: the file in its FILE parameter, defaults elsewhere."""
    args: dict[str, Any] = {
        p.name: attachment if p.kind is Kind.FILE else p.default for p in command.params
    }
    return Invocation(command, actor, channel, args)


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
