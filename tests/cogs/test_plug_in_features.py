"""A new feature plugs in through its `setup()` alone, and a feature that breaks on an
event never keeps the others from handling it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
import pytest_asyncio

from bot.app import App
from bot.config import BotSettings, Config, MatrixSettings, Secrets, Settings
from bot.core.commands import Command, Invocation, Kind, Param, Reply
from bot.core.events import MessagePosted, ReactionAdded
from bot.core.feature import Due, Feature, Stage, Timer, on
from bot.core.model import ChannelRef, Outgoing, Platform, Role
from bot.core.ports import Chat
from bot.features import Deps
from tests.cogs.bench import ROOM, TEACHER, Bench, student

pytestmark = pytest.mark.asyncio(loop_scope="session")

START = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)
TEACHERS = ChannelRef(ROOM.platform, ROOM.id + "-teachers")
MAIA = student("Maia")
REMIND = ["bookmark.remind"]


@dataclass
class Shelf:
    """The toy feature's state: what it saw."""

    seen: list[str] = field(default_factory=list)


def bookmarks(deps: Deps) -> Feature[Shelf]:
    """A toy feature: `bookmark <page>` reminds the class of the page a day later."""
    shelf = Shelf()

    async def bookmark(inv: Invocation) -> Reply:
        page = inv.args["page"]
        when = deps.clock.now() + timedelta(days=1)
        payload = {"page": page, "room": inv.channel.id}
        await deps.timers.set("bookmark.remind", f"{inv.channel.id}:{page}", when, payload)
        return Reply(f"I'll remind the class of page {page} tomorrow.")

    async def seen(_chat: Chat, ev: MessagePosted) -> None:
        shelf.seen.append(ev.text)

    async def remind(due: Due) -> None:
        where = ChannelRef(Platform.MATRIX, due.payload["room"])
        key = f"bookmark:{due.key}"
        out = Outgoing(f"Remember: we stopped at page {due.payload['page']}.", key=key)
        chat = deps.chats[Platform.MATRIX]
        await deps.deliveries.once(key, where, partial(chat.send, where, out))

    return Feature(
        "bookmarks",
        shelf,
        commands=[
            Command(
                ("bookmark",),
                "remember a page for tomorrow",
                Role.STUDENT,
                bookmark,
                (Param("page", Kind.INT, "the page", minimum=1),),
            )
        ],
        handlers=[on(MessagePosted, seen)],
        timers=[Timer("bookmark.remind", run=remind)],
    )


@dataclass
class Nothing:
    """A feature that offers nothing to the others."""


def broken(deps: Deps) -> Feature[Nothing]:
    """A feature with a bug: it fails on every message and reaction, before the others."""

    async def fail(_chat: Chat, _ev: object) -> None:
        raise RuntimeError("a bug in the broken feature")

    return Feature(
        "broken",
        Nothing(),
        handlers=[on(MessagePosted, fail, Stage.GUARD), on(ReactionAdded, fail, Stage.GUARD)],
    )


class PluggedBench(Bench):
    """The bench, with more features listed after the bot's own."""

    def __init__(self, db_url: str, *more: object) -> None:
        super().__init__(db_url, START)
        self.more = more

    async def start(self) -> App:
        settings = Settings(
            bot=BotSettings(database_url=self.db_url), matrix=MatrixSettings(enabled=False)
        )
        config = Config(settings=settings, secrets=Secrets())
        self.app = App(config, clock=self.clock, more=self.more)  # type: ignore[arg-type]
        self.app.chats.add(self.chat)  # type: ignore[arg-type]
        await self.app.start()
        return self.app


@pytest_asyncio.fixture(loop_scope="session")
async def bench(tmp_path: Path) -> AsyncIterator[PluggedBench]:
    b = PluggedBench(f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", bookmarks, broken)
    await b.start()
    await b.type("!class setup timezone=Pacific/Auckland")
    await b.type(f"!mod trust {MAIA.user.id} member")
    yield b
    await b.stop()


async def test_a_feature_added_through_setup_alone_has_its_command_handler_and_timer(
    bench: PluggedBench,
) -> None:
    assert bench.app is not None
    reply = await bench.type("!bookmark 42", MAIA)
    assert reply.text == "I'll remind the class of page 42 tomorrow."
    help_text = await bench.type("!help", MAIA)
    assert "bookmark" in help_text.text

    await bench.say(MAIA, "I liked the part with the lighthouse")
    assert bench.app.services.seen == ["I liked the part with the lighthouse"]

    assert await bench.app.timers.run_due(REMIND) == 0, "not due until tomorrow"
    bench.clock.advance(timedelta(days=1, minutes=1))
    assert await bench.app.timers.run_due(REMIND) == 1
    reminders = [p for p in bench.chat.posts if "we stopped at page 42" in p.text]
    assert len(reminders) == 1 and reminders[0].channel == ROOM
    assert await bench.app.timers.run_due(REMIND) == 0, "a timer fires once"


async def test_a_feature_that_fails_on_a_message_does_not_stop_the_others(
    bench: PluggedBench, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        said = await bench.say(MAIA, "my number is 021 555 0199 call me")
    assert "failed in broken (incident " in caplog.text
    # moderation (after the broken guard) still held it for the teacher ...
    assert said in [p.id for p in bench.chat.posts if p.action == "hide"]
    assert any(p.action == "review" and p.channel == TEACHERS for p in bench.chat.posts)
    # ... and the toy feature, listed after the broken one, still saw it
    assert bench.app is not None
    assert bench.app.services.seen == ["my number is 021 555 0199 call me"]


async def test_a_feature_that_fails_on_a_reaction_does_not_stop_the_teachers_decision(
    bench: PluggedBench,
) -> None:
    await bench.say(MAIA, "my number is 021 555 0199 call me")
    review = [p for p in bench.chat.posts if p.action == "review"][-1]
    await bench.react(TEACHER, TEACHERS, review.id, "✅")
    assert any(p.action == "repost" for p in bench.chat.posts), "approved by its reaction"


async def test_every_review_kind_the_queue_knows_is_declared_by_one_feature(
    bench: PluggedBench,
) -> None:
    assert bench.app is not None
    declared = [kind for f in bench.app.features.features for kind in f.review_kinds]
    assert len(declared) == len(set(declared)), "a kind declared by two features"
    known = {"message", *bench.app.services.moderation.review._kinds}
    assert set(declared) == known
