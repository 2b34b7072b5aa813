"""Three classes in one circle, end to end: two federated homeservers, two installations
(each a real App with its own database and rules), Room 12 on Matrix and Class 7 on Discord
(discord.py's own parsing, the fake Discord at its HTTP edge) at installation A, Room 4 on
Matrix at installation B.

What Room 12 shares reaches Room 4 (over the circle room, through B's own sharing) and
Class 7 (directly, inside A) under a first name and the class only; each class's own rules
and chapters decide when it is shown; Room 12's teacher taking a post back removes both
copies; and nothing anyone at B or in Class 7 received names a student.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from nio import Event, RedactionEvent
from sqlalchemy import func, select

from bot.db.tables import CircleCopy, CirclePost
from bot.localserver import LocalHomeserver
from tests.discord.fakediscord import World
from tests.discord.harness import Discord, install
from tests.matrix.both_platforms import (
    BothPlatforms,
    Guild,
    class7,
    discord_names,
    guild,
    latest_flag,
    posted,
    thread_root,
)
from tests.matrix.circle_schools import (
    QuickRetry,
    School,
    approved_at_a,
    assert_names_nobody,
    circle_code,
    circle_room,
    history,
    line_in,
    names_of,
    new_code,
    school,
    thread_of,
    until,
)
from tests.matrix.classroom import body, relates

# one process runs the module: its tests are one story on a module's pair of homeservers
pytestmark = [
    pytest.mark.synapse,
    pytest.mark.asyncio(loop_scope="session"),
    pytest.mark.xdist_group("circle-three-classes"),
]
ROOM12 = "Room 12 (Wellington, NZ)"
STUDENTS_A = ("aroha.ngata", "mere.parata")  # Room 12's (display names "Aroha Ngata", …)


@dataclass
class Circle:
    """Installation A (Room 12 and, through `discord`, Class 7) and B (Room 4), their
    sessions of chapters 1-2 running, and when they began (UTC)."""

    a: School
    b: School
    discord: Discord
    guild: Guild
    first_a: datetime
    first_b: datetime

    @property
    def world(self) -> World:
        return self.guild.world

    async def class7_thread(self, chapter: int) -> str:
        return await thread_root(self.a.cls, "discord", chapter)

    async def class7_reads(self, line: str, chapter: int) -> None:
        """Wait until Class 7's session thread of `chapter` shows `line`."""
        thread = await self.class7_thread(chapter)

        async def shown() -> bool:
            await self.discord.settle()
            return line in [r.json.get("content") for r in self.world.posts_in(thread)]

        await until(shown, 30)


@pytest_asyncio.fixture(loop_scope="session", scope="module")
async def circle(
    synapse_installed: LocalHomeserver, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Circle]:
    venv = synapse_installed.venv
    hs_a = QuickRetry(tmp_path_factory.mktemp("school-a-hs"), venv=venv)
    hs_b = QuickRetry(tmp_path_factory.mktemp("school-b-hs"), venv=venv)
    started: list[School] = []
    with pytest.MonkeyPatch.context() as patch:
        w = World()
        install(patch, w)  # installation A's Discord
        g = guild(w)
        await asyncio.gather(hs_a.start(), hs_b.start())
        try:
            tmp_a = tmp_path_factory.mktemp("school-a")
            a = await school(hs_a, tmp_a, shows=True, names=STUDENTS_A, kind=BothPlatforms)
            started.append(a)
            b = await school(hs_b, tmp_path_factory.mktemp("school-b"), shows=True)
            started.append(b)
            d = Discord(w, tmp_a / "bot.db", a.cls.clock, a.cls.db_url)
            d.app = a.cls.app
            await d.chat.wait_ready()
            d.outside = asyncio.all_tasks()  # both bots' sync loops run as long as they do
            yield await _formed(a, b, d, g)
        finally:
            for s in started:
                await s.close()
            await asyncio.gather(hs_a.stop(), hs_b.stop())


async def _formed(a: School, b: School, d: Discord, g: Guild) -> Circle:
    """Room 12 makes the circle; Class 7 (same installation) and Room 4 (the other) join
    and trust Room 12; every class's first session starts."""
    code = await circle_code(a)  # Room 12's book planned, its profile, the circle made
    local = (a.cls.clock.now() + timedelta(hours=2)).astimezone(ZoneInfo("Pacific/Auckland"))
    first_a = local.replace(second=0, microsecond=0).astimezone(UTC)  # as plan_book planned
    await class7(d, g, first_a.astimezone(ZoneInfo("Pacific/Auckland")))
    await d.slash(g.okafor, g.room7, "circle join", code=code)
    await d.slash(g.okafor, g.room7, "circle trust", name="Room 12")
    await b.cls.teacher_types(
        '!author profile name="Room 4" region="Otago, NZ"', expect="see this class"
    )
    first_b = (await b.cls.plan_book()).astimezone(UTC)
    code = await new_code(a)  # (each code works once)
    await b.cls.teacher_types(f"!circle join {code} {a.cls.bot}", b.cls.teacher_room, "asked")
    await b.cls.teacher.wait_for(b.cls.says("joined the circle", b.cls.teacher_room), 30)
    await until(lambda: _in_room(b))
    await b.cls.teacher_types('!circle trust "Room 12"', b.cls.teacher_room, "now reach")
    for s, first in ((a, first_a), (b, first_b)):
        s.cls.clock.set(first)
        assert s.cls.app is not None
        await s.cls.app.scheduler.run_due()
        await s.cls.idle()
    await d.settle()
    return Circle(a, b, d, g, first_a, first_b)


