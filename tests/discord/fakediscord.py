"""Discord's side of the wire, faked: what the REST API answers, and a log of every request.

discord.py builds every request itself (routes, JSON); we answer with payloads
shaped like Discord's and keep a small world (channels, messages, webhooks) so
a second client after a "restart" sees what the first one created.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import discord
from discord.utils import time_snowflake

EVERYONE = discord.Permissions(
    view_channel=True, send_messages=True, read_message_history=True, add_reactions=True,
    use_application_commands=True, send_messages_in_threads=True,
)  # fmt: skip
NOW = "2027-02-01T09:00:00.000000+00:00"


@dataclass
class Request:
    """One HTTP request the bot made."""

    method: str
    path: str
    json: Any
    params: dict[str, Any] | None = None
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (filename, content) uploaded


class FakeResponse:
    """Just enough of an aiohttp response for discord.HTTPException."""

    def __init__(self, status: int, reason: str) -> None:
        self.status = status
        self.reason = reason


def http_error(status: int, code: int, message: str) -> discord.HTTPException:
    """The exception discord.py raises for this answer (5xx after its own retries)."""
    kind = {403: discord.Forbidden, 404: discord.NotFound}.get(status, discord.HTTPException)
    if status >= 500:
        kind = discord.DiscordServerError
    return kind(FakeResponse(status, message), {"code": code, "message": message})  # type: ignore[arg-type]


FAILURES = {403: (50013, "Missing Permissions"), 404: (10008, "Unknown Message"),
            500: (0, "500: Internal Server Error"), 503: (0, "Service Unavailable")}  # fmt: skip


@dataclass
class World:
    """A guild, its people and channels, and everything the bot asked for."""

    now: Callable[[], datetime] = lambda: datetime(2027, 2, 1, 9, 0, tzinfo=UTC)  # ids' time
    requests: list[Request] = field(default_factory=list)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)
    channels: dict[str, dict[str, Any]] = field(default_factory=dict)
    messages: dict[str, dict[str, Any]] = field(default_factory=dict)
    webhooks: dict[str, dict[str, Any]] = field(default_factory=dict)
    dms: dict[str, str] = field(default_factory=dict)  # dm channel id → user id
    closed_dms: set[str] = field(default_factory=set)
    forbidden: set[tuple[str, str]] = field(default_factory=set)  # (method, path regex)
    failing: dict[tuple[str, str], int] = field(default_factory=dict)  # (method, regex) → status
    no_attach: set[str] = field(default_factory=set)  # channels where the bot cannot attach files
    nonces: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    gateway: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # events to deliver
    cdn: dict[str, bytes] = field(default_factory=dict)  # attachment URL → its bytes
    downloads: list[str] = field(default_factory=list)  # attachment URLs the bot fetched

    def __post_init__(self) -> None:
        self.last_id = 0
        self.guild_id = self.new_id()
        self.app_id = self.new_id()
        self.bot = self.user("readaloud", bot=True)
        self.roles[self.guild_id] = self.role("@everyone", EVERYONE, self.guild_id)

    def new_id(self) -> str:
        """A snowflake like Discord's: ids grow, and each says when it was made (`now`)."""
        self.last_id = max(self.last_id + 1, time_snowflake(self.now()))
        return str(self.last_id)

    # ---- building the world ----

    def user(self, name: str, bot: bool = False) -> dict[str, Any]:
        uid = self.new_id()
        data = {"id": uid, "username": name.lower(), "global_name": name, "avatar": None,
                "discriminator": "0", "bot": bot}  # fmt: skip
        self.users[uid] = data
        return data

    def role(self, name: str, perms: discord.Permissions, rid: str | None = None) -> dict[str, Any]:
        rid = rid or self.new_id()
        data = {"id": rid, "name": name, "permissions": str(perms.value),
                "position": len(self.roles), "color": 0, "hoist": False, "managed": False,
                "mentionable": False, "flags": 0}  # fmt: skip
        self.roles[rid] = data
        return data

    def member(self, user: dict[str, Any], *roles: dict[str, Any]) -> dict[str, Any]:
        data = {"user": user, "roles": [r["id"] for r in roles], "joined_at": NOW, "nick": None,
                "deaf": False, "mute": False, "flags": 0}  # fmt: skip
        self.members[user["id"]] = data
        return data

    def text_channel(self, name: str, **extra: Any) -> dict[str, Any]:
        cid = self.new_id()
        data = {"id": cid, "type": 0, "guild_id": self.guild_id, "name": name, "position": 0,
                "permission_overwrites": [], "topic": None, "nsfw": False, "parent_id": None,
                "last_message_id": None, "rate_limit_per_user": 0, **extra}  # fmt: skip
        self.channels[cid] = data
        return data

    def thread(
        self, parent: str, root: str, name: str, archive: int = 1440, owner: str = ""
    ) -> dict[str, Any]:
        """A public thread started on message `root` (it gets the message's id), by the bot
        unless `owner` (a user id) says who."""
        data = {"id": root, "type": 11, "guild_id": self.guild_id, "parent_id": parent,
                "name": name, "owner_id": owner or self.bot["id"], "member_count": 1,
                "message_count": 0, "rate_limit_per_user": 0, "thread_metadata": {
                    "archived": False, "auto_archive_duration": archive,
                    "archive_timestamp": NOW, "locked": False}}  # fmt: skip
        self.channels[root] = data
        return data

    def permissions(self, user_id: str) -> discord.Permissions:
        """Guild-level permissions of a member (the fake ignores channel overwrites)."""
        value = 0
        for rid in [self.guild_id, *self.members[user_id]["roles"]]:
            value |= int(self.roles[rid]["permissions"])
        return discord.Permissions(value)

    def message(self, channel_id: str, author: dict[str, Any], content: str = "", **extra: Any):
        data = {"id": self.new_id(), "channel_id": channel_id, "type": 0, "content": content,
                "author": author, "attachments": [], "embeds": [], "mentions": [],
                "mention_roles": [], "pinned": False, "mention_everyone": False, "tts": False,
                "timestamp": NOW, "edited_timestamp": None, "flags": 0, "components": [],
                **extra}  # fmt: skip
        self.messages[data["id"]] = data
        return data

    def upload(self, channel_id: str, filename: str, data: bytes, content_type: str = ""):
        """An attachment as Discord describes it; its URL serves `data` until deleted."""
        aid = self.new_id()
        url = f"https://cdn.discordapp.com/attachments/{channel_id}/{aid}/{filename}?ex=1"
        self.cdn[url] = data
        return {"id": aid, "filename": filename, "size": len(data), "url": url,
                "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
                **({"content_type": content_type} if content_type else {})}  # fmt: skip

    def download(self, url: str) -> bytes:
        """The CDN: the bytes of an attachment (of a message not deleted), else 404."""
        self.downloads.append(url)
        if url not in self.cdn:
            raise http_error(404, 0, "asset not found")
        return self.cdn[url]

    def _attach(self, channel_id: str, files: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
        """The attachments of a message posted with files (multipart, in order)."""
        return [self.upload(channel_id, name, data) for name, data in files]

    # ---- what a person sees ----

    def sent(self, method: str = "", pattern: str = "") -> list[Request]:
        """Requests whose method matches and whose path matches `pattern` (a regex)."""
        return [
            r for r in self.requests
            if (not method or r.method == method) and re.fullmatch(pattern or ".*", r.path)
        ]  # fmt: skip

    def posts_in(self, channel_id: str) -> list[Request]:
        return self.sent("POST", rf"/channels/{channel_id}/messages")

    # ---- answering requests ----

    def answer(
        self,
        method: str,
        path: str,
        body: Any,
        params: dict[str, Any] | None,
        files: list[tuple[str, bytes]] | None = None,
    ) -> Any:
        self.requests.append(Request(method, path, body, params, files or []))
        for m, pattern in self.forbidden:
            if m == method and re.fullmatch(pattern, path):
                raise http_error(403, 50013, "Missing Permissions")
        for (m, pattern), status in self.failing.items():
            if m in (method, "*") and re.fullmatch(pattern, path):
                raise http_error(status, *FAILURES[status])
        if files and any(path == f"/channels/{cid}/messages" for cid in self.no_attach):
            raise http_error(403, 50013, "Missing Permissions")
        for m, pattern, handler in ROUTES:
            match = re.fullmatch(pattern, path)
            if m == method and match:
                extra = (params or {},) if handler in (_execute, _history) else ()
                return handler(self, body or {}, *match.groups(), *extra)
        raise NotImplementedError(f"fake Discord has no answer for {method} {path}")


def _app_info(w: World, body: Any) -> Any:
    return {"id": w.app_id, "name": "readaloud", "description": "", "icon": None,
            "bot_public": False, "bot_require_code_grant": False, "owner": w.bot,
            "verify_key": "0" * 64, "flags": 0}  # fmt: skip


def _sync(w: World, body: Any, app: str) -> Any:
    return [{**c, "id": w.new_id(), "application_id": app, "version": w.new_id()} for c in body]


def _post_message(w: World, body: Any, cid: str) -> Any:
    if cid in w.dms and w.dms[cid] in w.closed_dms:
        raise http_error(403, 50007, "Cannot send messages to this user")
    nonce = body.get("nonce")
    if nonce and body.get("enforce_nonce") and (cid, nonce) in w.nonces:
        return w.nonces[(cid, nonce)]  # Discord returns the first message for a repeated nonce
    poll = {"poll": _poll(w, body["poll"])} if body.get("poll") else {}
    msg = w.message(cid, w.bot, body.get("content") or "", embeds=body.get("embeds", []),
                    components=body.get("components", []), nonce=nonce,
                    attachments=w._attach(cid, w.requests[-1].files), **poll)  # fmt: skip
    if nonce:
        w.nonces[(cid, nonce)] = msg
    return msg


def _poll(w: World, asked: dict[str, Any]) -> dict[str, Any]:
    """A poll as Discord returns it: numbered answers and an expiry instead of a duration."""
    expiry = w.now() + timedelta(hours=int(asked.get("duration", 24)))
    return {"question": asked["question"], "expiry": expiry.isoformat(),
            "answers": [{"answer_id": i, **a} for i, a in enumerate(asked["answers"], 1)],
            "allow_multiselect": asked.get("allow_multiselect", False),
            "layout_type": asked.get("layout_type", 1)}  # fmt: skip


def _thread(w: World, body: Any, cid: str, mid: str) -> Any:
    if mid in w.channels:
        raise http_error(400, 160004, "A thread has already been created for this message")
    thread = w.thread(cid, mid, body["name"], body.get("auto_archive_duration", 1440))
    w.gateway.append(("thread_create", {**thread, "newly_created": True}))
    return thread


def _edit_channel(w: World, body: Any, cid: str) -> Any:
    channel = w.channels[cid]
    if "thread_metadata" in channel:
        channel["thread_metadata"].update({k: body[k] for k in ("archived", "locked") if k in body})
        if "name" in body and body["name"] != channel["name"]:
            channel["name"] = body["name"]
            w.gateway.append(("thread_update", dict(channel)))  # everyone sees the new name
    return channel


def _new_channel(w: World, body: Any) -> Any:
    extra = {k: body[k] for k in ("topic", "parent_id", "permission_overwrites") if k in body}
    channel = w.text_channel(body["name"], **extra)
    w.gateway.append(("channel_create", channel))
    return channel


def _webhooks(w: World, body: Any, cid: str) -> Any:
    return [h for h in w.webhooks.values() if h["channel_id"] == cid]


def _new_webhook(w: World, body: Any, cid: str) -> Any:
    hook = {"id": w.new_id(), "type": 1, "channel_id": cid, "guild_id": w.guild_id,
            "name": body["name"], "avatar": None, "token": "hooktoken", "user": w.bot,
            "application_id": w.app_id}  # fmt: skip
    w.webhooks[hook["id"]] = hook
    return hook


def _dm(w: World, body: Any) -> Any:
    uid = str(body["recipient_id"])
    cid = next((c for c, u in w.dms.items() if u == uid), None) or w.new_id()
    w.dms[cid] = uid
    return {"id": cid, "type": 1, "recipients": [w.users[uid]], "last_message_id": None}


def _callback(w: World, body: Any, iid: str, token: str) -> Any:
    flags = (body.get("data") or {}).get("flags", 0)
    out: dict[str, Any] = {"interaction": {"id": iid, "type": 2,
                           "response_message_ephemeral": bool(flags & 64)}}  # fmt: skip
    if body["type"] == 4:
        msg = w.message("0", w.bot, body["data"].get("content", ""), flags=flags)
        out["interaction"]["response_message_id"] = msg["id"]
        out["resource"] = {"type": 4, "message": msg}
    return out


def _execute(w: World, body: Any, hook_id: str, token: str, params: dict[str, Any]) -> Any:
    if hook_id == w.app_id:  # an interaction follow-up
        return w.message("0", w.bot, body.get("content", ""), flags=body.get("flags", 0))
    hook = w.webhooks[hook_id]
    author = {"id": hook_id, "username": body.get("username") or hook["name"], "avatar": None,
              "discriminator": "0000", "bot": True}  # fmt: skip
    where = str(params.get("thread_id") or hook["channel_id"])
    attachments = w._attach(where, w.requests[-1].files)
    return w.message(where, author, body.get("content", ""), webhook_id=hook_id,
                     attachments=attachments)  # fmt: skip


def _get_message(w: World, body: Any, cid: str, mid: str) -> Any:
    msg = w.messages.get(mid)
    if msg is None or msg["channel_id"] != cid:
        raise http_error(404, 10008, "Unknown Message")
    return msg


def _edit_message(w: World, body: Any, cid: str, mid: str) -> Any:
    """The bot's own message, changed in place (what the edit sends replaces what it had)."""
    msg = _get_message(w, body, cid, mid)
    msg.update({k: body[k] for k in ("content", "embeds", "components") if k in body})
    msg["edited_timestamp"] = NOW
    return msg


def _history(w: World, body: Any, cid: str, params: dict[str, Any]) -> Any:
    """A channel's messages as Discord pages them: at most `limit`, the ones just after
    `after`, else the newest (before `before`); always newest first."""
    ids = sorted(int(m["id"]) for m in w.messages.values() if m["channel_id"] == cid)
    limit = int(params.get("limit", 50))
    if params.get("after") is not None:
        ids = [i for i in ids if i > int(params["after"])][:limit]
    else:
        if params.get("before") is not None:
            ids = [i for i in ids if i < int(params["before"])]
        ids = ids[-limit:]
    return [w.messages[str(i)] for i in reversed(ids)]


def _delete_message(w: World, body: Any, mid: str) -> Any:
    """Gone, and so are its attachments on the CDN; a message already gone is a 404."""
    msg = w.messages.pop(mid, None)
    if msg is None:
        raise http_error(404, 10008, "Unknown Message")
    for a in msg.get("attachments", []):
        w.cdn.pop(a["url"], None)


ROUTES: list[tuple[str, str, Callable[..., Any]]] = [
    ("GET", r"/users/@me", lambda w, body: w.bot),
    ("GET", r"/oauth2/applications/@me", _app_info),
    ("PUT", r"/applications/(\d+)/commands", _sync),
    ("POST", r"/channels/(\d+)/messages", _post_message),
    ("GET", r"/channels/(\d+)/messages", _history),
    ("GET", r"/channels/(\d+)/messages/(\d+)", _get_message),
    ("DELETE", r"/channels/\d+/messages/(\d+)", _delete_message),
    ("PATCH", r"/channels/(\d+)/messages/(\d+)", _edit_message),
    ("POST", r"/channels/(\d+)/messages/(\d+)/threads", _thread),
    ("PATCH", r"/channels/(\d+)", _edit_channel),
    ("GET", r"/channels/(\d+)", lambda w, body, cid: w.channels[cid]),
    ("POST", r"/guilds/\d+/channels", _new_channel),
    ("GET", r"/channels/(\d+)/webhooks", _webhooks),
    ("POST", r"/channels/(\d+)/webhooks", _new_webhook),
    ("POST", r"/users/@me/channels", _dm),
    ("POST", r"/interactions/(\d+)/([^/]+)/callback", _callback),
    ("POST", r"/webhooks/(\d+)/([^/]+)", _execute),
    ("PATCH", r"/webhooks/\d+/[^/]+/messages/@original", lambda w, body: w.message("0", w.bot)),
    ("DELETE", r"/webhooks/\d+/[^/]+/messages/@original", lambda w, body: None),
]
