"""One way per Chat implementation to act as the people around the bot and to see what
they see: the recording chat (here), the Matrix adapter on real Synapse
(matrix_contract.py), and the Discord adapter through discord.py's own parsing and
request building with Discord's servers faked (discord_contract.py).

A contract test calls the adapter through `chat` and asks the driver what a person
in the class would see; nothing here calls the adapter for the test.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any, Protocol

from bot.core.errors import Forbidden, Unavailable
from bot.core.model import ChannelRef, MessageRef, Platform, UserRef
from bot.core.ports import Chat
from tests.recording_chat import RecordingChat


class ContractChat(Protocol):
    """A Chat under test, a class around it (teacher, two students, a class channel and a
    teacher-only channel), and the platform-side view of it."""

    chat: Chat
    room: ChannelRef
    teacher_room: ChannelRef
    teacher: UserRef
    student: UserRef
    classmate: UserRef
    locks_threads: bool  # the contract: close_thread locks the thread on this platform

    async def student_says(self, text: str) -> MessageRef:
        """The student posts in the class channel."""
        ...

    async def student_deletes(self, message: MessageRef) -> None:
        """The student removes their own message."""
        ...

    async def texts(self, channel: ChannelRef) -> list[str]:
        """What people in the channel (or exactly that thread) can read, oldest first."""
        ...

    async def inbox(self, user: UserRef) -> list[str]:
        """What the bot wrote where only this person (and the bot) can read it."""
        ...

    async def controls(self, message: MessageRef) -> set[str]:
        """The decision controls a teacher can tap under a message ("approve", ...)."""
        ...

    async def poll(self, message: MessageRef) -> tuple[str, list[str]]:
        """The question and the options a student can vote for."""
        ...

    async def shown_as(self, message: MessageRef) -> str:
        """The message as a reader sees it: the sender's name as shown, and the text."""
        ...

    async def thread_locked(self, thread: ChannelRef) -> bool:
        """Can students no longer reply in the thread?"""
        ...

    async def forbid_removing(self) -> None:
        """The bot loses the right to remove people's messages in the class channel."""
        ...

    async def forbid_posting(self) -> None:
        """The bot loses the right to post in the class channel."""
        ...

    def outage(self) -> contextlib.AbstractAsyncContextManager[None]:
        """While inside: the platform cannot be reached / answers with server errors."""
        ...

    async def synced(self) -> None:
        """The bot has taken in what the platform told it (new channels, members)."""
        ...


# ---- the recording chat ----


class RecordingContract:
    """The in-memory chat, simulating the platform's answers."""

    locks_threads = False  # it closes threads as Matrix does

    def __init__(self) -> None:
        self.teacher = UserRef(Platform.MATRIX, "@rivera:school", "Ms Rivera")
        self.student = UserRef(Platform.MATRIX, "@ana:school", "Ana")
        self.classmate = UserRef(Platform.MATRIX, "@ben:school", "Ben")
        self.recording = RecordingChat([self.teacher])
        self.chat: Chat = self.recording
        self.room = ChannelRef(Platform.MATRIX, "!class7b")
        self.teacher_room = ChannelRef(Platform.MATRIX, "!teachers7b")
        self.recording.problems[self.room.id] = "Students are in that room (Ana, Ben)."

    async def student_says(self, text: str) -> MessageRef:
        return self.recording.person_says(self.room, self.student, text)

    async def student_deletes(self, message: MessageRef) -> None:
        self.recording.gone.add(message.id)

    async def texts(self, channel: ChannelRef) -> list[str]:
        return [p.text for p in self.recording.visible(channel)]

    async def inbox(self, user: UserRef) -> list[str]:
        told = [p for p in self.recording.posts if p.action in ("tell", "dm")]
        return [p.text for p in told if p.to == user.id]

    def _posted(self, message: MessageRef) -> Any:
        return next(p for p in self.recording.posts if p.id == message.id)

    async def controls(self, message: MessageRef) -> set[str]:
        posted = self._posted(message)
        return set(posted.options) if posted.action == "review" else set()

    async def poll(self, message: MessageRef) -> tuple[str, list[str]]:
        posted = self._posted(message)
        return posted.text, list(posted.options)

    async def shown_as(self, message: MessageRef) -> str:
        posted = self._posted(message)
        return f"{posted.name or 'readaloud'}: {posted.text}"

    async def thread_locked(self, thread: ChannelRef) -> bool:
        return False

    async def forbid_removing(self) -> None:
        self.recording.refuse("hide", Forbidden("M_FORBIDDEN: the bot needs power level 50"))

    async def forbid_posting(self) -> None:
        self.recording.refuse("send", Forbidden("M_FORBIDDEN: the bot may not post here"))

    @contextlib.asynccontextmanager
    async def outage(self) -> AsyncIterator[None]:
        self.recording.refuse("*", Unavailable("502 Bad Gateway"))
        try:
            yield
        finally:
            self.recording.refuse("*", None)

    async def synced(self) -> None:
        pass
