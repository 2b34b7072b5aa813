"""One installation serving a Matrix class (a real Synapse) and a Discord class (discord.py's
own parsing, the fake Discord at its HTTP edge), sharing as a circle: a post approved in
either class reaches the other's session thread under a first name and the class only."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
import pytest_asyncio

from bot.core.clock import FakeClock
from bot.localserver import LocalHomeserver
from tests.discord.fakediscord import World
from tests.discord.harness import Discord, install
from tests.matrix.both_platforms import (
    BothPlatforms,
    Guild,
    class7,
    guild,
    latest_flag,
    posted,
    thread_root,
)
from tests.matrix.classroom import body
from tests.matrix.people import PersonFactory, unique
from tests.migrated import sqlite_at_head

pytestmark = pytest.mark.asyncio(loop_scope="session")
LABEL12, LABEL7 = "Room 12 (Wellington, NZ)", "Class 7 (Nelson, NZ)"


@dataclass
class School:
    matrix: BothPlatforms
    discord: Discord
    guild: Guild


@pytest_asyncio.fixture(loop_scope="session")
async def school(
    synapse: LocalHomeserver,
    people: PersonFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[School]:
    w = World()
    install(monkeypatch, w)
    g = guild(w)
    bot = await synapse.register(unique("readaloud"), "password")
    m = BothPlatforms(
        hs=synapse,
        bot_account=bot,
        db_url=sqlite_at_head(tmp_path / "bot.db"),
        clock=FakeClock(datetime.now(UTC)),
        teacher=await people("teacher", "Ms Rivera"),
        students=[await people("aroha.ngata", "Aroha Ngata")],
    )
    d = Discord(w, tmp_path / "bot.db", m.clock, m.db_url)
    d.outside = asyncio.all_tasks()
    app = await m.start_bot()
    d.app = app
    await d.chat.wait_ready()
    d.outside = asyncio.all_tasks()  # the Matrix sync loop runs as long as the bot does
    try:
        yield School(m, d, g)
    finally:
        for started in list(m.started):
            await started.stop()


async def test_posts_approved_in_one_platform_reach_the_other_with_first_name_and_class(
    school: School,
) -> None:
    s = school
    m, d, g = s.matrix, s.discord, s.guild
    w = g.world
    await m.set_up()
    await m.teacher_types('!author profile name="Room 12" region="Wellington, NZ"')
    first = await m.plan_book()  # local (Auckland) start, two hours from now
    await class7(d, s.guild, first)

    await m.teacher_types("!circle create Lighthouse readers", expect="I've put")
    shown = await m.teacher.wait_for(m.says("RC-", in_room=m.teacher_room))
    code = re.search(r"RC-\w{4}-\w{4}", body(shown))
    assert code, body(shown)
    await d.slash(g.okafor, g.room7, "circle join", code=code.group(0))
    await d.slash(g.okafor, g.room7, "circle trust", name="Room 12")
    await m.teacher_types('!circle trust "Class 7"', expect="now reach your class")

    m.clock.set(first.astimezone(UTC))
    assert m.app is not None
    await m.app.scheduler.run_due()
    await d.settle()
    await m.idle()
    root12 = await thread_root(m, "matrix")
    thread7 = await thread_root(m, "discord")

    # Matrix → Discord: Aroha (new, so held) is approved by her teacher
    aroha = m.students[0]
    await aroha.send(m.room, "I think the mice will find the lamp", thread=root12)
    await m.teacher.wait_for(m.says("Held #", in_room=m.teacher_room))
    await m.teacher_types(f"!mod approve {await latest_flag(m, 'matrix')}", room=m.teacher_room)
    await m.idle()
    await d.settle()
    shared = [r.json.get("content") or "" for r in w.posts_in(thread7)]
    assert f"Aroha · {LABEL12}: I think the mice will find the lamp" in shared, shared

    # Discord → Matrix: Ben's message, approved by his teacher's slash command
    await d.say(g.ben, w.channels[thread7], "the keeper is hiding something")
    await d.slash(g.okafor, g.room7, "mod approve", flag=await latest_flag(m, "discord"))
    await d.settle()
    got = await m.teacher.wait_for(m.says(f"Ben · {LABEL7}:", in_room=m.room))
    assert body(got) == f"Ben · {LABEL7}: the keeper is hiding something"
    assert got.source["content"]["m.relates_to"]["event_id"] == root12, "in the thread"

    # Room 12's teacher takes Aroha's post back: the Discord copy is deleted
    copy = next(
        mid for mid, msg in w.messages.items() if (msg.get("content") or "").startswith("Aroha ·")
    )
    listed = await m.teacher_types("!circle posts", room=m.teacher_room, expect="Circle posts")
    post = re.findall(r"#(\d+) · Aroha · your class", body(listed))
    assert post, body(listed)
    await m.teacher_types(f"!circle hide {post[0]}", room=m.teacher_room, expect="taken back")
    await d.settle()
    assert w.sent("DELETE", rf"/channels/{thread7}/messages/{copy}"), "the copy is gone"

    # nothing the other class got names an account, a username or a last name
    seen7 = posted(w)
    for word in (aroha.user_id, "aroha.ngata", "Ngata", m.hs.server_name):
        assert word.casefold() not in seen7.casefold(), (word, seen7)
    seen12 = "\n".join(body(ev) for ev in await m.teacher.seen_now(m.room))
    seen12 += "\n".join(body(ev) for ev in await m.teacher.seen_now(m.teacher_room))
    for word in (g.ben["id"], g.ben["username"], "Tamaki"):
        assert str(word).casefold() not in seen12.casefold(), (word, seen12)
