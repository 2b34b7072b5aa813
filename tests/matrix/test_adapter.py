"""The Matrix adapter against a real Synapse: inbound events, commands, sends, restarts."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from nio import (
    MessageDirection,
    ReactionEvent,
    RedactionEvent,
    RoomMemberEvent,
    RoomMessageNotice,
    RoomMessagesResponse,
    RoomMessageText,
    RoomPutStateError,
)

from bot.config import MatrixSettings
from bot.core.commands import Command, Invocation, Kind, Param, Registry, Reply
from bot.core.dispatch import Dispatcher
from bot.core.events import (
    Decided,
    Event,
    FileUploaded,
    MessagePosted,
    PollVoted,
    ReactionAdded,
    Request,
)
from bot.core.model import ChannelRef, MessageRef, Outgoing, Platform, Role, UserRef
from bot.core.ports import Chat
from bot.db.session import make_engine, make_sessionmaker, upgrade
from bot.localserver import Account, LocalHomeserver, free_port
from bot.platforms.matrix import MatrixChat
from bot.platforms.matrix import client as matrix_client
from tests.matrix.people import Person, PersonFactory, unique
from tests.migrated import sqlite_at_head

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


# ---- a tiny feature set: a few commands and an event recorder ----


async def _echo(inv: Invocation) -> Reply:
    return Reply(f"echo: {inv.args['text']}")


async def _secret(inv: Invocation) -> Reply:
    return Reply("teacher ok")


async def _poke(inv: Invocation) -> Reply:
    return Reply(f"poked {inv.args['who'].id} ({inv.args['who'].name})")


REGISTRY = Registry(
    [
        Command(("echo",), "say it back", Role.STUDENT, _echo, (Param("text", Kind.TEXT, "it"),)),
        Command(("secret",), "teachers only", Role.TEACHER, _secret),
        Command(("poke",), "poke someone", Role.STUDENT, _poke, (Param("who", Kind.USER, "who"),)),
    ]
)


@dataclass
class Recorder:
    """Every neutral event the adapter dispatched, in order."""

    events: list[Event | Request] = field(default_factory=list)
    read: list[str] = field(default_factory=list)  # what each upload offered to it held

    async def __call__(self, chat: Chat, event: Event) -> None:
        self.events.append(event)

    async def answer(self, chat: Chat, request: Request) -> Reply | None:
        """Takes every uploaded file whose name ends in .txt (and reads it); nothing else."""
        self.events.append(request)
        if isinstance(request, FileUploaded) and request.name.endswith(".txt"):
            self.read.append((await request.read()).text)
            return Reply(f"read {request.name}")
        return None

    async def wait(self, kind: type, count: int = 1, timeout: float = 15.0) -> list[Any]:
        deadline = time.monotonic() + timeout
        while True:
            found = [e for e in self.events if isinstance(e, kind)]
            if len(found) >= count or time.monotonic() > deadline:
                return found
            await asyncio.sleep(0.05)


@dataclass
class Bot:
    chat: MatrixChat
    recorder: Recorder
    account: Account


BotFactory = Callable[..., Awaitable[Bot]]


@pytest_asyncio.fixture(loop_scope="session")
async def bots(synapse: LocalHomeserver, tmp_path: Path) -> AsyncIterator[BotFactory]:
    """`await bots(account=None, db="bot", password=False)` → a started bot (stopped at the end)."""
    started: list[MatrixChat] = []
    engines = {}

    async def start(account: Account | None = None, db: str = "bot", password: bool = False) -> Bot:
        account = account or await synapse.register(unique("readaloud"), "password")
        if db not in engines:
            engines[db] = make_engine(sqlite_at_head(tmp_path / f"{db}.db"))
            await upgrade(engines[db])
        recorder = Recorder()
        dispatcher = Dispatcher(REGISTRY)
        dispatcher.on_event(recorder)
        dispatcher.on_request(recorder.answer)
        settings = MatrixSettings(
            homeserver=synapse.base_url,
            user_id=account.user_id,
            device_id=account.device_id,
            encrypt_rooms=False,  # the people here read plain rooms only
        )
        chat = MatrixChat(
            settings,
            access_token="" if password else account.access_token,
            password="password" if password else "",
            store_path=tmp_path / "crypto",  # one per account and device inside
            sessionmaker=make_sessionmaker(engines[db]),
            dispatcher=dispatcher,
            registry=REGISTRY,
        )
        await chat.start()
        started.append(chat)
        return Bot(chat, recorder, account)

    yield start
    for chat in started:
        await chat.stop()
    for engine in engines.values():
        await engine.dispose()


async def classroom(
    people: PersonFactory, bot_id: str, students: list[str], **room: Any
) -> tuple[str, Person, list[Person]]:
    """A teacher's room with the bot (auto-joined) and students in it."""
    teacher = await people("teacher", "Ms Tui")
    kids = list(await asyncio.gather(*(people(name) for name in students)))
    room_id = await teacher.create_room(invite=[bot_id, *(k.user_id for k in kids)], **room)
    await asyncio.gather(*(k.join(room_id) for k in kids))
    await teacher.wait_for(
        lambda _, ev: (
            isinstance(ev, RoomMemberEvent) and ev.state_key == bot_id and ev.membership == "join"
        ),
        room_id=room_id,
    )
    await teacher.set_power(room_id, bot_id, 50)  # moderator: may redact
    return room_id, teacher, kids


