"""A TCP relay in front of PostgreSQL that a test can cut, as if the database server stopped."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator

import asyncpg

RELAY_TASK = "db-relay"


class CuttableRelay:
    """Listens on 127.0.0.1:port and relays to the database; `cut()` drops every connection
    and refuses new ones (like a stopped server), `restore()` accepts them again."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = 0
        self._server: asyncio.Server | None = None
        self._writers: list[asyncio.StreamWriter] = []

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()
        self._server = None
        for w in self._writers:
            w.close()
        self._writers.clear()

    async def restore(self) -> None:
        await self.start()

    async def stop(self) -> None:
        if self._server is not None:
            await self.cut()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.close()
            return
        self._writers += [writer, up_writer]

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
            with contextlib.suppress(Exception):
                while data := await src.read(65536):
                    dst.write(data)
                    await dst.drain()
            dst.close()

        me = asyncio.current_task()
        if me is not None:
            me.set_name(RELAY_TASK)  # lives as long as the connection (harnesses skip it)
        await asyncio.gather(
            asyncio.create_task(pipe(reader, up_writer), name=RELAY_TASK),
            asyncio.create_task(pipe(up_reader, writer), name=RELAY_TASK),
        )


@contextlib.asynccontextmanager
async def relayed_database(admin_url: str) -> AsyncIterator[tuple[CuttableRelay, str]]:
    """A fresh PostgreSQL database (dropped afterwards) reached through a cuttable relay."""
    name = f"readaloud_fault_{secrets.token_hex(4)}"
    admin = admin_url.replace("+asyncpg", "")
    conn = await asyncpg.connect(admin)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    relay = CuttableRelay(int(admin.rsplit(":", 1)[1].split("/")[0]))
    await relay.start()
    try:
        yield relay, f"postgresql+asyncpg://postgres@127.0.0.1:{relay.port}/{name}"
    finally:
        await relay.stop()
        conn = await asyncpg.connect(admin)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
