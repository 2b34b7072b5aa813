"""Neutral messages → Matrix event content, and sending with safe retries."""

from __future__ import annotations

import asyncio
import functools
import html
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, ParamSpec, TypeVar

from nio import AsyncClient, ErrorResponse, RoomSendResponse

from bot.core.errors import ChatError, Forbidden, Gone, Unavailable
from bot.core.model import ChannelRef, MessageRef, Outgoing, UserRef
from bot.core.names import clean
from bot.platforms.matrix import crypto
from bot.platforms.matrix.client import TRANSIENT
from bot.platforms.matrix.txn import txn_id

log = logging.getLogger(__name__)

SEND_ATTEMPTS = 4
NEW_ROOM_WAIT = 10.0  # seconds a post waits for the sync to bring a room the bot just made
P = ParamSpec("P")
R = TypeVar("R")


class MatrixSendError(ChatError):
    """The homeserver refused a request for a reason that is not one of the port's kinds
    (Forbidden, Gone, Unavailable): retrying it unchanged will not help."""


def refusal(resp: ErrorResponse, doing: str, hint: str = "") -> ChatError:
    """The port's error for a homeserver's error answer while `doing` something;
    `hint` (what to grant) is added to a refusal for lack of power."""
    said = f"{doing} failed: {resp.status_code} {resp.message}"
    if resp.status_code == "M_FORBIDDEN":
        return Forbidden(said + (hint or " (is the bot in the room, with enough power?)"))
    if resp.status_code == "M_NOT_FOUND":
        return Gone(said)
    if is_transient(resp):
        return Unavailable(said)
    return MatrixSendError(said)