def bot_notice(bot: Bot, thread: str | None = None) -> Callable[[str, Any], bool]:
    def match(_: str, ev: Any) -> bool:
        if not isinstance(ev, RoomMessageNotice) or ev.sender != bot.account.user_id:
            return False
        rel = ev.source["content"].get("m.relates_to", {})
        return (
            rel.get("event_id") == thread if thread else "m.relates_to" not in ev.source["content"]
        )

    return match


# ---- inbound ----


async def test_plain_messages_arrive_with_thread_and_role(bots: BotFactory, people: Any) -> None:
    bot = await bots()  # started before the invite exists: joins it from the sync
    room, teacher, (ana,) = await classroom(people, bot.account.user_id, ["ana"])
    root = await ana.send(room, "hello class")
    in_thread = await ana.send(room, "what a chapter", thread=root)
    await teacher.send(room, "welcome!")

    got = await bot.recorder.wait(MessagePosted, 3)
    assert [e.text for e in got] == ["hello class", "what a chapter", "welcome!"]
    assert got[0].message == MessageRef(ChannelRef(Platform.MATRIX, room), root)
    assert got[1].message == MessageRef(ChannelRef(Platform.MATRIX, room, root), in_thread)
    assert got[0].actor.user == UserRef(Platform.MATRIX, ana.user_id, "Ana")
    assert got[0].actor.role is Role.STUDENT
    assert got[2].actor.role is Role.TEACHER  # room creator (room version 12)


async def test_reaction_arrives(bots: BotFactory, people: Any) -> None:
    bot = await bots()
    room, _, (ana,) = await classroom(people, bot.account.user_id, ["ana"])
    target = await ana.send(room, "vote for me")
    await ana.react(room, target, "🐭")  # neither a number nor a decision: itself
    (reaction,) = await bot.recorder.wait(ReactionAdded)
    assert reaction.target == MessageRef(ChannelRef(Platform.MATRIX, room), target)
    assert reaction.key == "🐭" and reaction.actor.user.id == ana.user_id


# ---- commands ----


async def test_commands_reply_in_thread_with_roles(bots: BotFactory, people: Any) -> None:
    bot = await bots()
    room, teacher, (ana, tess) = await classroom(people, bot.account.user_id, ["ana", "tess"])
    await teacher.set_power(room, tess.user_id, 50)
    root = await teacher.send(room, "Chapter 1")

    await tess.send(room, "!secret", thread=root)
    reply = await ana.wait_for(bot_notice(bot, root), room_id=room)
    assert reply.body == "teacher ok"

    await ana.send(room, "!secret", thread=root)
    # a refusal is for her alone: in her direct room with the bot, never in the class
    refused = await ana.wait_for(lambda rid, ev: rid != room and bot_notice(bot)(rid, ev))
    assert "Only your teacher can use !secret" in refused.body
    await bot.chat.wait_idle()
    in_class = [getattr(e, "body", "") for e in await ana.seen_now(room)]
    assert not [b for b in in_class if "Only your teacher" in b]

    await ana.send(room, "!poke Tess")
    reply = await ana.wait_for(bot_notice(bot), room_id=room)
    assert reply.body == f"poked {tess.user_id} (Tess)"

    await ana.send(room, "!foo bar")  # no such command: an ordinary message, screened as one
    await bot.chat.wait_idle()
    posted = [e.text for e in bot.recorder.events if isinstance(e, MessagePosted)]
    assert posted == ["Chapter 1", "!foo bar"]  # commands are not plain messages


