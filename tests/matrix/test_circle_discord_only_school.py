"""A school whose bot runs only Discord joins a circle made at another school, through a
Matrix account of its own that carries circles and nothing else.

Installation M serves a Matrix class (Room 12) on the session's Synapse. Installation D
serves one Discord class (Class 7: discord.py's own parsing, the fake Discord at its HTTP
edge) and has no [matrix] account, only the [circles] one on the same Synapse (federation
is covered by test_circle_between_schools.py). M's teacher makes the circle; D's teacher
joins it from Discord with the code and M's bot address; posts approved in either class
reach the other under a first name and the class only. The circles account is never a
class: what is typed in another room it is in does nothing.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

import discord
import pytest
import pytest_asyncio
from nio import AsyncClient, Event, RoomMemberEvent, RoomMessagesResponse
from sqlalchemy import func, select

from bot.app import App
from bot.config import CircleSettings, Config
from bot.core.clock import FakeClock
from bot.core.model import Platform
from bot.db.tables import CircleLink, Flag, Session
from bot.db.tables import Classroom as ClassRow
from bot.localserver import Account, LocalHomeserver
from bot.platforms.matrix import MatrixChat
from tests.discord.fakediscord import World
from tests.discord.harness import Discord, install
from tests.matrix.circle_schools import until
from tests.matrix.classroom import Classroom, body, make_classroom
from tests.matrix.people import Person, unique

# one process runs the module: its tests are one story on the module's two installations
pytestmark = [
    pytest.mark.synapse,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("circle-discord-only-school"),
]
ROOM12, CLASS7 = "Room 12 (Wellington, NZ)", "Class 7 (Nelson, NZ)"


class DiscordOnly(Discord):
    """Installation D: Discord, and a Matrix account for circles alone."""

    def __init__(self, world: World, db: Path, clock: FakeClock, account: Account, hs: str):
        super().__init__(world, db, clock)
        self.account, self.homeserver = account, hs

    def config(self) -> Config:
        base = super().config()
        circles = CircleSettings(
            matrix_homeserver=self.homeserver,
            matrix_user_id=self.account.user_id,
            matrix_device_id=self.account.device_id,
        )
        token = {"circles_matrix_access_token": self.account.access_token}
        return Config(
            settings=base.settings.model_copy(update={"circles": circles}),
            secrets=base.secrets.model_copy(update=token),
        )

    @property
    def circles(self) -> MatrixChat:
        assert self.app is not None
        [account] = self.app.circle_accounts
        assert isinstance(account, MatrixChat)
        return account


@dataclass
class Schools:
    m: Classroom
    d: DiscordOnly
    world: World
    room7: dict[str, Any]
    okafor: dict[str, Any]
    ben: dict[str, Any]
    thread12: str = ""
    thread7: str = ""
    circle_room: str = ""


async def _thread(app: App, platform: str) -> str:
    async with app.sessionmaker() as db:
        found = await db.scalar(
            select(Session.thread_id)
            .join(ClassRow, ClassRow.id == Session.classroom_id)
            .where(ClassRow.platform == platform, Session.thread_id.is_not(None))
        )
    assert found is not None
    return str(found)


async def _latest_flag(app: App) -> int:
    async with app.sessionmaker() as db:
        found = await db.scalar(select(Flag.id).order_by(Flag.id.desc()))
    assert found is not None
    return int(found)


def _said(w: World, fragment: str, channel: str | None = None) -> list[str]:
    """What D's bot posted (messages, interaction answers) containing `fragment`."""
    said = []
    for r in w.requests:
        if r.method not in ("POST", "PATCH") or not isinstance(r.json, dict):
            continue
        if channel is not None and f"/channels/{channel}/messages" != r.path:
            continue
        data = r.json.get("data") if isinstance(r.json.get("data"), dict) else r.json
        text = str(data.get("content") or "")
        if fragment in text:
            said.append(text)
    return said


