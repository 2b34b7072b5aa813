"""Encrypted class rooms, the way Element makes them: the bot is a full member (its own
device and keys, kept across restarts), and what it cannot decrypt is never left unchecked."""

from __future__ import annotations

import io
import logging
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from nio import (
    DevicesResponse,
    DownloadResponse,
    RedactionEvent,
    RoomCreateError,
    RoomEncryptedImage,
    RoomSendResponse,
    UploadResponse,
)
from nio.api import Api
from nio.crypto.attachments import decrypt_attachment

from bot.localserver import LocalHomeserver
from bot.platforms.matrix.crypto import ENCRYPTION_STATE
from tests.matrix.classroom import Classroom, body, make_classroom
from tests.matrix.people import Person, PersonFactory
from tests.matrix.test_authors_matrix import invite_code, start_session
from tests.matrix.test_classroom_stories import (
    test_a_restart_at_the_scheduled_time_posts_exactly_once as scheduled_restart_story,
)

pytestmark = [pytest.mark.synapse, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session")
async def locked(
    synapse: LocalHomeserver, e2e_people: PersonFactory, tmp_path: Path
) -> AsyncIterator[Classroom]:
    """A set-up class whose class room and teacher room are encrypted, everyone E2E."""
    cls = await make_classroom(synapse, e2e_people, tmp_path, encrypted=True)
    yield cls
    for app in list(cls.started):
        await app.stop()


async def bot_keys(person: Person, bot: str) -> dict[str, str]:
    """The bot's devices and their signing keys, as a member's client knows them now."""
    await person.client.keys_query() if person.client.should_query_keys else None
    return {d.id: d.ed25519 for d in person.client.device_store.active_user_devices(bot)}


async def test_after_a_restart_the_bot_reads_new_messages_as_the_same_device(
    locked: Classroom,
) -> None:
    aroha = locked.students[0]
    await aroha.send(locked.room, "before the restart")
    await locked.teacher.wait_for(locked.says("before the restart", locked.teacher_room))
    before = await bot_keys(aroha, locked.bot)

    await locked.stop_bot()
    await locked.start_bot()

    await aroha.send(locked.room, "after the restart")  # nobody verified anything again
    # its review (or the edit adding it to the one before) shows the words: it read them
    review = await locked.teacher.wait_for(locked.says("after the restart", locked.teacher_room))
    assert "Aroha" in body(review)
    await aroha.seen_now_everywhere()
    assert await bot_keys(aroha, locked.bot) == before  # one device, the same keys
    assert list(before) == [locked.bot_account.device_id]
    store = Path(locked.crypto_store)  # as secret as the access token: the bot's user alone
    assert store.stat().st_mode & 0o777 == 0o700
    modes = {f.name: f.stat().st_mode & 0o777 for f in store.iterdir()}
    assert modes and set(modes.values()) == {0o600}, modes


async def test_an_encrypted_restart_at_the_scheduled_time_posts_exactly_once(
    locked: Classroom,
) -> None:
    await scheduled_restart_story(locked)


async def withhold_keys(person: Person, room_id: str) -> None:
    """Their client encrypts with a new room key and tells nobody (a broken or offline
    device, or one that never got the bot's keys)."""
    olm = person.client.olm
    assert olm is not None
    await person.seen_now_everywhere()  # (a member event after this would renew the key)
    olm.create_outbound_group_session(room_id)
    olm.outbound_group_sessions[room_id].shared = True


async def test_a_restart_within_the_grace_period_still_removes_the_unreadable_message(
    locked: Classroom,
) -> None:
    locked.grace = 600.0  # the wait could never end by itself during this test
    await locked.stop_bot()
    await locked.start_bot()
    ben = locked.students[1]
    await withhold_keys(ben, locked.room)
    said = await ben.send(locked.room, "a locked message")
    await locked.idle()  # the bot has it and waits for its key
    await locked.stop_bot()  # before the grace period is over
    await locked.teacher.wait_for(
        lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said
    )
    await locked.teacher.wait_for(locked.says("without the key", locked.teacher_room))
    await locked.start_bot()


async def test_a_bot_killed_while_a_message_waits_for_its_key_removes_it_after_the_restart(
    locked: Classroom,
) -> None:
    locked.grace = 600.0
    await locked.stop_bot()
    await locked.start_bot()
    ben = locked.students[1]
    await withhold_keys(ben, locked.room)
    said = await ben.send(locked.room, "locked before a kill")
    await locked.idle()  # the bot has it and waits for its key; the sync is past it
    assert locked.chat._inbound is not None
    waiting = locked.chat._inbound.undecryptable
    assert said in waiting._pending
    # as a kill -9 would: the wait ends with nothing settled (a stop would settle it)
    for task in list(waiting._waiting.values()):
        task.cancel()
    waiting._pending.clear()
    await locked.stop_bot()
    locked.grace = 1.0
    await locked.start_bot()
    await locked.teacher.wait_for(
        lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said, timeout=20
    )
    await locked.teacher.wait_for(locked.says("without the key", locked.teacher_room))
    await ben.wait_for(locked.privately("send it again"))


async def test_a_message_whose_key_is_withheld_is_removed_and_both_are_told(
    locked: Classroom,
) -> None:
    ben = locked.students[1]
    await withhold_keys(ben, locked.room)
    sent_at = time.monotonic()
    said = await ben.send(locked.room, "you can't read this")
    await locked.teacher.wait_for(
        lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said, timeout=20
    )
    took = time.monotonic() - sent_at
    assert took < locked.grace + 5, f"removed after {took:.1f} s"
    note = await locked.teacher.wait_for(locked.says("without the key", locked.teacher_room))
    assert "Ben" in body(note)
    told = await ben.wait_for(locked.privately("send it again"))
    assert "couldn't open your last message" in body(told)


async def test_garbage_ciphertext_from_a_students_device_is_ignored_and_logged(
    locked: Classroom, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "bot.platforms.matrix")
    aroha = locked.students[0]
    await aroha.send(locked.room, "a real message first")  # the bot now holds her session
    await locked.teacher.wait_for(locked.says("a real message first", locked.teacher_room))
    olm = aroha.client.olm
    assert olm is not None
    content: dict[str, Any] = {
        "algorithm": "m.megolm.v1.aes-sha2",
        "sender_key": olm.account.identity_keys["curve25519"],
        "session_id": olm.outbound_group_sessions[locked.room].id,
        "device_id": aroha.client.device_id,
        "ciphertext": "AwgAEnACgAkLmt6qF84IK++J7UDH2Za1YVchHyprqTqsg2yyOwAtHaZTwyNg",
    }
    method, path, data = Api.room_send(
        aroha.client.access_token, locked.room, "m.room.encrypted", content, uuid.uuid4()
    )
    sent = await aroha.client._send(RoomSendResponse, method, path, data, (locked.room,))
    assert isinstance(sent, RoomSendResponse), sent
    await locked.idle()

    assert any(
        sent.event_id in r.getMessage() and "does not decrypt" in r.getMessage()
        for r in caplog.records
    )
    later = await locked.teacher.collect(locked.room, locked.grace + 1)
    assert not [
        ev for ev in later if isinstance(ev, RedactionEvent) and ev.redacts == sent.event_id
    ]
    assert locked.app is not None and locked.chat.reset is None


async def send_picture(person: Person, room_id: str, data: bytes) -> str:
    """Like Element in an encrypted room: the file uploaded encrypted, its key in the event."""
    resp, keys = await person.client.upload(
        lambda *_: io.BytesIO(data), content_type="image/png", filename="owl.png", encrypt=True,
        filesize=len(data),
    )  # fmt: skip
    assert isinstance(resp, UploadResponse) and keys is not None, resp
    content = {
        "msgtype": "m.image",
        "body": "owl.png",
        "info": {"mimetype": "image/png", "size": len(data)},
        "file": {**keys, "url": resp.content_uri},
    }
    return await person.send_event(room_id, "m.room.message", content)


async def opened(person: Person, ev: Any) -> bytes:
    """What a member's client shows of an encrypted picture: downloaded and decrypted."""
    assert isinstance(ev, RoomEncryptedImage), f"sent as {type(ev).__name__}"
    got = await person.client.download(ev.url)
    assert isinstance(got, DownloadResponse), got
    return bytes(decrypt_attachment(got.body, ev.key["k"], ev.hashes["sha256"], ev.iv))


async def test_an_encrypted_picture_is_held_reuploaded_encrypted_and_reposted(
    locked: Classroom,
) -> None:
    aroha = locked.students[0]
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
    said = await send_picture(aroha, locked.room, picture)
    await locked.teacher.wait_for(
        lambda rid, ev: isinstance(ev, RedactionEvent) and ev.redacts == said
    )
    review = await locked.teacher.wait_for(locked.says("Held #", locked.teacher_room))
    shown = await locked.teacher.wait_for(
        lambda rid, ev: rid == locked.teacher_room and isinstance(ev, RoomEncryptedImage)
    )
    assert await opened(locked.teacher, shown) == picture  # a fresh encrypted copy
    assert "url" not in shown.source["content"]

    await locked.teacher.react(locked.teacher_room, review.event_id, "✅")
    repost = await aroha.wait_for(
        lambda rid, ev: rid == locked.room and isinstance(ev, RoomEncryptedImage)
        and ev.sender == locked.bot
    )  # fmt: skip
    assert await opened(aroha, repost) == picture


async def test_a_question_in_an_encrypted_class_reaches_the_author_and_the_answer_comes_back(
    locked: Classroom, e2e_people: PersonFactory
) -> None:
    cls, aroha = locked, locked.students[0]
    await start_session(cls)
    await cls.teacher_types("!author review off", cls.teacher_room, "at once")
    code = await invite_code(cls)
    author = await e2e_people("jo", "Jo Lee")
    resp = await author.client.room_create(
        is_direct=True, invite=[cls.bot], initial_state=[dict(ENCRYPTION_STATE)]
    )
    assert not isinstance(resp, RoomCreateError), resp
    dm = resp.room_id
    await author.wait_for(lambda rid, ev: getattr(ev, "membership", "") == "join"
                          and getattr(ev, "state_key", "") == cls.bot, 30, dm)  # fmt: skip
    await author.send(dm, f"!author join {code}")
    assert "Welcome, Jo Lee!" in body(await author.wait_for(cls.says("Welcome", dm), 30))

    await aroha.send(cls.room, "!ask Why did the keeper live alone?")
    review = await cls.teacher.wait_for(cls.says("Question #", cls.teacher_room))
    await cls.teacher.react(cls.teacher_room, review.event_id, "✅")
    question = await author.wait_for(cls.says("📬 Question", dm), 30)
    assert question.decrypted and "Why did the keeper live alone?" in body(question)

    reply: dict[str, Any] = {
        "msgtype": "m.text",
        "body": "The keeper loved the quiet of the sea.",
        "m.relates_to": {"m.in_reply_to": {"event_id": question.event_id}},
    }
    await author.send_event(dm, "m.room.message", reply)
    answer = await aroha.wait_for(cls.says("✉️ Jo Lee answered", cls.room), 30)
    assert "The keeper loved the quiet of the sea." in body(answer)


async def test_a_corrupt_or_missing_crypto_store_starts_a_new_device_and_teachers_are_told(
    locked: Classroom, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, "bot.platforms.matrix")
    locked.bot_password = "password"  # so the bot can log in as a new device
    aroha = locked.students[0]
    store = Path(locked.crypto_store)
    for n, damage in enumerate(("corrupt", "missing")):
        db = store / f"{locked.bot}_{locked.chat.client.device_id}.db"
        await locked.stop_bot()
        if damage == "corrupt":
            db.write_bytes(b"not a database at all" * 100)
        else:
            db.unlink()
        await locked.start_bot()  # never a crash: a new device

        assert locked.chat.reset is not None and locked.chat.reset.new_device
        assert locked.chat.client.device_id != locked.bot_account.device_id
        # the device whose keys were lost is signed out: no room key is shared with it again
        listed = await locked.chat.client.devices()
        assert isinstance(listed, DevicesResponse), listed
        assert [d.id for d in listed.devices] == [locked.chat.client.device_id]
        notice = await locked.teacher.wait_for(locked.says("lost my encryption keys"))
        assert locked.chat.client.device_id in body(notice)
        assert any("lost" in r.getMessage() for r in caplog.records)
        await aroha.send(locked.room, f"hello new device {n}")  # her client finds the device
        await locked.teacher.wait_for(locked.says(f"hello new device {n}", locked.teacher_room))

    await locked.stop_bot()
    await locked.start_bot()  # a plain restart afterwards: the same new device, no notice
    assert locked.chat.reset is None
