"""The embedded Synapse homeserver: `make run` without any accounts, and the Matrix tests.

Synapse lives in its own virtualenv (its pins clash with the bot's). Everything
it needs — config, SQLite database, signing key, secrets, chosen port, the
accounts created through it — is kept in one data directory, so a second run
reuses the same server address, users and rooms.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import hashlib
import hmac
import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

DEFAULT_VENV = Path("var/synapse-venv")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
PR_SET_PDEATHSIG = 1
UNLIMITED = {"per_second": 10000, "burst_count": 10000}


@dataclass(frozen=True, slots=True)
class Account:
    """A Matrix account on the local server, ready to use."""

    user_id: str
    access_token: str
    device_id: str


class HomeserverError(RuntimeError):
    """The local homeserver could not be installed, started or used."""


# Synapse's logging (JSON is valid YAML): warnings and errors, on stderr
LOG_CONFIG: dict[str, Any] = {
    "version": 1,
    "formatters": {"plain": {"format": "%(asctime)s %(name)s %(levelname)s %(message)s"}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"level": "WARNING", "handlers": ["stderr"]},
    "disable_existing_loggers": False,
}


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def registration_mac(secret: str, nonce: str, user: str, password: str, admin: bool) -> str:
    """The HMAC-SHA1 Synapse's shared-secret registration expects."""
    mac = hmac.new(secret.encode(), digestmod=hashlib.sha1)
    for part in (nonce, user, password):
        mac.update(part.encode() + b"\x00")
    mac.update(b"admin" if admin else b"notadmin")
    return mac.hexdigest()