# ---- outbound ----


async def test_hide_redacts(bots: BotFactory, people: Any) -> None:
    bot = await bots()
    room, teacher, (ana,) = await classroom(people, bot.account.user_id, ["ana"])
    bad = await ana.send(room, "something unkind")
    (posted,) = await bot.recorder.wait(MessagePosted)
    await bot.chat.hide(posted.message, "held for the teacher")
    redaction = await teacher.wait_for(lambda _, ev: isinstance(ev, RedactionEvent), room_id=room)
    assert redaction.redacts == bad


async def test_same_key_posts_once_across_a_crash(
    bots: BotFactory, people: Any, synapse: LocalHomeserver
) -> None:
    first = await bots()
    room, teacher, _ = await classroom(people, first.account.user_id, [])
    channel = ChannelRef(Platform.MATRIX, room)
    out = Outgoing("Chapter 3 starts now", key=unique("session-3"))
    sent = await first.chat.send(channel, out)
    await first.chat.stop()  # "crash"; the new process logs in by password, same device id
    second = await bots(account=first.account, db="second", password=True)
    again = await second.chat.send(channel, out)
    assert again.id == sent.id

    resp = await teacher.client.room_messages(room, limit=50, direction=MessageDirection.back)
    assert isinstance(resp, RoomMessagesResponse)
    bodies = [ev.body for ev in resp.chunk if isinstance(ev, RoomMessageNotice)]
    assert bodies.count("Chapter 3 starts now") == 1


async def test_ask_decision_and_teacher_room(bots: BotFactory, people: Any) -> None:
    bot = await bots()
    room, teacher, (tess,) = await classroom(people, bot.account.user_id, ["tess"])
    await teacher.set_power(room, tess.user_id, 50)
    await bot.chat.wait_idle()
    found = await bot.chat.teachers(ChannelRef(Platform.MATRIX, room))
    assert {u.id for u in found} == {teacher.user_id, tess.user_id}

    private = await bot.chat.create_teacher_channel(
        ChannelRef(Platform.MATRIX, room), "Class 4 teachers", found
    )
    await teacher.join(private.id)
    flag = await bot.chat.ask_decision(private, 7, Outgoing("Ana wrote: …", key=unique("flag")))
    text = await teacher.wait_for(lambda _, ev: isinstance(ev, RoomMessageText), room_id=private.id)
    assert text.event_id == flag.id
    keys = set()
    while len(keys) < 2:
        ev = await teacher.wait_for(lambda _, e: isinstance(e, ReactionEvent), room_id=private.id)
        keys.add(ev.key)
    assert keys == {"✅", "❌"}
    levels = await teacher.client.room_get_state_event(private.id, "m.room.power_levels")
    assert levels.content["users"][tess.user_id] == 50


async def test_poll_gets_numbered_reactions_and_votes_arrive(bots: BotFactory, people: Any) -> None:
    bot = await bots()
    room, _, (ana,) = await classroom(people, bot.account.user_id, ["ana"])
    channel = ChannelRef(Platform.MATRIX, room)
    out = Outgoing("Who is the bravest mouse?", key=unique("poll"))
    poll = await bot.chat.send_poll(channel, out.text, ["Pip", "Moss", "Tansy"], out)
    text = await ana.wait_for(bot_notice(bot), room_id=room)
    assert text.event_id == poll.id and text.body.splitlines()[1:] == [
        "1️⃣ Pip",
        "2️⃣ Moss",
        "3️⃣ Tansy",
    ]
    keys = [
        (await ana.wait_for(lambda _, e: isinstance(e, ReactionEvent), room_id=room)).key
        for _ in range(3)
    ]
    assert keys == ["1️⃣", "2️⃣", "3️⃣"]
    await ana.react(room, poll.id, "2️⃣")
    (vote,) = await bot.recorder.wait(PollVoted)
    assert vote.target == poll and vote.option == 1  # the bot's own reactions are not votes
    assert vote.actor.user.id == ana.user_id
    assert not [e for e in bot.recorder.events if isinstance(e, ReactionAdded)]


