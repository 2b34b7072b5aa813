"""Fresh databases already at the newest migration, for tests that are not about migrating.

Migrating an empty database takes about 0.1 s of CPU (several times that on a busy
machine) and the suite needs a few hundred of them. Each test process migrates one
template per backend with the real `upgrade` (so every run still migrates from empty)
and hands out copies. Tests about migrations take conftest's empty `database_url`.
"""

from __future__ import annotations

import asyncio
import atexit
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bot.db.session import make_engine, upgrade

_template: Path | None = None


async def migrate(url: str) -> None:
    """Migrate the database at `url` from empty to the newest migration."""
    engine = make_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


def _sqlite_template() -> Path:
    global _template
    if _template is None:
        folder = Path(tempfile.mkdtemp(prefix="readaloud-template-"))
        atexit.register(shutil.rmtree, folder, True)
        path = folder / "head.db"
        # callers are inside the test's running event loop: migrate on a loop of its own
        with ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, migrate(f"sqlite+aiosqlite:///{path}")).result()
        assert not path.with_name("head.db-wal").exists(), "the template is not checkpointed"
        _template = path
    return _template


def sqlite_at_head(path: Path) -> str:
    """The URL of a new SQLite database at `path`, already at the newest migration."""
    assert not path.exists(), f"{path} exists already"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_sqlite_template(), path)
    return f"sqlite+aiosqlite:///{path}"