def translated(method: Callable[P, Awaitable[R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """A Chat method whose network failures (homeserver unreachable, timed out) are
    raised as the port's Unavailable; the homeserver's own refusals go through `refusal`."""

    @functools.wraps(method)
    async def call(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except TRANSIENT as e:
            raise Unavailable(f"the homeserver is unreachable: {e!r}") from e

    return call


# "@room" in a body notifies the whole room on clients that still apply the legacy push
# rule; a word joiner inside it looks the same and matches nothing
_ROOM_PING = re.compile(r"@(room)\b", re.IGNORECASE)
WORD_JOINER = "\u2060"


def pill(user_id: str, name: str) -> str:
    return f'<a href="https://matrix.to/#/{html.escape(user_id)}">{html.escape(name)}</a>'


def no_room_ping(text: str) -> str:
    """`text` as it looks, but "@room" in it can no longer notify the room."""
    return _ROOM_PING.sub(lambda m: "@" + WORD_JOINER + m.group(1), text)


def quiet(content: dict[str, Any], mentions: tuple[UserRef, ...] = ()) -> dict[str, Any]:
    """Event content that pings exactly `mentions` (m.mentions, intentional mentions) and
    nobody because of its text: no "@room", no names or ids in the body, no pills."""
    content["m.mentions"] = {"user_ids": sorted({u.id for u in mentions})} if mentions else {}
    if isinstance(content.get("body"), str):
        content["body"] = no_room_ping(content["body"])
    return content


def message_content(channel: ChannelRef, out: Outgoing) -> dict[str, Any]:
    """m.notice / m.text content: mentions named in the body and in m.mentions (nobody else
    is pinged, whatever the text says), thread relation if any."""
    text = no_room_ping(out.text)
    content: dict[str, Any] = {"msgtype": "m.notice" if out.notice else "m.text", "body": text}
    if out.mentions:
        named = [(u, clean(u.label, fallback=u.id)) for u in out.mentions]
        unnamed = [(u, label) for u, label in named if label not in text]
        if unnamed:
            content["body"] = ", ".join(label for _, label in unnamed) + ": " + text
        pills = ", ".join(pill(u.id, label) for u, label in unnamed)
        escaped = html.escape(text).replace("\n", "<br>")
        content["format"] = "org.matrix.custom.html"
        content["formatted_body"] = f"{pills}: {escaped}" if pills else escaped
    quiet(content, out.mentions)
    if channel.thread:
        content["m.relates_to"] = {
            "rel_type": "m.thread",
            "event_id": channel.thread,
            "is_falling_back": True,
            "m.in_reply_to": {"event_id": channel.thread},
        }
    return content


def edit_content(channel: ChannelRef, event_id: str, out: Outgoing) -> dict[str, Any]:
    """An m.replace edit of `event_id` showing `out`: clients replace the text in place;
    empty m.mentions, so an edit never notifies anyone again."""
    new = message_content(channel.room, out)  # the new content carries no relation
    new.pop("m.relates_to", None)
    new["m.mentions"] = {}
    content: dict[str, Any] = {
        "msgtype": new["msgtype"],
        "body": "* " + new["body"],  # what clients without edit support show
        "m.new_content": new,
        "m.relates_to": {"rel_type": "m.replace", "event_id": event_id},
        "m.mentions": {},
    }
    if "formatted_body" in new:
        content["format"] = new["format"]
        content["formatted_body"] = "* " + new["formatted_body"]
    return content


def is_transient(resp: ErrorResponse) -> bool:
    status = getattr(resp.transport_response, "status", 0) or 0
    return status >= 500 or status == 429 or resp.status_code == "M_LIMIT_EXCEEDED"


async def send_event(
    client: AsyncClient, room_id: str, event_type: str, content: dict[str, Any], txn: str
) -> str:
    """Send one room event and return its id; transient failures retry with the same txn id.
    In an encrypted room nio encrypts it for every member's device (unverified ones
    included, as Element does); the txn id stays the key, so a retry still posts once."""
    await known_room(client, room_id)
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            await crypto.before_send(client, room_id)
            resp = await client.room_send(
                room_id, event_type, content, tx_id=txn, ignore_unverified_devices=True
            )
        except TRANSIENT as e:
            error: object = e or type(e).__name__
        else:
            if isinstance(resp, RoomSendResponse):
                return str(resp.event_id)
            if not is_transient(resp):
                raise refusal(resp, f"sending to {room_id}")
            error = f"{resp.status_code} {resp.message}"
        if attempt == SEND_ATTEMPTS:
            raise Unavailable(f"sending to {room_id} failed {attempt} times: {error}")
        delay = 0.5 * 2 ** (attempt - 1)
        log.warning("sending to %s failed (%s); retrying in %.1f s", room_id, error, delay)
        await asyncio.sleep(delay)
    raise AssertionError("unreachable")


async def react(
    client: AsyncClient, message: MessageRef, keys: Sequence[str], key: str | None
) -> None:
    """The bot's own reactions on its message, one per key (idempotent per delivery key)."""
    for emoji in keys:
        relates = {"rel_type": "m.annotation", "event_id": message.id, "key": emoji}
        txn = txn_id(key, emoji) if key else txn_id(None)
        content = {"m.relates_to": relates}
        await send_event(client, message.channel.id, "m.reaction", content, txn)


async def known_room(client: AsyncClient, room_id: str, members: Sequence[str] = ()) -> None:
    """With encryption on, nio must know a room before posting in it (is it encrypted,
    who reads it): a room the bot has just made waits for the sync that brings it, and
    for the people invited with it (a key shared before they are known never reaches them)."""
    if client.olm is None:
        return

    def known() -> bool:
        room = client.rooms.get(room_id)
        return room is not None and all(m in room.users for m in members)

    loop = asyncio.get_running_loop()
    deadline = loop.time() + NEW_ROOM_WAIT
    while not known():
        if loop.time() > deadline:
            if room_id in client.rooms:
                log.warning("%s: not every invited member has come in a sync yet", room_id)
                return
            raise Unavailable(f"{room_id} has not come in a sync yet")
        await asyncio.sleep(0.05)