def _die_with_parent() -> None:
    """In the child before exec: on Linux, get SIGTERM when the parent dies (no orphans)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class LocalHomeserver:
    """One Synapse process on 127.0.0.1, with all its state in `data_dir`."""

    server_name = "localhost"

    def __init__(self, data_dir: Path, port: int | None = None, venv: Path = DEFAULT_VENV):
        self.data_dir = Path(data_dir).resolve()
        self.venv = Path(os.environ.get("SYNAPSE_VENV") or venv).resolve()
        self._wanted_port = port
        self._state: dict[str, Any] = {}
        self._proc: asyncio.subprocess.Process | None = None
        self._http: aiohttp.ClientSession | None = None

    # ---- paths and persistent state ----

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def config_path(self) -> Path:
        return self.data_dir / "homeserver.json"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "homeserver.log"

    @property
    def port(self) -> int:
        return int(self._state["port"])

    @property
    def base_url(self) -> str:
        """The client API address, e.g. http://127.0.0.1:8008."""
        return f"http://127.0.0.1:{self.port}"

    def _load_state(self) -> None:
        """Secrets and port from a previous run, or new ones (written back at once)."""
        path = self.data_dir / "state.json"
        state = json.loads(path.read_text()) if path.exists() else {}
        for key in ("registration_shared_secret", "macaroon_secret_key", "form_secret"):
            state.setdefault(key, secrets.token_urlsafe(32))
        if self._wanted_port is not None:
            state["port"] = self._wanted_port
        state.setdefault("port", free_port())
        state.setdefault("accounts", {})
        self._state = state
        self._save_state()

    def _save_state(self) -> None:
        path = self.data_dir / "state.json"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._state, indent=2))
        tmp.chmod(0o600)
        tmp.replace(path)

    # ---- install ----

    def _installed(self) -> bool:
        if not self.python.exists():
            return False
        probe = [str(self.python), "-c", "import synapse"]
        return subprocess.run(probe, capture_output=True).returncode == 0

    def ensure_installed(self) -> None:
        """Create the Synapse virtualenv and install matrix-synapse into it if missing.

        SYNAPSE_VENV overrides the virtualenv, SYNAPSE_VERSION pins the version.
        """
        if self._installed():
            return
        log.info("installing Synapse into %s (about 20 s)", self.venv)
        if not self.python.exists():
            subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
        version = os.environ.get("SYNAPSE_VERSION")
        spec = f"matrix-synapse=={version}" if version else "matrix-synapse"
        pip = [str(self.python), "-m", "pip", "install", "--quiet", spec]
        result = subprocess.run(pip, capture_output=True, text=True)
        if result.returncode != 0:
            raise HomeserverError(f"pip install matrix-synapse failed:\n{result.stderr[-2000:]}")

    # ---- config ----

    def config(self) -> dict[str, Any]:
        """The homeserver configuration (JSON is valid YAML)."""
        d, s = self.data_dir, self._state
        return {
            "server_name": self.server_name,
            "public_baseurl": self.base_url + "/",
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(d / "homeserver.db")}},
            "media_store_path": str(d / "media"),
            "signing_key_path": str(d / "signing.key"),
            "registration_shared_secret": s["registration_shared_secret"],
            "macaroon_secret_key": s["macaroon_secret_key"],
            "form_secret": s["form_secret"],
            "enable_registration": False,
            "bcrypt_rounds": 4,
            "report_stats": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "federation_domain_whitelist": [],
            "presence": {"enabled": False},
            "user_directory": {"enabled": False},
            "url_preview_enabled": False,
            "enable_metrics": False,
            "log_config": str(self.data_dir / "log.yaml"),
            **self._rate_limits(),
        }

    @staticmethod
    def _rate_limits() -> dict[str, Any]:
        """Every rc_* limit raised so tests and bursts are never throttled."""
        flat = [
            "rc_message",
            "rc_registration",
            "rc_admin_redaction",
            "rc_joins_per_room",
            "rc_3pid_validation",
            "rc_third_party_invite",
            "rc_media_create",
            "rc_key_requests",
            "rc_registration_token_validity",
            "rc_room_creation",
            "rc_reports",
            "rc_delayed_event_mgmt",
        ]
        limits: dict[str, Any] = {name: dict(UNLIMITED) for name in flat}
        limits["rc_login"] = {k: dict(UNLIMITED) for k in ("address", "account", "failed_attempts")}
        limits["rc_joins"] = {k: dict(UNLIMITED) for k in ("local", "remote")}
        limits["rc_invites"] = {k: dict(UNLIMITED) for k in ("per_room", "per_user", "per_issuer")}
        limits["rc_presence"] = {"per_user": dict(UNLIMITED)}
        limits["rc_federation"] = {
            "window_size": 1000,
            "sleep_limit": 10000,
            "sleep_delay": 1,
            "reject_limit": 10000,
            "concurrent": 10000,
        }
        return limits

    # ---- process ----

    async def start(self) -> None:
        """Write the config, start Synapse and wait until /health answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._load_state()
        self._stop_stale()
        self.config_path.write_text(json.dumps(self.config(), indent=2))
        # warnings and errors only (to homeserver.log): a line per request costs CPU
        (self.data_dir / "log.yaml").write_text(json.dumps(LOG_CONFIG))
        self.config_path.chmod(0o600)
        logfile = self.log_path.open("ab")
        try:
            self._proc = await asyncio.create_subprocess_exec(
                str(self.python),
                "-m",
                "synapse.app.homeserver",
                "-c",
                str(self.config_path),
                cwd=self.data_dir,
                stdin=subprocess.DEVNULL,
                stdout=logfile,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )
        finally:
            logfile.close()
        (self.data_dir / "synapse.pid").write_text(str(self._proc.pid))
        self._http = aiohttp.ClientSession()
        try:
            await self._wait_healthy()
        except BaseException:
            await self.stop()
            raise
        log.info("local Synapse ready at %s (pid %s)", self.base_url, self._proc.pid)

    async def _wait_healthy(self) -> None:
        assert self._proc is not None and self._http is not None
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if self._proc.returncode is not None:
                raise HomeserverError(
                    f"Synapse exited with code {self._proc.returncode}:\n{self.log_tail()}"
                )
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with self._http.get(self.base_url + "/health") as resp:
                    if resp.status == 200:
                        return
            if time.monotonic() > deadline:
                raise HomeserverError(
                    f"Synapse did not answer within {START_TIMEOUT:.0f} s:\n{self.log_tail()}"
                )
            await asyncio.sleep(0.1)

    def _stop_stale(self) -> None:
        """Kill a Synapse left over from a previous run of this data dir (by its pid file)."""
        pid_file = self.data_dir / "synapse.pid"
        if not pid_file.exists():
            return
        with contextlib.suppress(ValueError, OSError):
            pid = int(pid_file.read_text())
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
            if str(self.config_path).encode() in cmdline:
                log.warning("stopping Synapse left running by an earlier run (pid %s)", pid)
                os.kill(pid, signal.SIGKILL)
        pid_file.unlink(missing_ok=True)

    def log_tail(self, lines: int = 40) -> str:
        """The last lines of Synapse's log, for error messages."""
        if not self.log_path.exists():
            return "(no log)"
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    async def stop(self) -> None:
        """SIGTERM our Synapse, SIGKILL it after 10 s."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
            except TimeoutError:
                log.warning("Synapse did not stop in %.0f s; killing it", STOP_TIMEOUT)
                proc.kill()
                await proc.wait()
        (self.data_dir / "synapse.pid").unlink(missing_ok=True)
        if self._http is not None:
            await self._http.close()
            self._http = None

    async def __aenter__(self) -> LocalHomeserver:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # ---- accounts ----

    async def register(self, localpart: str, password: str, admin: bool = False) -> Account:
        """Create a user (or reuse it from an earlier run) and return a logged-in account."""
        saved = self._state["accounts"].get(localpart)
        if saved and await self._token_works(saved["access_token"]):
            return Account(**saved)
        status, body = await self._register(localpart, password, admin)
        if status == 400 and body.get("errcode") == "M_USER_IN_USE":
            device = saved["device_id"] if saved else None
            status, body = await self._login(localpart, password, device)
        if status != 200:
            raise HomeserverError(f"could not register or log in {localpart}: {status} {body}")
        account = Account(body["user_id"], body["access_token"], body["device_id"])
        self._state["accounts"][localpart] = asdict(account)
        self._save_state()
        return account

    async def _request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str = ""
    ) -> tuple[int, dict[str, Any]]:
        assert self._http is not None, "start() the homeserver first"
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        async with self._http.request(
            method, self.base_url + path, json=body, headers=headers
        ) as resp:
            return resp.status, await resp.json(content_type=None)

    async def _register(self, user: str, password: str, admin: bool) -> tuple[int, dict[str, Any]]:
        path = "/_synapse/admin/v1/register"
        _, nonce_body = await self._request("GET", path)
        nonce = nonce_body["nonce"]
        secret = self._state["registration_shared_secret"]
        return await self._request(
            "POST",
            path,
            {
                "nonce": nonce,
                "username": user,
                "password": password,
                "admin": admin,
                "mac": registration_mac(secret, nonce, user, password, admin),
            },
        )

    async def _login(
        self, user: str, password: str, device_id: str | None
    ) -> tuple[int, dict[str, Any]]:
        body: dict[str, Any] = {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": user},
            "password": password,
        }
        if device_id:
            body["device_id"] = device_id
        return await self._request("POST", "/_matrix/client/v3/login", body)

    async def _token_works(self, token: str) -> bool:
        status, _ = await self._request("GET", "/_matrix/client/v3/account/whoami", token=token)
        return status == 200
