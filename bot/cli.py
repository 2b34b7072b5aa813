"""The `readaloud` command: run, check, db upgrade, plan import/export, screen."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path

from bot.config import Config, load
from bot.core.errors import ConfigError

DEFAULT_CONFIG = Path("config.toml")


def _load(path: Path | None) -> Config:
    if path is None and DEFAULT_CONFIG.exists():
        path = DEFAULT_CONFIG
    return load(path)


def _report(e: ConfigError) -> int:
    print("The configuration has problems:", file=sys.stderr)
    for p in e.problems:
        print(f"  - {p}", file=sys.stderr)
    return 2


def cmd_check(args: argparse.Namespace) -> int:
    try:
        config = _load(args.config)
    except ConfigError as e:
        return _report(e)
    where = config.path or "built-in defaults (no config file)"
    mode = "embedded demo homeserver" if config.embedded else "configured platforms"
    print(f"Configuration OK: {where}; {mode}.")
    warning = _word_list_warning()
    if warning:
        print(warning, file=sys.stderr)
    return max(_encryption_check(config), _circles_check(config))


def _circles_check(config: Config) -> int:
    """Which Matrix account carries circles between schools (none is fine)."""
    m, c = config.settings.matrix, config.settings.circles
    if config.embedded or not (c.matrix_homeserver or (m.enabled and m.homeserver)):
        return 0
    if m.enabled and m.homeserver:
        unused = (
            f" (the [circles] account {c.matrix_user_id} is not used)" if c.matrix_user_id else ""
        )
        print(f"Circles between schools: over the [matrix] account {m.user_id}{unused}.")
        return 0
    from bot.platforms import CIRCLES_STORE
    from bot.platforms.matrix.crypto import check_store

    store = Path(config.settings.bot.data_dir) / CIRCLES_STORE
    problems = check_store(store)
    for p in problems:
        print(f"Problem: {p}", file=sys.stderr)
    if problems:
        return 2
    print(
        f"Circles between schools: over the circles-only Matrix account {c.matrix_user_id} "
        f"on {c.matrix_homeserver}; crypto store {store} writable."
    )
    return 0


def _encryption_check(config: Config) -> int:
    """Matrix encryption: is E2E support installed, can the crypto store be written?"""
    m = config.settings.matrix
    if not m.enabled or config.embedded:
        return 0
    from bot.platforms.matrix.crypto import check_store

    problems = check_store(Path(m.crypto_store))
    for p in problems:
        print(f"Problem: {p}", file=sys.stderr)
    if problems:
        return 2
    print(f"Matrix encryption: E2E support installed; crypto store {m.crypto_store} writable.")
    return 0


def _word_list_warning() -> str | None:
    """Screening runs without the obscenity list, but catches less: say so."""
    from bot.screening.obscenity_list import locate

    if locate() is not None:
        return None
    return (
        "Warning: the obscenity word list is not installed, so screening catches fewer "
        "rude words. Run `make install` (or `python -m bot.screening.fetch_list var/lexicons`)."
    )


async def _serve(config: Config) -> int:
    """Serve until Ctrl-C / SIGTERM (exit 0) or until a platform stops for good (exit 1)."""
    from bot.app import App

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if config.embedded:
        from bot.demo import run_demo

        await run_demo(config, stop)
        return 0
    async with App(config) as app:
        waits = [asyncio.create_task(stop.wait()), asyncio.create_task(app.failed.wait())]
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in waits:
            task.cancel()
    if app.failure:
        print(f"readaloud stopped: {app.failure}", file=sys.stderr)
        return 1
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    try:
        config = _load(args.config)
    except ConfigError as e:
        return _report(e)
    logging.basicConfig(
        level=config.settings.bot.log_level,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("apscheduler", "nio", "alembic"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    warning = _word_list_warning()
    if warning:
        logging.getLogger("readaloud").warning(warning)
    return asyncio.run(_serve(config))


def cmd_db(args: argparse.Namespace) -> int:
    from bot.db.session import current_revision, make_engine, upgrade

    try:
        config = _load(args.config)
    except ConfigError as e:
        return _report(e)

    async def go() -> None:
        engine = make_engine(config.settings.bot.database_url)
        await upgrade(engine)
        print(f"Database at revision {await current_revision(engine)}.")
        await engine.dispose()

    asyncio.run(go())
    return 0


def cmd_plan(args: argparse.Namespace) -> int:
    """`plan import FILE --class ID` / `plan export --class ID`: season files (TOML)."""
    import getpass

    from bot.core.clock import SystemClock
    from bot.core.errors import UserError
    from bot.db.session import make_engine, make_sessionmaker, upgrade
    from cogs.readaloud.season import parse_season, render_season
    from cogs.readaloud.season_store import SeasonStore

    try:
        config = _load(args.config)
    except ConfigError as e:
        return _report(e)

    async def go() -> str:
        season = None
        if args.action == "import":
            try:
                text = args.file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as e:
                raise UserError(f"Cannot read {args.file}: {e}") from None
            season = parse_season(text, source=args.file.name)
        engine = make_engine(config.settings.bot.database_url)
        try:
            await upgrade(engine)
            store = SeasonStore(make_sessionmaker(engine), SystemClock())
            if season is not None:
                try:
                    who = f"cli:{getpass.getuser()}"
                except OSError:  # no user name in some containers
                    who = "cli"
                r = await store.import_season(args.class_id, season, who)
                first = r.first_session.strftime("%Y-%m-%d %H:%M UTC") if r.first_session else "-"
                lines = [
                    f'Imported "{r.book}" into class {args.class_id} (times in {r.timezone}):',
                    f"  {r.sessions} sessions planned, the first at {first}",
                    f"  {r.kept_sessions} sessions already posted were kept",
                    f"  {r.prompts} prompts",
                ]
                if r.answers_removed:
                    lines.append(f"  {r.answers_removed} answers to changed prompts were removed")
                return "\n".join(lines)
            text = render_season(await store.export_season(args.class_id, args.book))
            if args.out is None:
                return text.rstrip("\n")
            args.out.write_text(text, encoding="utf-8")
            return f"Wrote {args.out}."
        finally:
            await engine.dispose()

    try:
        print(asyncio.run(go()))
    except UserError as e:
        print(e.message, file=sys.stderr)
        return 2
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from bot.screening.evaluate import main as evaluate

    extra = ["--context", str(args.context)] if args.context is not None else []
    return evaluate(["--tsv", str(args.tsv), "--out", str(args.out), *extra])


def cmd_discord(args: argparse.Namespace) -> int:
    from bot.platforms.discord.invite import invite_url

    try:
        config = _load(args.config)
    except ConfigError as e:
        return _report(e)
    application_id = args.application_id or config.settings.discord.application_id
    if not application_id:
        print(
            "Give the application id from the Discord Developer Portal: "
            "readaloud discord invite-url --application-id 123456789012345678 "
            "(or set discord.application_id in the config file).",
            file=sys.stderr,
        )
        return 2
    try:
        print(invite_url(application_id))
    except ValueError as e:
        print(f"application id {application_id!r}: {e}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", type=Path, help="config file (default: ./config.toml)")
    parser = argparse.ArgumentParser(prog="readaloud", description=__doc__, parents=[common])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser(
        "run", parents=[common], help="run the bot (a demo homeserver if nothing is configured)"
    )
    sub.add_parser("check", parents=[common], help="validate the configuration")
    db = sub.add_parser("db", parents=[common], help="database maintenance")
    db.add_argument("action", choices=["upgrade"])
    plan = sub.add_parser("plan", help="season plan files: import or export a class's season")
    plan_sub = plan.add_subparsers(dest="action", required=True)
    imp = plan_sub.add_parser("import", parents=[common], help="import a season file (TOML)")
    imp.add_argument("file", type=Path, metavar="FILE")
    exp = plan_sub.add_parser("export", parents=[common], help="print or write a season file")
    exp.add_argument("--book", help="the book's title (default: the class's latest book)")
    exp.add_argument("--out", type=Path, help="write to this file instead of printing")
    for p in (imp, exp):
        p.add_argument("--class", dest="class_id", type=int, required=True, metavar="ID")
    discord_ = sub.add_parser("discord", help="Discord set-up helpers")
    discord_sub = discord_.add_subparsers(dest="action", required=True)
    url = discord_sub.add_parser(
        "invite-url", parents=[common], help="the link that adds the bot to a server"
    )
    url.add_argument("--application-id", help="from the Developer Portal")
    screen = sub.add_parser("screen", help="screen a TSV of messages (moddata schema)")
    screen.add_argument("--tsv", type=Path, required=True)
    screen.add_argument("--out", type=Path, required=True)
    screen.add_argument(
        "--context",
        type=Path,
        metavar="FILE",
        help="a book's TOML (title, author, characters, chapters): screen as its class would",
    )
    args = parser.parse_args(argv)
    handlers = {"run": cmd_run, "check": cmd_check, "db": cmd_db, "screen": cmd_screen}
    handlers["plan"] = cmd_plan
    handlers["discord"] = cmd_discord
    return handlers[args.command](args)