async def test_a_tick_or_cross_reaction_arrives_as_a_decision(
    bots: BotFactory, people: Any
) -> None:
    bot = await bots()
    room, teacher, (ana,) = await classroom(people, bot.account.user_id, ["ana"])
    channel = ChannelRef(Platform.MATRIX, room)
    review = await bot.chat.ask_decision(channel, 7, Outgoing("Flag #7", key=unique("review")))
    await teacher.react(room, review.id, "❌")
    await ana.react(room, review.id, "👍")
    cross, thumb = await bot.recorder.wait(Decided, 2)
    assert (cross.review, cross.channel, cross.approve, cross.item) == (
        review,
        channel,
        False,
        None,
    )
    assert cross.actor.user.id == teacher.user_id and cross.actor.role is Role.TEACHER
    assert thumb.approve and thumb.actor.user.id == ana.user_id  # the feature tells them apart
    assert not [e for e in bot.recorder.events if isinstance(e, ReactionAdded)]


async def _upload(person: Person, room: str, name: str, data: bytes) -> str:
    import io

    from nio import UploadResponse

    resp, _ = await person.client.upload(
        lambda *_: io.BytesIO(data), content_type="text/plain", filename=name, filesize=len(data)
    )
    assert isinstance(resp, UploadResponse), resp
    content = {"msgtype": "m.file", "body": name, "url": resp.content_uri}
    return await person.send_event(room, "m.room.message", content)


async def test_a_teachers_upload_is_offered_to_the_features_and_a_students_is_a_message(
    bots: BotFactory, people: Any
) -> None:
    bot = await bots()
    room, teacher, (ana,) = await classroom(people, bot.account.user_id, ["ana"])
    notes = await _upload(teacher, room, "notes.txt", b"chapter one, slowly")
    answer = await teacher.wait_for(bot_notice(bot), room_id=room)
    assert answer.body == "read notes.txt"
    (offered,) = await bot.recorder.wait(FileUploaded)
    assert offered.message == MessageRef(ChannelRef(Platform.MATRIX, room), notes)
    assert (offered.name, offered.media.kind, offered.actor.role) == (
        "notes.txt",
        "file",
        Role.TEACHER,
    )
    assert bot.recorder.read == ["chapter one, slowly"]

    picture = await _upload(teacher, room, "map.pdf", b"%PDF")  # not taken: a message
    drawing = await _upload(ana, room, "drawing.txt", b"for the class")  # a student's: a message
    posted = await bot.recorder.wait(MessagePosted, 2)
    assert [(p.message.id, p.media[0].kind, p.media[0].name) for p in posted] == [
        (picture, "file", "map.pdf"),
        (drawing, "file", "drawing.txt"),
    ]
    assert [e.name for e in bot.recorder.events if isinstance(e, FileUploaded)] == [
        "notes.txt",
        "map.pdf",
    ], "a student's file is never offered: it is screened as a message"


# ---- never lose, never repeat ----


