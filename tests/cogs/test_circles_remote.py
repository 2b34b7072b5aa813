"""The outbox and inbox of circles between installations, on SQLite and PostgreSQL.

School A's bot (this bench) shares a circle with classes at schools B and C. The wire
to the other installations records what would go into the circle room (Matrix itself is
tested end to end in tests/matrix/test_circle_federation.py).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.core.circles import Retraction, SharedPost, WireEvent
from bot.db.tables import (
    Circle,
    CircleCode,
    CircleLink,
    CircleMember,
    CircleOutbox,
    CirclePartner,
)
from cogs.circles import remote as remote_module
from cogs.circles.remote import GIVE_UP, NOTICE_AFTER, RESEND, RESEND_FIRST, RemoteCircles
from cogs.circles.remote_texts import refused as refused_text
from cogs.circles.service import hashed
from tests.cogs.bench import Bench, OpenBench

pytestmark = pytest.mark.asyncio(loop_scope="session")
A, B, C = "@readaloud:school-a", "@readaloud:school-b", "@readaloud:school-c"
INSTALLATION = {A: "ra-aaaa0000", B: "ra-bbbb0000", C: "ra-cccc0000"}  # (identity.py)
UID = "ra-aaaa0000:c1"


def class_of(bot: str, n: int) -> str:
    """The uid of class `n` at the installation of `bot`."""
    return f"{INSTALLATION.get(bot, 'ra-dddd0000')}:k{n}"


ROOM = "!circle-room"


@dataclass
class Wire:
    """What this bot sent into circle rooms, in order."""

    sent: list[tuple[str, str, dict[str, object], str]] = field(default_factory=list)
    me: str = A

    async def open_room(self, circle_uid: str) -> str:
        return ROOM

    async def invite(self, room_id: str, bot: str) -> None: ...

    async def enter(self, room_id: str) -> None: ...

    async def send(self, room_id: str, kind: str, content: dict[str, object], key: str) -> str:
        self.sent.append((room_id, kind, content, key))
        return "$" + hashlib.sha256(key.encode()).hexdigest()[:16]

    async def ask(self, bot: str, content: dict[str, object], key: str) -> str:
        return "!ask"

    async def answer(self, room_id: str, content: dict[str, object], key: str) -> None: ...

    def keys(self, kind: str = "post") -> list[str]:
        return [k for _, knd, _, k in self.sent if knd == kind]


@dataclass
class Sink:
    posts: list[SharedPost] = field(default_factory=list)
    retractions: list[Retraction] = field(default_factory=list)

    async def post(self, circle_id: int, post: SharedPost) -> None:
        self.posts.append(post)

    async def retract(self, circle_id: int, r: Retraction) -> None:
        self.retractions.append(r)


async def circle_with_b_and_c(open_bench: OpenBench, db_url: str) -> tuple[Bench, Wire, Sink]:
    bench = await open_bench(db_url=db_url)
    assert bench.app is not None
    now = bench.clock.now()
    async with bench.app.sessionmaker.begin() as db:
        circle = Circle(name="Lighthouse", book_title="The Lighthouse Mice",
                        creator_classroom_id=1, created_at=now)  # fmt: skip
        db.add(circle)
        await db.flush()
        db.add(CircleMember(circle_id=circle.id, classroom_id=1, joined_at=now))
        link = CircleLink(circle_uid=UID, circle_id=circle.id, room_id=ROOM, home=A,
                          created_at=now)  # fmt: skip
        db.add(link)
        await db.flush()
        for bot, n in ((B, 4), (C, 7)):
            db.add(CirclePartner(link_id=link.id, class_uid=class_of(bot, n), installation=bot,
                                 label=f"Room {n}", platform="Matrix", chapter="1",
                                 joined_at=now))  # fmt: skip
    return bench, *attach(bench)


def attach(bench: Bench) -> tuple[Wire, Sink]:
    wire, sink = Wire(), Sink()
    remote = the_remote(bench)
    remote.wire, remote.on_post, remote.on_retract = wire, sink.post, sink.retract
    return wire, sink


def the_remote(bench: Bench) -> RemoteCircles:
    assert bench.app is not None
    found: RemoteCircles = bench.app.services.circles_remote.remote
    return found


def post(n: int, from_class: str = "ra-aaaa0000:k1") -> SharedPost:
    uid = f"{from_class.replace(':k', ':p')}0{n}"  # "<installation>:p<number>"
    return SharedPost(uid, UID, from_class, "Room 12 (Wellington, NZ)", "Aroha", 1, "thought",
                      f"thought {n}")  # fmt: skip


async def states(bench: Bench) -> dict[tuple[str, str], str]:
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        rows = await db.scalars(select(CircleOutbox))
        return {(r.post_uid, r.installation): r.state for r in rows}


def arrived(sender: str, kind: str, content: dict[str, object], n: int = 1) -> WireEvent:
    return WireEvent(kind, ROOM, sender, f"$ev{n}", {"circle": UID, **content})


def wire_post(p: SharedPost) -> dict[str, object]:
    return remote_module.post_content(p)


async def test_a_post_is_one_keyed_send_and_a_row_per_partner_school(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, wire, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote, p = the_remote(bench), post(1)
    await remote.offer(p)
    await remote.offer(p)  # again (the caller retried): the same rows, the same key
    assert set(wire.keys()) == {f"circle:post:{p.uid}:0"}
    assert await states(bench) == {(p.uid, B): "waiting", (p.uid, C): "waiting"}
    # B acknowledges; C does not: only C's copy is sent again, as a new attempt
    await remote.arrived([arrived(B, "ack", {"uids": [p.uid], "retracted": []})])
    assert await states(bench) == {(p.uid, B): "done", (p.uid, C): "waiting"}
    bench.clock.advance(RESEND_FIRST * 2)
    assert bench.app is not None
    await bench.app.timers.run_due([RESEND])
    assert wire.keys()[-1] == f"circle:post:{p.uid}:1"
    # an ack from C for B's copy cannot complete it, nor a stranger's
    await remote.arrived([arrived("@mallory:evil", "ack", {"uids": [p.uid], "retracted": []})])
    assert (await states(bench))[(p.uid, C)] == "waiting"


async def test_taking_back_a_post_takes_back_its_copies_for_a_later_chapter_too(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, wire, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote, p = the_remote(bench), post(3)
    await remote.offer(p)
    later = SharedPost(
        f"{p.uid}s4", p.circle_uid, p.from_class, p.class_label, p.first_name, 4, p.kind, p.text
    )  # fmt: skip (a spoiler: offered again for chapter 4)
    await remote.retract(Retraction(p.uid, UID))
    await remote.offer(later)
    await remote.retract(Retraction(p.uid, UID))  # the teacher hides it: both go
    taken = [c["uid"] for _, kind, c, _ in wire.sent if kind == "retract"]
    assert sorted(set(taken)) == [p.uid, later.uid]
    found = await states(bench)
    assert found[(later.uid, B)] == "waiting" and found[(later.uid, C)] == "waiting"
    assert len([k for k in wire.keys("retract") if later.uid in k]) == 1


async def test_a_school_away_for_days_is_told_then_its_posts_are_dropped(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, _, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote, p = the_remote(bench), post(2)
    await remote.offer(p)
    assert bench.app is not None
    bench.clock.advance(NOTICE_AFTER + RESEND_FIRST)
    await bench.app.timers.run_due([RESEND])
    told = [t for t in bench.chat.texts() if "have not received" in t]
    assert told and "1 post" in told[0]
    bench.clock.advance(GIVE_UP)
    await bench.app.timers.run_due([RESEND])
    assert set((await states(bench)).values()) == {"dropped"}


async def test_at_most_so_many_posts_wait_for_one_school(
    open_bench: OpenBench, migrated_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bench, _, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    monkeypatch.setattr(remote_module, "MAX_WAITING", 2)
    for n in range(3):
        await the_remote(bench).offer(post(10 + n))
    found = await states(bench)
    assert found[(post(12).uid, B)] == "dropped" and found[(post(11).uid, B)] == "waiting"


async def test_what_arrives_is_shown_once_and_only_from_its_own_school(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, wire, sink = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote = the_remote(bench)
    from_b = post(1, class_of(B, 4))
    await remote.arrived([arrived(B, "post", wire_post(from_b))])
    await remote.flush()  # (acknowledgements are gathered for a second)
    await remote.arrived([arrived(B, "post", wire_post(from_b), 2)])  # replayed
    await remote.flush()
    assert sink.posts == [from_b]
    # both acknowledged, so B stops sending it
    acks = [c for _, kind, c, _ in wire.sent if kind == "ack"]
    assert [a["uids"] for a in acks] == [[from_b.uid], [from_b.uid]]
    # C's bot claims to speak for B's class; C tries to retract B's post; a replay by C
    forged = post(2, class_of(B, 4))
    await remote.arrived([
        arrived(C, "post", wire_post(forged), 3),
        arrived(C, "retract", {"uid": from_b.uid}, 4),
        arrived(C, "post", {**wire_post(from_b), "from_class": class_of(C, 7)}, 5),
        arrived("@mallory:evil", "post", wire_post(post(3, class_of(B, 4))), 6),
    ])  # fmt: skip
    assert sink.posts == [from_b] and sink.retractions == []
    # C's own class, but a post id or a retraction in the name of B's installation
    not_theirs = post(4, class_of(C, 7))
    await remote.arrived([
        arrived(C, "post", {**wire_post(not_theirs), "uid": "ra-bbbb0000:p77"}, 10),
        arrived(C, "retract", {"uid": "ra-bbbb0000:p78"}, 11),
    ])  # fmt: skip
    assert sink.posts == [from_b] and sink.retractions == []
    await remote.arrived([arrived(B, "post", {**wire_post(from_b), "uid": "ra-bbbb0000:p78"}, 12)])
    assert [p.uid for p in sink.posts] == [from_b.uid, "ra-bbbb0000:p78"], "not blocked by C"
    # B takes it back; a retraction before its post refuses the post when it comes
    await remote.arrived([arrived(B, "retract", {"uid": from_b.uid}, 7)])
    assert sink.retractions == [Retraction(from_b.uid, UID)]
    late = post(9, class_of(B, 4))
    await remote.arrived([arrived(B, "retract", {"uid": late.uid}, 8)])
    await remote.arrived([arrived(B, "post", wire_post(late), 9)])
    assert late not in sink.posts


async def test_a_retraction_stored_but_not_carried_out_is_carried_out_when_it_comes_again(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, _, sink = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote = the_remote(bench)
    from_b = post(3, class_of(B, 4))
    await remote.arrived([arrived(B, "post", wire_post(from_b))])

    async def killed(circle_id: int, r: Retraction) -> None:
        raise RuntimeError("killed after the retraction was stored, before the copies went")

    remote.on_retract = killed
    await remote.arrived([arrived(B, "retract", {"uid": from_b.uid}, 2)])
    remote.on_retract = sink.retract
    # the same event after the restart (the sync token stayed before it), or a resend
    await remote.arrived([arrived(B, "retract", {"uid": from_b.uid}, 3)])
    assert sink.retractions == [Retraction(from_b.uid, UID)]
    await remote.flush()


async def test_a_crash_after_the_send_resends_the_same_transaction(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, wire, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    p = post(5)

    async def killed(*args: object) -> str:
        await Wire.send(wire, *args)  # type: ignore[arg-type]
        raise SystemExit("killed before the send was recorded")

    wire.send = killed  # type: ignore[method-assign]
    with pytest.raises(SystemExit):
        await the_remote(bench).offer(p)
    await bench.app.stop() if bench.app else None
    # the restart resumes before anything else: the wire is attached when Matrix connects
    await bench.start()
    again, _ = attach(bench)
    await the_remote(bench).resume()
    assert wire.keys() == again.keys() == [f"circle:post:{p.uid}:0"]
    assert bench.app is not None
    async with bench.app.sessionmaker() as db:
        sent = await db.scalars(select(CircleOutbox.sent_at))
        assert all(s is not None for s in sent)


@dataclass
class AskWire(Wire):
    """Also records answers to join requests and invitations."""

    answers: list[dict[str, object]] = field(default_factory=list)
    invited: list[str] = field(default_factory=list)

    async def answer(self, room_id: str, content: dict[str, object], key: str) -> None:
        self.answers.append(content)

    async def invite(self, room_id: str, bot: str) -> None:
        self.invited.append(bot)


async def test_a_join_request_from_another_school_checks_the_code_as_at_home(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    """Unknown, expired and used codes are refused with a reason the asking bot turns
    into what its teacher should do; a good code lets the other bot in once."""
    bench, _, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    assert bench.app is not None
    wire = AskWire()
    remote = the_remote(bench)
    remote.wire = wire
    joining = bench.app.services.circles_remote.joining
    now = bench.clock.now()
    good, old = "RC-7KQ2-M9XD", "RC-AAAA-2222"
    async with bench.app.sessionmaker.begin() as db:
        circle_id = await db.scalar(select(Circle.id))
        assert circle_id is not None
        for code, expires in ((good, now + timedelta(days=7)), (old, now - timedelta(days=1))):
            db.add(CircleCode(code_hash=hashed(code), circle_id=circle_id, expires_at=expires))
    d = "@readaloud:school-d"

    def request(code: str, n: int, sender: str = d, school: str = d) -> WireEvent:
        content: dict[str, object] = {
            "code": code, "class": class_of(school, 3), "installation": school, "label": "Room 3",
            "platform": "Discord", "chapter": "chapter 2", "book": "The Lighthouse Mice",
        }  # fmt: skip
        return WireEvent("join", f"!ask{n}", sender, f"$join{n}", content)

    await joining.requested(request("RC-ZZZZ-ZZZZ", 1))
    await joining.requested(request(old, 2))
    await joining.requested(request(good, 3, sender="@mallory:evil"))  # for another bot

    def claiming(class_uid: str, n: int) -> WireEvent:  # a class uid not D's to give
        ev = request(good, n)
        return WireEvent(ev.kind, ev.room_id, ev.sender, ev.event_id,
                         {**ev.content, "class": class_uid})  # fmt: skip

    mine = await joining.installations.uid()
    await joining.requested(claiming(f"{mine}:k1", 31))  # this installation's own class
    await joining.requested(claiming(class_of(B, 9), 32))  # B's installation's
    await joining.requested(claiming("Room 3", 33))  # not a class uid at all
    assert [a["reason"] for a in wire.answers] == ["unknown", "expired", *["unknown"] * 4]
    assert wire.invited == []
    await joining.requested(request(good, 4))
    assert wire.answers[-1]["ok"] is True and wire.invited == [d]
    labels = {m["label"] for m in wire.answers[-1]["members"]}  # type: ignore[attr-defined]
    assert {"Room 4", "Room 7"} <= labels
    await joining.requested(request(good, 5))  # the same class again (a crash): answered
    assert wire.answers[-1]["ok"] is True
    await joining.requested(request(good, 6, sender=C, school=C))  # another school, same code: used
    assert wire.answers[-1] == {"ok": False, "reason": "used"}
    announced = [c for _, kind, c, _ in wire.sent if kind == "member"]
    assert announced and announced[0]["class"] == class_of(d, 3)
    assert refused_text("expired").endswith("they type `circle code`.")


async def test_what_went_to_other_schools_is_forgotten_a_month_after_it_is_done(
    open_bench: OpenBench, migrated_database_url: str
) -> None:
    bench, _, _ = await circle_with_b_and_c(open_bench, migrated_database_url)
    remote, p = the_remote(bench), post(6)
    await remote.offer(p)
    await remote.arrived([arrived(B, "ack", {"uids": [p.uid], "retracted": []})])
    assert bench.app is not None
    bench.clock.advance(timedelta(days=31))
    await bench.app.purge()
    # B's acknowledged row (it holds the shared words) is gone; C's, still waiting, is not
    assert await states(bench) == {(p.uid, C): "waiting"}
