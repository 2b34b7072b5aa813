"""A class's bot as a real separate process, to be killed with SIGKILL (kill -9: no stop,
no clean-up, whatever was in flight is lost) at a chosen step, then started again on the
same database and Matrix device.

Parent side: `BotProcess`. Child side: ``python -m tests.matrix.bot_process <spec.json>``
runs the bot (`App`) with the configuration and the (fixed) time of the spec, prints
``ready`` once started, stops cleanly on SIGTERM, and kills itself with SIGKILL when the
spec's step is reached for the spec's circle post:

- ``stored``: the post's arrival is stored, its copy for the class not made yet;
- ``sent``: the copy's message reached the homeserver, its delivery not recorded yet;
- ``ack``: the copy delivered, the acknowledgement not sent yet;
- ``acked``: the acknowledgement sent.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from bot.app import App
from bot.config import Config
from bot.core.circles import SharedPost
from bot.core.clock import FakeClock
from bot.core.model import ChannelRef, MessageRef, Outgoing
from bot.platforms.matrix import MatrixChat

STEPS = ("stored", "sent", "ack", "acked")
READY = b"ready\n"


@dataclass(frozen=True)
class Kill:
    """Where the child kills itself: at `step`, for the post `uid` (whose words are `text`)."""

    step: str
    uid: str
    text: str


class BotProcess:
    """One bot process at a time for a class (its configuration and fixed time)."""

    def __init__(self, config: Config, now: datetime, workdir: Path) -> None:
        self.config, self.now, self.workdir = config, now, workdir
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0

    @property
    def log(self) -> Path:
        return self.workdir / f"bot-{self.runs}.log"

    async def start(self, kill: Kill | None = None, timeout: float = 60) -> None:
        """Start the bot and wait until it is ready (connected, synced, resumed)."""
        assert self.proc is None or self.proc.returncode is not None, "already running"
        self.runs += 1
        spec = self.workdir / f"bot-{self.runs}.json"
        spec.write_text(
            json.dumps(
                {
                    "config": self.config.model_dump(mode="json"),
                    "now": self.now.isoformat(),
                    "kill": None if kill is None else [kill.step, kill.uid, kill.text],
                }
            )
        )
        with self.log.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.matrix.bot_process", str(spec),
                stdout=asyncio.subprocess.PIPE, stderr=err,
            )  # fmt: skip
        assert self.proc.stdout is not None
        try:
            line = await asyncio.wait_for(self.proc.stdout.readline(), timeout)
        except TimeoutError:
            await self.terminate()
            raise
        assert line == READY, f"the bot did not start ({line!r}):\n{self.tail()}"

    async def killed(self, timeout: float = 30) -> None:
        """Wait for the bot to kill itself at its step."""
        assert self.proc is not None
        try:
            code = await asyncio.wait_for(self.proc.wait(), timeout)
        except TimeoutError:
            await self.terminate()
            raise AssertionError(f"the bot never reached its step:\n{self.tail()}") from None
        assert code == -signal.SIGKILL, f"exit {code}:\n{self.tail()}"

    async def stop(self) -> None:
        """A clean stop (SIGTERM)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(self.proc.wait(), 30)
        assert code == 0, f"exit {code}:\n{self.tail()}"

    async def terminate(self) -> None:
        """Whatever state it is in: gone (teardown)."""
        if self.proc is None or self.proc.returncode is not None:
            return
        self.proc.kill()
        await self.proc.wait()

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


# ---- the child ----


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


async def _run(spec: dict[str, Any]) -> None:
    app = App(
        Config.model_validate(spec["config"]), clock=FakeClock(datetime.fromisoformat(spec["now"]))
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stopping.set)
    await app.start()
    if spec["kill"] is not None:
        _arm(app, Kill(*spec["kill"]))
    sys.stdout.buffer.write(READY)
    sys.stdout.flush()
    await stopping.wait()
    await app.stop()


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("apscheduler", "alembic", "nio", "aiohttp", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    asyncio.run(_run(json.loads(Path(sys.argv[1]).read_text())))


if __name__ == "__main__":
    main()
