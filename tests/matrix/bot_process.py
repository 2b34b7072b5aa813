"""A class's bot as a real separate process, to be killed with SIGKILL (kill -9: no stop,
no clean-up, whatever was in flight is lost) at a chosen step, then started again on the
same database and Matrix device.

Parent side: `BotProcess`. Child side: ``python -m tests.matrix.bot_process`` is a fork
server: it imports and warms up the bot once (about 3 s of CPU), then for each path of a
spec (JSON) on its input forks a bot process (a fraction of a second) that runs the bot
(`App`) with the spec's configuration and (fixed) time, says ``ready <pid>`` once
started, stops cleanly on SIGTERM, and kills itself with SIGKILL when the spec's step is
reached for the spec's circle post (below). The server says ``exit <pid> <code>`` when one ends.

- ``stored``: the post's arrival is stored, its copy for the class not made yet;
- ``sent``: the copy's message reached the homeserver, its delivery not recorded yet;
- ``ack``: the copy delivered, the acknowledgement not sent yet;
- ``acked``: the acknowledgement sent;
- ``retracting``: the post's retraction stored, its copy not taken back yet;

and on the sending side (a bot that offers a post as it starts):

- ``queued``: the post's outbox rows written, the post not sent;
- ``offered``: the post at the homeserver, its sending not recorded yet;
- ``noted``: the other school's acknowledgement arrived, not recorded yet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import select
import signal
import sys
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import Config
from bot.core.circles import Retraction, SharedPost, WireEvent
from bot.core.clock import FakeClock
from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.db.tables import CircleLink
from bot.platforms.matrix import MatrixChat
from cogs.moderation.policy import warm_up

RECEIVING = ("stored", "sent", "ack", "acked")  # (then "retracting")
SENDING = ("queued", "offered", "noted")
CHECKOUT = Path(__file__).resolve().parents[2]  # (where `tests.matrix` imports from)
ACK_DELAY = 0.2  # seconds acknowledgements are gathered (1 s in production; the same code)


@dataclass(frozen=True)
class Kill:
    """Where the bot kills itself: at `step`, for the post `uid` (whose words are `text`)."""

    step: str
    uid: str
    text: str


class BotProcess:
    """One bot process at a time for a class (its configuration and fixed time), forked
    by a server of its own."""

    def __init__(self, config: Config, now: datetime, workdir: Path) -> None:
        self.config, self.now, self.workdir = config, now, workdir
        self.server: asyncio.subprocess.Process | None = None
        self.pid = 0  # the current bot's
        self.runs = 0
        self.log = workdir / "bot-0.log"
        self._ready: dict[int, asyncio.Future[None]] = {}
        self._exits: dict[int, asyncio.Future[int]] = {}
        self._started: asyncio.Future[int] | None = None
        self._reader: asyncio.Task[None] | None = None

    def switch_to(self, config: Config, now: datetime) -> None:
        """The next starts run another bot (the same server forks it)."""
        self.config, self.now = config, now

    async def open(self) -> None:
        """Start the fork server (it imports and warms up meanwhile)."""
        with (self.workdir / "server.log").open("wb") as err:
            self.server = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.matrix.bot_process", cwd=CHECKOUT,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err,
            )  # fmt: skip
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.server is not None and self.server.stdout is not None
        loop = asyncio.get_running_loop()
        while line := await self.server.stdout.readline():
            word, pid, *code = line.decode().split()
            if word == "forked" and self._started is not None:
                self._started.set_result(int(pid))
            elif word == "ready":
                self._ready.setdefault(int(pid), loop.create_future()).set_result(None)
            elif word == "exit":
                self._exits.setdefault(int(pid), loop.create_future()).set_result(int(code[0]))

    async def start(
        self,
        kill: Kill | None = None,
        offer: SharedPost | None = None,
        retract: tuple[Retraction, ...] = (),
        timeout: float = 60,
    ) -> None:
        """Start the bot and wait until it is ready (connected, synced, resumed); once
        ready it offers `offer` to its circle and takes back `retract`."""
        if self.server is None:
            await self.open()
        assert self.server is not None and self.server.stdin is not None
        assert not self.pid or self._exit(self.pid).done(), "already running"
        self.runs += 1
        self.log = self.workdir / f"bot-{self.runs}.log"
        spec = self.log.with_suffix(".json")
        spec.write_text(
            json.dumps(
                {
                    "config": self.config.model_dump(mode="json"),
                    "now": self.now.isoformat(),
                    "kill": None if kill is None else [kill.step, kill.uid, kill.text],
                    "log": str(self.log),
                    "offer": None if offer is None else asdict(offer),
                    "retract": [[r.uid, r.circle_uid] for r in retract],
                }
            )
        )
        self._started = asyncio.get_running_loop().create_future()
        self.server.stdin.write(f"{spec}\n".encode())
        await self.server.stdin.drain()
        self.pid = await asyncio.wait_for(self._started, timeout)
        ready = self._ready.setdefault(self.pid, asyncio.get_running_loop().create_future())
        ended = asyncio.shield(self._exit(self.pid))
        await asyncio.wait([ready, ended], timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
        assert ready.done(), f"the bot did not start:\n{self.tail()}"

    def _exit(self, pid: int) -> asyncio.Future[int]:
        return self._exits.setdefault(pid, asyncio.get_running_loop().create_future())

    async def killed(self, timeout: float = 30) -> None:
        """Wait for the bot to kill itself at its step."""
        try:
            code = await asyncio.wait_for(asyncio.shield(self._exit(self.pid)), timeout)
        except TimeoutError:
            raise AssertionError(f"the bot never reached its step:\n{self.tail()}") from None
        assert code == -signal.SIGKILL, f"exit {code}:\n{self.tail()}"

    async def stop(self) -> None:
        """A clean stop (SIGTERM)."""
        os.kill(self.pid, signal.SIGTERM)
        code = await asyncio.wait_for(asyncio.shield(self._exit(self.pid)), 30)
        assert code == 0, f"exit {code}:\n{self.tail()}"

    async def abandon(self) -> None:
        """The current bot, if it still runs (a test that failed half-way), killed."""
        if self.pid and not self._exit(self.pid).done():
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(self._exit(self.pid)), 10)

    async def close(self) -> None:
        """Whatever state they are in: the bot and its server gone (teardown)."""
        await self.abandon()
        if self.server is not None and self.server.returncode is None:
            self.server.kill()
            await self.server.wait()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return "(no log)"
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


# ---- the fork server and its bots ----


def _say(line: str) -> None:
    os.write(1, f"{line}\n".encode())  # (one write: the server and its bots share the pipe)


def _die() -> None:
    logging.getLogger(__name__).warning("killed (SIGKILL)")
    logging.shutdown()  # (only so the log shows where; a kill -9 flushes nothing)
    os.kill(os.getpid(), signal.SIGKILL)


def _arm(app: App, kill: Kill) -> None:
    remote = app.services.circles_remote.remote
    if kill.step == "stored":
        shown = remote.on_post

        async def on_post(circle_id: int, post: SharedPost) -> None:
            if post.uid == kill.uid:
                _die()
            await shown(circle_id, post)

        remote.on_post = on_post
    elif kill.step == "retracting":
        taken = remote.on_retract

        async def on_retract(circle_id: int, r: Retraction) -> None:
            if r.uid == kill.uid:
                _die()
            await taken(circle_id, r)

        remote.on_retract = on_retract
    elif kill.step == "sent":
        send = MatrixChat.send

        async def sent(self: MatrixChat, channel: ChannelRef, out: Outgoing) -> MessageRef:
            ref = await send(self, channel, out)
            if out.text.endswith(kill.text):
                _die()
            return ref

        MatrixChat.send = sent  # type: ignore[method-assign]
    else:
        acks = remote.acks
        ack = acks._send

        async def acknowledge(room_id: str) -> None:
            owed = kill.uid in acks._acks.get(room_id, (0, "", [], []))[2]
            if owed and kill.step == "ack":
                _die()
            await ack(room_id)
            if owed:
                _die()

        acks._send = acknowledge  # type: ignore[method-assign]


def _arm_sending(app: App, kill: Kill) -> None:
    remote = app.services.circles_remote.remote
    if kill.step in ("queued", "offered"):
        wire = remote.wire
        assert wire is not None
        send = wire.send

        async def sending(room_id: str, kind: str, content: dict[str, object], key: str) -> str:
            ours = kind == "post" and content.get("uid") == kill.uid
            if ours and kill.step == "queued":
                _die()
            sent = await send(room_id, kind, content, key)
            if ours:
                _die()
            return sent

        wire.send = sending  # type: ignore[method-assign]
    else:  # "noted": the other school's acknowledgement arrived, not recorded yet
        noted = remote._acknowledged

        async def acknowledged(link: CircleLink, ev: WireEvent) -> None:
            if kill.uid in ev.content.get("uids", []):  # type: ignore[operator]
                _die()
            await noted(link, ev)

        remote._acknowledged = acknowledged  # type: ignore[method-assign]


async def _run(spec: dict[str, Any]) -> None:
    logging.getLogger(__name__).info("starting")
    now = datetime.fromisoformat(spec["now"])
    app = App(Config.model_validate(spec["config"]), clock=FakeClock(now))
    stopping = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stopping.set)
    app.services.circles_remote.remote.acks.delay = ACK_DELAY
    await app.start()
    if spec["kill"] is not None:
        kill = Kill(*spec["kill"])
        (_arm_sending if kill.step in SENDING else _arm)(app, kill)
    _say(f"ready {os.getpid()}")
    remote = app.services.circles_remote.remote
    if spec["offer"] is not None:
        await remote.offer(SharedPost(**spec["offer"]))
    for uid, circle in spec["retract"]:
        await remote.retract(Retraction(uid, circle))
    await stopping.wait()
    await app.stop()


def _bot(path: str) -> None:
    """In the forked process: run one bot, then end (never back into the server)."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        spec = json.loads(Path(path).read_text())
        fd = os.open(spec["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 2)
        os.close(fd)
        asyncio.run(_run(spec))
        code = 0
    except BaseException:
        logging.getLogger(__name__).exception("the bot failed")
    finally:
        logging.shutdown()
        os._exit(code)


def main() -> None:
    """The fork server: a bot per spec path read; each one's end reported."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("apscheduler", "alembic", "nio", "aiohttp", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warm_up()  # screening's tables (about 2 s), built once for every bot forked
    logging.getLogger(__name__).info("warmed up")
    woken_r, woken_w = os.pipe()
    os.set_blocking(woken_w, False)
    signal.set_wakeup_fd(woken_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    pending = b""
    while True:
        ready, _, _ = select.select([0, woken_r], [], [])
        if woken_r in ready:
            os.read(woken_r, 512)
        while True:  # reap whichever bots ended
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            _say(f"exit {pid} {os.waitstatus_to_exitcode(status)}")
        if 0 in ready:
            chunk = os.read(0, 4096)
            if not chunk:
                return  # the test is gone
            pending += chunk
            while b"\n" in pending:
                line, pending = pending.split(b"\n", 1)
                pid = os.fork()
                if pid == 0:
                    _bot(line.decode().strip())
                _say(f"forked {pid}")


if __name__ == "__main__":
    main()