async def test_burst_of_200_from_8_students_all_arrive(
    bots: BotFactory, people: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # nio's default of 10 events per sync (TESTING.md: 167 of 200 lost) and a sync loop
    # slowed down so that every sync finds more than 10 new events: only the back-fill of
    # limited timelines can deliver them all.
    monkeypatch.setattr(matrix_client, "SYNC_FILTER", {"room": {"timeline": {"limit": 10}}})
    caplog.set_level(logging.DEBUG, matrix_client.__name__)
    bot = await bots()
    names = [f"kid{i}" for i in range(8)]
    room, _, kids = await classroom(people, bot.account.user_id, names)
    fast_sync = bot.chat.client.sync

    async def slow_sync(*args: Any, **kwargs: Any) -> Any:
        await asyncio.sleep(0.4)
        return await fast_sync(*args, **kwargs)

    monkeypatch.setattr(bot.chat.client, "sync", slow_sync)

    async def chatter(kid: Person) -> list[str]:
        return [await kid.send(room, f"{kid.user_id} says {n}") for n in range(25)]

    sent = [eid for ids in await asyncio.gather(*map(chatter, kids)) for eid in ids]
    got = await bot.recorder.wait(MessagePosted, 200, timeout=40)
    assert sorted(e.message.id for e in got) == sorted(sent)
    backfilled = [r for r in caplog.records if r.getMessage().startswith("back-filled")]
    assert sum(int(r.getMessage().split()[1]) for r in backfilled) > 0


async def test_restart_resumes_without_repeats(bots: BotFactory, people: Any) -> None:
    first = await bots(db="restart")
    room, _, (ana, ben) = await classroom(people, first.account.user_id, ["ana", "ben"])
    await ana.send(room, "before")
    await first.recorder.wait(MessagePosted)
    await first.chat.wait_idle()
    await first.chat.stop()

    async def chatter(kid: Person) -> None:
        for n in range(60):  # 120 > the 100-event timeline limit: needs back-fill
            await kid.send(room, f"while down {n}")

    await asyncio.gather(chatter(ana), chatter(ben))
    second = await bots(account=first.account, db="restart")
    got = await second.recorder.wait(MessagePosted, 120)
    await second.chat.wait_idle()
    texts = [e.text for e in second.recorder.events if isinstance(e, MessagePosted)]
    assert len(texts) == 120 and "before" not in texts
    assert got[0].actor.user.name in ("Ana", "Ben")  # member names known after a restart


async def test_first_start_ignores_old_history(bots: BotFactory, people: Any) -> None:
    first = await bots(db="old")
    room, _, (ana,) = await classroom(people, first.account.user_id, ["ana"])
    await first.chat.stop()
    await ana.send(room, "old news")
    fresh = await bots(account=first.account, db="fresh-db")
    await fresh.chat.wait_idle()
    await ana.send(room, "new")
    got = await fresh.recorder.wait(MessagePosted)
    assert [e.text for e in got] == ["new"]


# ---- edges ----


async def test_an_encrypted_room_is_read_and_answered_encrypted(
    bots: BotFactory, e2e_people: Any
) -> None:
    bot = await bots()
    room, teacher, _ = await classroom(e2e_people, bot.account.user_id, ["ana"], encrypted=True)
    await teacher.send(room, "hello from a locked room")
    (posted,) = await bot.recorder.wait(MessagePosted)
    assert posted.text == "hello from a locked room"

    await bot.chat.send(ChannelRef(Platform.MATRIX, room), Outgoing("hello back", key="e2e:1"))
    seen = await teacher.wait_for(lambda _, ev: getattr(ev, "body", "") == "hello back")
    assert (
        seen.decrypted and seen.source["type"] == "m.room.message"
    )  # decrypted from m.room.encrypted


async def test_a_room_that_turns_encryption_on_later_keeps_working(
    bots: BotFactory, e2e_people: Any
) -> None:
    bot = await bots()
    room, teacher, _ = await classroom(e2e_people, bot.account.user_id, ["ana"])
    await teacher.send(room, "plain first")
    assert len(await bot.recorder.wait(MessagePosted)) == 1
    resp = await teacher.client.room_put_state(
        room, "m.room.encryption", {"algorithm": "m.megolm.v1.aes-sha2"}
    )
    assert not isinstance(resp, RoomPutStateError), resp
    await bot.chat.wait_idle()
    await teacher.send(room, "now it is locked")
    posted = (await bot.recorder.wait(MessagePosted, count=2))[-1]
    assert posted.text == "now it is locked"
    assert teacher.client.rooms[room].encrypted
    await bot.chat.send(ChannelRef(Platform.MATRIX, room), Outgoing("still here", key="e2e:2"))
    seen = await teacher.wait_for(lambda _, ev: getattr(ev, "body", "") == "still here")
    assert seen.decrypted


async def test_unreachable_homeserver_is_retried(caplog: pytest.LogCaptureFixture) -> None:
    settings = MatrixSettings(homeserver=f"http://127.0.0.1:{free_port()}", user_id="@x:localhost")
    chat = MatrixChat(
        settings,
        access_token="token",
        sessionmaker=None,  # type: ignore[arg-type]
        dispatcher=Dispatcher(REGISTRY),
        registry=REGISTRY,
        max_wait=0.1,
    )
    caplog.set_level(logging.WARNING, "bot.platforms.matrix")
    task = asyncio.create_task(chat.start())
    await asyncio.sleep(0.6)
    assert not task.done()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    retries = [r for r in caplog.records if "connecting to" in r.getMessage()]
    assert len(retries) >= 3
