"""Circles: classes of this installation (any mix of Discord and Matrix) reading one book
together. Forming them (create, join codes, members, leave, remove: ``service.py``), and
sharing between them (``sharing.py``: what a class offers; ``copies.py``: each partner's
copy, screened again, held, kept back until its chapter, delivered once)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.core.circles import CircleTransport
from bot.core.events import CommandTyped, Decided, MessagePosted, MessageShared
from bot.core.feature import Due, Feature, Stage, Timer, listen, on
from bot.core.ports import Chat
from bot.db.states import OutboxState
from bot.db.tables import CircleCode, CircleCopy, CircleOutbox, CirclePost
from bot.features import Deps
from cogs.authors.fanout import Fanout
from cogs.circles import commands
from cogs.circles.answers import CircleAnswers
from cogs.circles.copies import KIND, RELEASE, Copies
from cogs.circles.exposure import ExposedCircleCodes
from cogs.circles.identity import Installations
from cogs.circles.remote_feature import Remote
from cogs.circles.remote_feature import parts as remote_parts
from cogs.circles.service import Circles, CurrentBook
from cogs.circles.shared_posts import SharedPosts
from cogs.circles.sharing import Sharing
from cogs.circles.wall import KIND as WALL_KIND
from cogs.circles.wall import Wall
from cogs.classroom import retention
from cogs.classroom.feature import Classroom
from cogs.moderation.feature import Moderation

# a spent or expired code is kept this long, so it is refused as used or expired (saying
# what to do) rather than as unknown; it names no one
CODES_KEPT = timedelta(days=30)
SWEEP_EVERY = timedelta(minutes=10)  # copies nothing woke (a plan made after they came)


@dataclass
class CirclesApi:
    """What the other features (and tests) may use of circles."""

    circles: Circles
    sharing: Sharing  # `receive(post)` and `retract(r)`: the way in for the transport
    shared_posts: SharedPosts
    circles_remote: Remote  # between installations: the transport and joining


def setup(
    deps: Deps,
    classroom: Classroom,
    current_book: CurrentBook,
    moderation: Moderation,
    answers: Fanout | None = None,
    transport: CircleTransport | None = None,
) -> Feature[CirclesApi]:
    """`current_book`: the class's book now (the read-aloud feature's, as screening uses);
    `moderation`: its review queue holds incoming posts; `transport`: the classes of other
    installations (None: the circle rooms over Matrix, once a Matrix account attaches)."""
    sm, classes, clock = deps.sessionmaker, classroom.classes, deps.clock
    circles = Circles(sm, classes, current_book, deps.chats, deps.deliveries, clock)
    exposed = ExposedCircleCodes(sm, classes, circles, deps.deliveries, clock)
    copies = Copies(sm, classes, deps.chats, deps.deliveries, deps.timers, clock, current_book)
    wall = Wall(sm, classes, deps.chats, deps.deliveries, deps.timers)
    copies.on_wall = wall.later
    review = moderation.moderation.review
    review.add_kind(KIND, copies)
    copies.settle = review.settle
    accounts: list[object] = deps.chats.known_accounts  # type: ignore[assignment]
    installations = Installations(sm)
    remote = remote_parts(deps, circles, installations)  # between installations
    sharing = Sharing(
        sm, circles, copies, installations, clock, accounts, transport or remote.remote
    )
    remote.wire_into(sharing)  # what arrives from a circle room goes to `receive`/`retract`
    posts = SharedPosts(sm, classes, circles, sharing, copies, clock)
    if answers is not None:  # the guest author's answers reach the whole circle
        answers.shown.append(CircleAnswers(sm, sharing, clock, accounts).on_shown)

    async def posted(chat: Chat, ev: MessagePosted | CommandTyped) -> None:
        await exposed.on_posted(chat, ev)

    async def decided(_chat: Chat, ev: Decided) -> None:
        await posts.on_decided(ev)

    async def release(due: Due) -> None:
        await copies.release(int(due.key))  # keyed posts: a run again repeats none

    async def post_wall(due: Due) -> None:
        await wall.post(int(due.key))  # a keyed post: a run again repeats nothing

    async def sweep(_due: Due) -> None:
        await copies.release_all()

    async def prepare() -> None:
        await installations.uid()  # made once, before anything reads it

    async def resume() -> None:
        await sharing.resume()

    async def run_due() -> int:  # tests with a fake clock (after the sessions have run)
        return await deps.timers.run_due([RELEASE, WALL_KIND], in_order=True)

    return Feature(
        "circles",
        CirclesApi(circles, sharing, posts, remote),
        commands=commands.declare(circles, classes, posts, remote.joining, remote.removal),
        handlers=[
            # a join code posted in a class room is cancelled before anything else looks
            on(MessagePosted, posted, Stage.GUARD),
            on(CommandTyped, posted, Stage.GUARD),
            on(Decided, decided, Stage.AFTER),
        ],
        listeners=[listen(MessageShared, sharing.on_shared)],
        timers=[
            Timer(RELEASE, run=release),
            Timer(WALL_KIND, run=post_wall),
            Timer("circles.sweep", run=sweep, every=SWEEP_EVERY, first=SWEEP_EVERY),
            *remote.timers,
        ],
        review_kinds=(KIND,),
        prepare=[prepare],
        resume=[resume, *remote.resume],
        stop=remote.stop,
        due=[run_due],
        retention=purge,
    )


async def purge(db: AsyncSession, now: datetime) -> int:
    """Join codes that expired more than CODES_KEPT ago (used or not), and what was sent to
    other installations and is done with as long ago; shared posts and
    their copies older than the retention period of the class that sent or got them (a
    post from another installation goes with its last copy here)."""
    result = await db.execute(delete(CircleCode).where(CircleCode.expires_at < now - CODES_KEPT))
    removed = int(getattr(result, "rowcount", 0) or 0)
    # what went to other schools (it holds the shared words): once acknowledged or dropped
    result = await db.execute(
        delete(CircleOutbox).where(
            CircleOutbox.state != OutboxState.WAITING, CircleOutbox.created_at < now - CODES_KEPT
        )
    )
    removed += int(getattr(result, "rowcount", 0) or 0)
    for classes, cutoff in await retention.cutoffs(db, now):
        old = select(CirclePost.id).where(CirclePost.shared_at < cutoff)
        for statement in (
            delete(CircleCopy).where(
                CircleCopy.classroom_id.in_(classes), CircleCopy.post_id.in_(old)
            ),
            delete(CirclePost).where(
                CirclePost.from_classroom_id.in_(classes), CirclePost.shared_at < cutoff
            ),
        ):
            result = await db.execute(statement)
            removed += int(getattr(result, "rowcount", 0) or 0)
    copied = select(CircleCopy.post_id)
    result = await db.execute(
        delete(CirclePost).where(
            CirclePost.from_classroom_id.is_(None),
            CirclePost.shared_at < now - CODES_KEPT,
            CirclePost.id.not_in(copied),
        )
    )
    return removed + int(getattr(result, "rowcount", 0) or 0)
