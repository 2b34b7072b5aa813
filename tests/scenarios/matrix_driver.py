"""The classroom stories on Matrix: a real bot against a real Synapse, people with nio clients."""

from __future__ import annotations

import io
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from nio import (
    DownloadResponse,
    Event,
    RedactionEvent,
    RoomCreateError,
    RoomEncryptedImage,
    RoomMessageImage,
    UploadResponse,
)
from nio.crypto.attachments import decrypt_attachment

from bot.localserver import LocalHomeserver
from bot.platforms.matrix.crypto import ENCRYPTION_STATE
from tests.matrix.classroom import Classroom, body, make_classroom
from tests.matrix.people import Person, PersonFactory

NAMES = {"aroha": 0, "ben": 1}
REVIEWS = ("Held #", "Question #", "Answer #")  # a held message, a question, an answer


class MatrixDriver:
    """Acts and observes like the people in a Matrix class would."""

    name = "matrix"

    def __init__(
        self,
        synapse: LocalHomeserver,
        people: PersonFactory,
        tmp_path: Path,
        encrypted: bool = False,
    ) -> None:
        self._synapse, self._people, self._tmp = synapse, people, tmp_path
        self.encrypted = encrypted
        self.c: Classroom | None = None
        self._flags: dict[str, str] = {}
        self._thread = ""
        self._last_post = ""
        self._author: Person | None = None
        self._dm = ""  # the guest author's direct room with the bot
        self._to_author: list[Event] = []  # what the bot said to the author, seen so far

    @property
    def cls(self) -> Classroom:
        assert self.c is not None
        return self.c

    async def setup_class(self) -> str:
        self.c = await make_classroom(
            self._synapse, self._people, self._tmp, encrypted=self.encrypted
        )
        return "ok"

    async def close(self) -> None:
        if self.c is not None:
            for app in list(self.c.started):
                await app.stop()

    @staticmethod
    def _command(path: str, args: dict[str, Any]) -> str:
        parts = [f"!{path}"]
        for key, value in args.items():
            text = str(value)
            parts.append(f'{key}="{text}"' if " " in text else f"{key}={text}")
        return " ".join(parts)

    async def teacher(self, path: str, expect: str = "", **args: Any) -> str:
        reply = await self.cls.teacher_types(self._command(path, args), expect=expect)
        return body(reply)

    async def student_command(self, who: str, path: str, **args: Any) -> str:
        person = self.cls.students[NAMES[who]]
        await person.send(self.cls.room, self._command(path, args))

        def answer_to_them(room_id: str, ev: Any) -> bool:
            # an answer for them alone comes in their direct room with the bot
            elsewhere = room_id not in (self.cls.room, self.cls.teacher_room)
            return ev.sender == self.cls.bot and elsewhere and bool(body(ev))

        return body(await person.wait_for(answer_to_them))

    async def student_says(self, who: str, text: str) -> str:
        return await self.cls.students[NAMES[who]].send(self.cls.room, text)

    async def at(self, when: datetime) -> None:
        self.cls.clock.set(when)
        assert self.cls.app is not None
        await self.cls.app.scheduler.run_due()

    async def class_post(self, contains: str) -> str:
        return body(await self.cls.teacher.wait_for(self.cls.says(contains, self.cls.room)))

    async def hidden(self, message_id: str) -> bool:
        seen = await self.cls.teacher.wait_for(
            lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == message_id
        )
        return seen is not None

    async def notice_to(self, who: str, contains: str) -> str:
        person = self.cls.students[NAMES[who]]
        return body(await person.wait_for(self.cls.privately(contains)))

    async def review(self, contains: str) -> str:
        ev = await self.cls.teacher.wait_for(
            lambda rid, e: (
                rid == self.cls.teacher_room
                and e.sender == self.cls.bot
                and any(kind in body(e) for kind in REVIEWS)
                and contains in body(e)
            )
        )
        flag = re.search(r"#(\d+)", body(ev))
        assert flag is not None
        self._flags[ev.event_id] = flag.group(1)
        return str(ev.event_id)

    async def approve(self, review: str) -> None:
        await self.cls.teacher.react(self.cls.teacher_room, review, "✅")

    async def reject(self, review: str, reason: str) -> None:
        await self.cls.teacher_types(
            f"!mod reject {self._flags[review]} {reason}",
            room=self.cls.teacher_room,
            expect="❌ Rejected",
        )

    async def reposted(self, who: str, text: str) -> bool:
        shown = f"{who.title()} (student): {text}"
        seen = await self.cls.teacher.wait_for(self.cls.says(shown, self.cls.room))
        return body(seen) == shown

    async def trust(self, who: str) -> None:
        person = self.cls.students[NAMES[who]]
        await self.cls.teacher_types(f"!mod trust {person.user_id}", expect="trusted")

    async def session_thread(self) -> str:
        """The id of the latest session thread (its announcement)."""
        ev = await self.cls.teacher.wait_for(self.cls.says("Read-aloud time", self.cls.room))
        self._thread = str(ev.event_id)
        return self._thread

    async def says_in_thread(self, who: str, text: str) -> str:
        return await self.cls.students[NAMES[who]].send(self.cls.room, text, thread=self._thread)

    async def thread_post(self, contains: str) -> str:
        ev = await self.cls.teacher.wait_for(self.cls.says(contains, self.cls.room))
        relates = ev.source.get("content", {}).get("m.relates_to", {})
        assert relates.get("event_id") == self._thread, "posted in the session thread"
        self._last_post = str(ev.event_id)
        return body(ev)

    async def vote(self, who: str, option: int) -> None:
        """Vote on the poll last seen with thread_post (1-based option)."""
        keys = ("1️⃣", "2️⃣", "3️⃣", "4️⃣")
        await self.cls.students[NAMES[who]].react(self.cls.room, self._last_post, keys[option - 1])
        assert self.cls.app is not None
        await self.cls.idle()

    async def teacher_channel_post(self, contains: str) -> str:
        return body(await self.cls.teacher.wait_for(self.cls.says(contains, self.cls.teacher_room)))

    async def student_shares_picture(self, who: str, caption: str, name: str, data: bytes) -> str:
        """As Element sends one: uploaded encrypted in an encrypted room, the key in the event."""
        person = self.cls.students[NAMES[who]]
        resp, keys = await person.client.upload(
            lambda *_: io.BytesIO(data), content_type="image/png", filename=name,
            encrypt=self.encrypted, filesize=len(data),
        )  # fmt: skip
        assert isinstance(resp, UploadResponse), resp
        content: dict[str, Any] = {
            "msgtype": "m.image", "body": caption, "filename": name,
            "info": {"mimetype": "image/png", "size": len(data)},
        }  # fmt: skip
        if keys is not None:
            content["file"] = {**keys, "url": resp.content_uri}
        else:
            content["url"] = resp.content_uri
        return await person.send_event(self.cls.room, "m.room.message", content)

    async def _picture(self, person: Any, room: str) -> bytes:
        ev = await person.wait_for(
            lambda rid, e: rid == room and e.sender == self.cls.bot
            and isinstance(e, RoomMessageImage | RoomEncryptedImage)
        )  # fmt: skip
        if self.encrypted:
            assert isinstance(ev, RoomEncryptedImage), "an encrypted room gets an encrypted copy"
        got = await person.client.download(ev.url)
        assert isinstance(got, DownloadResponse), got
        if isinstance(ev, RoomEncryptedImage):
            return bytes(decrypt_attachment(got.body, ev.key["k"], ev.hashes["sha256"], ev.iv))
        return bytes(got.body)

    async def picture_with_review(self, review: str) -> bytes:
        return await self._picture(self.cls.teacher, self.cls.teacher_room)

    async def reposted_picture(self, who: str) -> bytes:
        return await self._picture(self.cls.students[NAMES[who]], self.cls.room)

    async def restart(self) -> None:
        await self.cls.stop_bot()
        await self.cls.start_bot()

    # ---- a guest author, in their direct room with the bot ----

    def identity(self, who: str) -> list[str]:
        """How a student can be named: display name, account id and its localpart."""
        person = self.cls.students[NAMES[who]]
        return [who.title(), person.user_id, person.user_id[1:].split(":")[0]]

    async def invite_author(self, name: str, book: str) -> str:
        """The teacher types the invite in the class room; the code, from the teacher room."""
        await self.teacher("author invite", name=name, book=book, expect="one-time invite code")
        code = re.search(r"RA-\w{4}-\w{4}", await self.teacher_channel_post("Invite code for"))
        assert code is not None
        return code.group(0)

    async def author_joins(self, code: str) -> str:
        """Jo Lee opens a direct room with the bot (encrypted, as Element makes one, when
        the class is) and sends the code; the bot's welcome."""
        author = self._author = await self._people("jo", "Jo Lee")
        state = [dict(ENCRYPTION_STATE)] if self.encrypted else []
        made = await author.client.room_create(
            is_direct=True, invite=[self.cls.bot], initial_state=state
        )
        assert not isinstance(made, RoomCreateError), made
        self._dm = made.room_id
        bot = self.cls.bot

        def bot_joined(room_id: str, ev: Event) -> bool:
            return getattr(ev, "membership", "") == "join" and getattr(ev, "state_key", "") == bot

        await author.wait_for(bot_joined, 30, self._dm)
        assert author.client.rooms[self._dm].encrypted == self.encrypted
        await author.send(self._dm, f"!author join {code}")
        return await self.author_message("Welcome")

    async def author_message(self, contains: str) -> str:
        """The bot's next message to the author containing `contains` (replies go to it)."""
        assert self._author is not None
        ev = await self._author.wait_for(self.cls.says(contains, self._dm), 30)
        if self.encrypted:
            assert getattr(ev, "decrypted", False), f"{body(ev)!r} was sent unencrypted"
        self._to_author.append(ev)
        return body(ev)

    async def author_replies(self, text: str) -> str:
        """The author replies to the message last seen with author_message; the bot's thanks."""
        assert self._author is not None
        content: dict[str, Any] = {
            "msgtype": "m.text",
            "body": text,
            "m.relates_to": {"m.in_reply_to": {"event_id": self._to_author[-1].event_id}},
        }
        await self._author.send_event(self._dm, "m.room.message", content)
        return await self.author_message("Thank you!")

    async def author_saw(self) -> list[str]:
        """Everything the bot said to the author so far."""
        assert self._author is not None
        await self.cls.idle()
        rest = await self._author.seen_now(self._dm)
        return [body(e) for e in [*self._to_author, *rest] if e.sender == self.cls.bot]

    async def not_in_class(self, contains: str) -> bool:
        """Once the bot is idle, nothing with `contains` was posted in the class (as Ben
        sees it: his view of the class is used up)."""
        await self.cls.idle()
        seen = await self.cls.students[NAMES["ben"]].seen_now(self.cls.room)
        return not [e for e in seen if contains in body(e)]
