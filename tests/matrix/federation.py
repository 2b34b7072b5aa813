"""A Synapse that federates with others on loopback (test-only; LocalHomeserver stays as is).

Each server gets a TLS federation listener with a self-signed certificate for
IP:127.0.0.1 and a server name like `127.0.0.1:<tls port>`; certificates are
not verified and loopback is not blocked (facts in /work/shared/TESTING.md).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from bot.localserver import DEFAULT_VENV, LocalHomeserver, free_port


class FederatedHomeserver(LocalHomeserver):
    """A LocalHomeserver reachable by other homeservers over federation."""

    def __init__(self, data_dir: Path, venv: Path = DEFAULT_VENV) -> None:
        super().__init__(data_dir, venv=venv)
        self.federation_port = free_port()

    @property
    def server_name(self) -> str:  # type: ignore[override]
        return f"127.0.0.1:{self.federation_port}"

    def _certificate(self) -> tuple[Path, Path]:
        cert, key = self.data_dir / "tls.crt", self.data_dir / "tls.key"
        if not cert.exists():
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                 "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                 "-keyout", str(key), "-out", str(cert)],
                check=True, capture_output=True,
            )  # fmt: skip
        return cert, key

    def config(self) -> dict[str, Any]:
        cfg = super().config()
        cert, key = self._certificate()
        cfg["listeners"].append(
            {
                "port": self.federation_port,
                "bind_addresses": ["127.0.0.1"],
                "type": "http",
                "tls": True,
                "x_forwarded": False,
                "resources": [{"names": ["federation"], "compress": False}],
            }
        )
        cfg.pop("federation_domain_whitelist", None)
        cfg.update(
            tls_certificate_path=str(cert),
            tls_private_key_path=str(key),
            federation_verify_certificates=False,
            ip_range_blacklist=[],
        )
        return cfg