async def _in_room(b: School) -> bool:
    return await circle_room(b) in b.cls.chat.client.rooms


async def listed_number(a: School, text: str) -> str:
    """The number `circle posts` gives Room 12's own post of `text`."""
    listed = await a.cls.teacher_types("!circle posts", a.cls.teacher_room, "Circle posts")
    found = re.findall(rf"#(\d+) · \w+ · your class · chapter \d+ · shared: {text}", body(listed))
    assert len(found) == 1, body(listed)
    return str(found[0])


FIRST = "I think the mice will find the lamp"
HOT = "the lamp is as hot as Hell's Gate"  # "hell": Room 12 and Class 7 allow it, Room 4 not
LATER = "the lamp was in the attic all along"
BEN = "maybe the keeper wrote the letters"
CLASS7 = "Class 7 (Nelson, NZ)"


async def test_a_post_approved_in_room_12_reaches_room_4_and_class_7_as_first_name_and_class(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    await approved_at_a(a, 0, FIRST, await thread_of(a, 1))
    line = f"Aroha · {ROOM12}: {FIRST}"
    shown = await b.cls.students[0].wait_for(line_in(b, line), 60)  # the other school
    assert relates(shown).get("event_id") == await thread_of(b, 1), "in Room 4's thread"
    await circle.class7_reads(line, 1)  # the Discord class of the same school
    await asyncio.gather(a.cls.idle(), b.cls.idle())
    thread7 = await circle.class7_thread(1)
    assert [r.json.get("content") for r in circle.world.posts_in(thread7)].count(line) == 1
    assert await b.cls.count(select(func.count(CircleCopy.id))) == 1, "one copy at B"


async def test_room_4s_rules_hold_a_post_that_room_12s_rules_let_through(circle: Circle) -> None:
    a, b, d, g = circle.a, circle.b, circle.discord, circle.guild
    aroha = a.cls.students[0]
    # Room 12 and Class 7 are near Rotorua's Hell's Gate: their teachers allow the word
    await a.cls.teacher_types("!mod allow word hell", a.cls.teacher_room, "now allows")
    await d.slash(g.okafor, g.room7, "mod allow", kind="word", value="hell")
    await a.cls.teacher_types("!circle share all", a.cls.teacher_room, "now shares")
    await a.cls.teacher_types(f"!mod trust {aroha.user_id}", a.cls.teacher_room, "now trusted")
    await aroha.send(a.cls.room, HOT, thread=await thread_of(a, 1))  # shown at once in Room 12
    line = f"Aroha · {ROOM12}: {HOT}"
    await circle.class7_reads(line, 1)
    # Room 4's teacher did not allow it: the copy waits for her, with the reason
    held = await b.cls.teacher.wait_for(b.cls.says("from your circle", b.cls.teacher_room), 60)
    assert HOT in body(held) and "hell" in body(held).split("Why:")[1].split("\n")[0]
    await asyncio.gather(a.cls.idle(), b.cls.idle())
    seen = [body(ev) for ev in await b.cls.students[0].seen_now(b.cls.room)]
    assert line not in seen, "not in Room 4 before its teacher decides"
    held_copies = select(func.count(CircleCopy.id)).where(CircleCopy.state == "held")
    assert await b.cls.count(held_copies) == 1
    a_held = await a.cls.count(held_copies)
    assert a_held == 0, "nothing held at Room 12's school"


async def test_room_12s_teacher_takes_a_post_back_and_both_copies_go(circle: Circle) -> None:
    a, b, w = circle.a, circle.b, circle.world
    line = f"Aroha · {ROOM12}: {FIRST}"
    thread7 = await circle.class7_thread(1)
    copy7 = next(mid for mid, msg in w.messages.items() if msg.get("content") == line)
    assert b.cls.app is not None
    async with b.cls.app.sessionmaker() as db:
        copy4 = await db.scalar(
            select(CircleCopy.message_id)
            .join(CirclePost, CirclePost.id == CircleCopy.post_id)
            .where(CirclePost.text == FIRST)
        )
    assert copy4
    number = await listed_number(a, FIRST)
    await a.cls.teacher_types(f"!circle hide {number}", a.cls.teacher_room, "taken back")

    def redacted(room_id: str, ev: Event) -> bool:
        return isinstance(ev, RedactionEvent) and ev.redacts == copy4

    await b.cls.students[0].wait_for(redacted, 60)
    await circle.discord.settle()
    assert w.sent("DELETE", rf"/channels/{thread7}/messages/{copy7}"), "Class 7's copy is gone"
    gone = select(func.count(CircleCopy.id)).join(CirclePost, CirclePost.id == CircleCopy.post_id)
    gone = gone.where(CirclePost.text == FIRST, CircleCopy.state == "retracted")

    async def recorded() -> bool:  # (a copy is recorded as taken back after its redaction)
        return await b.cls.count(gone) == 1 and await a.cls.count(gone) == 1

    await until(recorded, 10)


async def test_a_post_from_a_chapter_room_4_has_not_reached_waits_for_its_session(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    assert a.cls.app is not None and b.cls.app is not None
    # A reads on: Room 12's and Class 7's sessions of chapters 3-4 start the next day
    a.cls.clock.set(circle.first_a + timedelta(days=1))
    await a.cls.app.scheduler.run_due()
    await a.cls.idle()
    await circle.discord.settle()
    await approved_at_a(a, 1, LATER, await thread_of(a, 3))  # Mere, new: held, approved
    line = f"Mere · {ROOM12}: {LATER}"
    await circle.class7_reads(line, 3)  # Class 7 is at chapter 3 too
    waiting = (
        select(func.count(CircleCopy.id))
        .join(CirclePost, CirclePost.id == CircleCopy.post_id)
        .where(CirclePost.text == LATER, CircleCopy.state == "waiting")
    )
    assert await b.cls.wait_count(waiting, 1, 60) == 1, "arrived at B, kept back"
    await b.cls.idle()
    seen = [body(ev) for ev in await b.cls.students[0].seen_now(b.cls.room)]
    assert line not in seen, "Room 4 is still at chapters 1-2"
    # B's session of chapters 3-4 starts: the copy comes, in its thread, once
    b.cls.clock.set(circle.first_b + timedelta(days=1))
    await b.cls.app.scheduler.run_due()
    shown = await b.cls.students[0].wait_for(line_in(b, line), 30)
    assert relates(shown).get("event_id") == await thread_of(b, 3)
    await b.cls.idle()
    assert await b.cls.count(waiting) == 0


async def test_a_post_from_class_7_on_discord_reaches_room_4_the_same_way(circle: Circle) -> None:
    a, b, d, g = circle.a, circle.b, circle.discord, circle.guild
    thread7 = await circle.class7_thread(3)
    await d.say(g.ben, circle.world.channels[thread7], BEN)  # Ben, new: held for Mr Okafor
    await d.slash(g.okafor, g.room7, "mod approve", flag=await latest_flag(a.cls, "discord"))
    await d.settle()
    # Room 4 has not trusted Class 7: its teacher decides first
    held = await b.cls.teacher.wait_for(b.cls.says("from your circle", b.cls.teacher_room), 60)
    assert BEN in body(held) and CLASS7 in body(held)
    number = re.search(r"Held #(\d+)", body(held))
    assert number, body(held)
    await b.cls.teacher_types(f"!mod approve {number.group(1)}", b.cls.teacher_room)
    shown = await b.cls.students[0].wait_for(line_in(b, f"Ben · {CLASS7}: {BEN}"), 30)
    assert relates(shown).get("event_id") == await thread_of(b, 3)


async def test_nothing_room_4_class_7_or_the_circle_room_received_names_a_student(
    circle: Circle,
) -> None:
    a, b = circle.a, circle.b
    await asyncio.gather(a.cls.idle(), b.cls.idle())
    await circle.discord.settle()
    room4 = await history(b.cls.teacher.client, b.cls.room)
    assert f"Mere · {ROOM12}" in room4 and "m.room.redaction" in room4, "the scan sees posts"
    teacher4 = await history(b.cls.teacher.client, b.cls.teacher_room)
    assert HOT in teacher4, "the scan sees the held post"
    shared = await history(b.cls.chat.client, await circle_room(b))
    assert LATER in shared, "the scan sees the circle's events"
    class7 = posted(circle.world)  # everything installation A sent Discord
    assert FIRST in class7 and LATER in class7
    assert BEN in room4 and BEN in shared
    room12 = [w for s in a.cls.students for w in names_of(s)]
    assert "Ngata" in room12 and "Mere Parata" in room12
    everyone = [*room12, *discord_names(circle.guild.ben)]  # and Class 7's Ben Tamaki
    for seen, where, words in (
        (room4, "Room 4", everyone),
        (teacher4, "Room 4's teacher room", everyone),
        (shared, "the circle room", everyone),
        (class7, "Class 7 (Discord)", room12),
    ):
        assert_names_nobody(seen, words, where)