async def _circle_room_text(client: AsyncClient, room_id: str) -> str:
    """Everything in the circle room, as its members' clients could read it."""
    resp = await client.room_messages(room_id, limit=200)
    assert isinstance(resp, RoomMessagesResponse), resp
    return "\n".join(str(ev.source) for ev in resp.chunk)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def schools(
    synapse: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Schools]:
    made: list[Person] = []

    async def people(name: str, display_name: str | None = None) -> Person:
        person = await Person.register(synapse, unique(name), display_name or name.title())
        made.append(person)
        return person

    patched = pytest.MonkeyPatch()
    w = World()
    install(patched, w)
    w.member(w.bot, w.role("readaloud", discord.Permissions(administrator=True)))
    okafor, ben = w.user("Mr Okafor"), w.user("Ben Tamaki")
    w.member(okafor, w.role("Staff", discord.Permissions(manage_channels=True)))
    w.member(ben)
    room7 = w.text_channel("class-7")
    m = await make_classroom(synapse, people, tmp_path_factory.mktemp("school-m"), students=1)
    account = await synapse.register(unique("readaloud-circles"), "password")
    d_dir = tmp_path_factory.mktemp("school-d")
    d = DiscordOnly(w, d_dir / "bot.db", m.clock, account, synapse.base_url)
    s = Schools(m, d, w, room7, okafor, ben)
    try:
        d.outside = asyncio.all_tasks()
        d.app = App(d.config(), d.clock)
        await d.app.start()
        await d.chat.wait_ready()
        d.outside = asyncio.all_tasks()  # the circles account's sync runs as long as D does
        await d.settle()
        await _join_circle(s)
        yield s
    finally:
        await d.stop()
        for app in list(m.started):
            await app.stop()
        for person in made:
            await person.close()
        patched.undo()


async def _join_circle(s: Schools) -> None:
    """Both classes plan the book; M makes the circle, D joins from Discord; each trusts
    the other class; both sessions of chapters 1-2 begin."""
    m, d, w = s.m, s.d, s.world
    assert m.app is not None and d.app is not None
    await m.teacher_types('!author profile name="Room 12" region="Wellington, NZ"', expect="see")
    first = await m.plan_book()
    await d.slash(s.okafor, s.room7, "class setup", timezone="Pacific/Auckland", name="Class 7")
    await d.slash(s.okafor, s.room7, "author profile", name="Class 7", region="Nelson, NZ")
    await d.slash(s.okafor, s.room7, "readaloud book", title="The Lighthouse Mice", chapters=4)
    await d.slash(
        s.okafor, s.room7, "readaloud plan", start=f"{first:%Y-%m-%d}",
        days="mon,tue,wed,thu,fri,sat,sun", time=f"{first:%H:%M}", per=2,
    )  # fmt: skip
    made = await m.teacher_types("!circle create Lighthouse", m.teacher_room, "RC-")
    code = re.search(r"RC-\w{4}-\w{4}", body(made))
    assert code, body(made)

    await d.slash(s.okafor, s.room7, "circle join", code=code.group(0), at=m.bot)

    async def joined() -> bool:
        await d.settle()
        return bool(_said(w, "joined the circle"))

    await until(joined, 30)
    async with d.app.sessionmaker() as db:
        room = await db.scalar(select(CircleLink.room_id))
    assert room is not None
    s.circle_room = room
    await until(lambda: _true(room in d.circles.client.rooms), 30)
    await d.slash(s.okafor, s.room7, "circle trust", name="Room 12")
    await m.teacher_types('!circle trust "Class 7"', m.teacher_room, "now reach")
    m.clock.set(first.astimezone(UTC))
    for app in (m.app, d.app):
        await app.scheduler.run_due()
    await d.settle()
    await m.idle()
    s.thread12, s.thread7 = await _thread(m.app, "matrix"), await _thread(d.app, "discord")


