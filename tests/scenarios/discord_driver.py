"""The classroom stories on Discord: the real bot fed gateway payloads by discord.py itself."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.core.clock import FakeClock
from tests.discord.fakediscord import World
from tests.discord.harness import TEACHER_ROLE, Discord, install


class DiscordDriver:
    """Acts and observes like the people in a Discord class would."""

    name = "discord"

    def __init__(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, clock: FakeClock) -> None:
        self.w = World()
        install(monkeypatch, self.w)
        self.w.member(self.w.bot, self.w.role("readaloud", discord.Permissions(administrator=True)))
        staff = self.w.role("Staff", discord.Permissions(manage_channels=True))
        self.w.role(TEACHER_ROLE, discord.Permissions.none())
        self.teacher_user = self.w.user("Ms Rivera")
        self.w.member(self.teacher_user, staff)
        self.students = {"aroha": self.w.user("Aroha"), "ben": self.w.user("Ben")}
        for s in self.students.values():
            self.w.member(s)
        self.author = self.w.user("Jo Lee")
        self.w.member(self.author)  # a guest author shares a server with the bot (for DMs)
        self.room = self.w.text_channel("room-12")
        self.d = Discord(self.w, tmp_path / "bot.db", clock)
        self.teacher_channel: dict[str, Any] | None = None
        self._thread = ""
        self._last_nonce = ""
        self._to_author = ""  # the id of the bot's message last seen by the author

    async def setup_class(self) -> str:
        await self.d.start()
        answer = await self.teacher("class setup", timezone="Pacific/Auckland")
        made = [c for c in self.w.channels.values() if (c.get("topic") or "").endswith(")")]
        self.teacher_channel = made[0]
        return answer

    async def close(self) -> None:
        await self.d.stop()

    def _answer(self, interaction: str) -> str:
        return "\n".join(
            a["data"].get("content", "") for a in self.d.answers(interaction) if "data" in a
        )

    async def teacher(self, path: str, expect: str = "", **args: Any) -> str:
        return self._answer(await self.d.slash(self.teacher_user, self.room, path, **args))

    async def student_command(self, who: str, path: str, **args: Any) -> str:
        return self._answer(await self.d.slash(self.students[who], self.room, path, **args))

    async def student_says(self, who: str, text: str) -> str:
        return await self.d.say(self.students[who], self.room, text)

    async def at(self, when: datetime) -> None:
        self.d.clock.set(when)
        assert self.d.app is not None
        await self.d.app.scheduler.run_due()
        await self.d.settle()

    def _posts(self) -> list[dict[str, Any]]:
        threads = {
            c["id"] for c in self.w.channels.values() if c.get("parent_id") == self.room["id"]
        }
        return [
            r.json for r in self.w.requests
            if r.method == "POST" and r.json and "content" in r.json
            and any(r.path == f"/channels/{cid}/messages" for cid in {self.room["id"], *threads})
        ]  # fmt: skip

    async def class_post(self, contains: str) -> str:
        found = [p["content"] for p in self._posts() if contains in (p.get("content") or "")]
        assert found, f"the bot never posted {contains!r} in the class"
        return found[-1]

    async def hidden(self, message_id: str) -> bool:
        return bool(self.w.sent("DELETE", rf"/channels/{self.room['id']}/messages/{message_id}"))

    async def notice_to(self, who: str, contains: str) -> str:
        dms = [cid for cid, uid in self.w.dms.items() if uid == self.students[who]["id"]]
        texts = [r.json["content"] for cid in dms for r in self.w.posts_in(cid)]
        found = [t for t in texts if contains in t]
        assert found, f"{who} was never told {contains!r}: {texts}"
        return found[-1]

    async def review(self, contains: str) -> str:
        assert self.teacher_channel is not None
        for m in reversed(list(self.w.messages.values())):
            embeds = m.get("embeds") or []
            if (
                m["channel_id"] == self.teacher_channel["id"]
                and embeds
                and contains in (embeds[0].get("description") or "")
            ):
                return str(m["id"])
        raise AssertionError(f"no review of {contains!r} in the teacher channel")

    def _button(self, review: str, label: str) -> str:
        rows = self.w.messages[review]["components"]
        return next(b["custom_id"] for r in rows for b in r["components"] if b["label"] == label)

    async def approve(self, review: str) -> None:
        await self.d.click(self.teacher_user, review, self._button(review, "Approve"))

    async def reject(self, review: str, reason: str) -> None:
        clicked = await self.d.click(
            self.teacher_user, review, self._button(review, "Reject with reason…")
        )
        (form,) = self.d.answers(clicked)
        assert self.teacher_channel is not None
        await self.d.submit(
            self.teacher_user, self.teacher_channel, form["data"]["custom_id"], {"reason": reason}
        )

    async def reposted(self, who: str, text: str) -> bool:
        reposts = self.w.sent("POST", r"/webhooks/(\d+)/hooktoken")
        return any(
            r.json["username"] == f"{who.title()} (student)" and r.json["content"] == text
            for r in reposts
        )

    async def trust(self, who: str) -> None:
        await self.teacher("mod trust", student=self.students[who])

    async def session_thread(self) -> str:
        made = self.w.sent("POST", rf"/channels/{self.room['id']}/messages/(\d+)/threads")
        self._thread = made[-1].path.split("/")[4]
        return self._thread

    async def says_in_thread(self, who: str, text: str) -> str:
        return await self.d.say(self.students[who], self.w.channels[self._thread], text)

    async def thread_post(self, contains: str) -> str:
        for r in reversed(self.w.posts_in(self._thread)):
            text = r.json.get("content") or r.json.get("poll", {}).get("question", {}).get("text")
            if text and contains in text:
                self._last_nonce = r.json["nonce"]
                return str(text)
        raise AssertionError(f"no {contains!r} in the session thread")

    async def vote(self, who: str, option: int) -> None:
        message = next(m for m in self.w.messages.values() if m.get("nonce") == self._last_nonce)
        vote = {
            "user_id": self.students[who]["id"],
            "channel_id": self._thread,
            "message_id": message["id"],
            "guild_id": self.w.guild_id,
            "answer_id": option,
        }
        await self.d.feed("message_poll_vote_add", vote)

    async def student_shares_picture(self, who: str, caption: str, name: str, data: bytes) -> str:
        photo = self.w.upload(self.room["id"], name, data, "image/png")
        return await self.d.say(self.students[who], self.room, caption, attachments=[photo])

    async def picture_with_review(self, review: str) -> bytes:
        """The copy of the picture the review went up with."""
        nonce = self.w.messages[review]["nonce"]
        (request,) = [
            r for r in self.w.requests if isinstance(r.json, dict) and r.json.get("nonce") == nonce
        ]
        ((_, data),) = request.files
        return bytes(data)

    async def reposted_picture(self, who: str) -> bytes:
        reposts = self.w.sent("POST", r"/webhooks/(\d+)/hooktoken")
        mine = [r for r in reposts if r.json["username"] == f"{who.title()} (student)"]
        ((_, data),) = mine[-1].files
        return bytes(data)

    async def teacher_channel_post(self, contains: str) -> str:
        assert self.teacher_channel is not None
        texts = [r.json.get("content") or "" for r in self.w.posts_in(self.teacher_channel["id"])]
        found = [t for t in texts if contains in t]
        assert found, f"no {contains!r} in the teacher channel"
        return found[-1]

    async def restart(self) -> None:
        await self.d.stop()
        await self.d.start()

    # ---- a guest author, in their DM with the bot ----

    def identity(self, who: str) -> list[str]:
        """How a student can be named: display name, username and account id."""
        user = self.students[who]
        return [user["global_name"], user["username"], user["id"]]

    async def invite_author(self, name: str, book: str) -> str:
        """The teacher runs /author invite in the class; the code, from the teacher channel."""
        told = await self.teacher("author invite", name=name, book=book)
        assert "code in the teacher room" in told, told
        code = re.search(r"RA-\w{4}-\w{4}", await self.teacher_channel_post("Invite code for"))
        assert code is not None
        return code.group(0)

    def _dm(self) -> dict[str, Any]:
        cid = next((c for c, u in self.w.dms.items() if u == self.author["id"]), None)
        if cid is None:
            cid = self.w.new_id()
            self.w.dms[cid] = self.author["id"]
        return {"id": cid, "type": 1, "recipients": [self.author]}

    async def _author_says(self, text: str, reply_to: str = "") -> None:
        dm = self._dm()
        extra = {"message_reference": {"message_id": reply_to, "channel_id": dm["id"]},
                 "type": 19} if reply_to else {}  # fmt: skip
        await self.d.feed("message_create", self.w.message(dm["id"], self.author, text, **extra))

    async def author_joins(self, code: str) -> str:
        """Jo Lee sends the code to the bot in a DM (a text command, as on Matrix)."""
        await self._author_says(f"!author join {code}")
        return await self.author_message("Welcome")

    async def author_message(self, contains: str) -> str:
        """The bot's latest DM to the author containing `contains` (replies go to it)."""
        found = [
            m for m in self.w.messages.values()
            if self.w.dms.get(m["channel_id"]) == self.author["id"]
            and m["author"]["id"] == self.w.bot["id"] and contains in m["content"]
        ]  # fmt: skip
        assert found, f"the author was never sent {contains!r}: {await self.author_saw()}"
        self._to_author = str(found[-1]["id"])
        return str(found[-1]["content"])

    async def author_replies(self, text: str) -> str:
        """The author replies to the message last seen with author_message; the bot's thanks."""
        await self._author_says(text, reply_to=self._to_author)
        return await self.author_message("Thank you!")

    async def author_saw(self) -> list[str]:
        """Everything the bot sent the author in their DM: texts and any embeds."""
        return [
            "\n".join([m["content"], *(str(e) for e in m.get("embeds") or [])])
            for m in self.w.messages.values()
            if self.w.dms.get(m["channel_id"]) == self.author["id"]
            and m["author"]["id"] == self.w.bot["id"]
        ]  # fmt: skip

    async def not_in_class(self, contains: str) -> bool:
        return not [p for p in self._posts() if contains in (p.get("content") or "")]