async def _true(value: bool) -> bool:
    return value


async def test_the_discord_only_school_is_no_matrix_class_and_its_account_carries_circles(
    schools: Schools,
) -> None:
    s = schools
    assert s.d.app is not None
    assert Platform.MATRIX not in s.d.app.chats.by_platform, "no class can be on it"
    assert s.d.app.services.circles_remote.remote.wire is s.d.circles.circle_room
    assert s.d.circles.circles_only and s.d.circles.user_id == s.d.account.user_id
    store = Path(s.d.db).parent / "matrix-circles-crypto"
    assert store.is_dir(), "its own crypto store under the data dir"


async def test_a_post_approved_in_the_matrix_class_reaches_the_discord_thread(
    schools: Schools,
) -> None:
    s = schools
    m, d, w = s.m, s.d, s.world
    assert m.app is not None
    aroha = m.students[0]
    text = "I think the mice will find the lamp"
    await aroha.send(m.room, text, thread=s.thread12)
    await m.teacher.wait_for(m.says("Held #", in_room=m.teacher_room))
    await m.teacher_types(f"!mod approve {await _latest_flag(m.app)}", room=m.teacher_room)
    line = f"Aroha · {ROOM12}: {text}"

    async def shown() -> bool:
        await d.settle()
        return bool(_said(w, line, channel=s.thread7))

    await until(shown, 30)
    assert _said(w, line, channel=s.thread7) == [line], "once, in Class 7's session thread"
    # the circle room carries the first name and the class only
    seen = await _circle_room_text(m.chat.client, s.circle_room)
    assert text in seen
    for word in (aroha.user_id, aroha.user_id.split(":")[0][1:], m.teacher.user_id):
        assert word.casefold() not in seen.casefold(), word


async def test_a_discord_post_approved_in_its_class_reaches_the_matrix_class(
    schools: Schools,
) -> None:
    s = schools
    m, d, w = s.m, s.d, s.world
    assert d.app is not None
    text = "the keeper is hiding something"
    await d.say(s.ben, w.channels[s.thread7], text)
    await d.slash(s.okafor, s.room7, "mod approve", flag=await _latest_flag(d.app))
    await d.settle()
    got = await m.students[0].wait_for(m.says(f"Ben · {CLASS7}:", in_room=m.room), 30)
    assert body(got) == f"Ben · {CLASS7}: {text}"
    assert got.source["content"]["m.relates_to"]["event_id"] == s.thread12, "in the thread"
    seen = await _circle_room_text(d.circles.client, s.circle_room)
    assert text in seen
    for word in (s.ben["id"], s.ben["username"], "Tamaki", s.okafor["id"]):
        assert str(word).casefold() not in seen.casefold(), word


async def test_commands_typed_in_another_room_the_circles_account_is_in_do_nothing(
    schools: Schools,
) -> None:
    s = schools
    m, d = s.m, s.d
    assert d.app is not None
    circles = d.circles.user_id

    def joined(_room: str, ev: Event) -> bool:
        return (
            isinstance(ev, RoomMemberEvent)
            and ev.state_key == circles
            and (ev.membership == "join")
        )

    room = await m.teacher.create_room(invite=[circles], name=unique("Room 9"))
    await m.teacher.wait_for(joined, 15, room_id=room)  # it joins as invited
    await m.teacher.set_power(room, circles, 50)
    for typed in ("!class setup timezone=UTC", "!help", "!circle list", "hello?"):
        await m.teacher.send(room, typed)
    await d.circles.wait_idle()
    await d.settle()
    answered = [ev for ev in await m.teacher.seen_now(room) if ev.sender == circles]
    assert not [ev for ev in answered if not isinstance(ev, RoomMemberEvent)], answered
    classes = select(func.count(ClassRow.id)).where(ClassRow.platform == "matrix")
    async with d.app.sessionmaker() as db:
        assert await db.scalar(classes) == 0, "no class was set up"
