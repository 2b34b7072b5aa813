"""Transaction ids: the same delivery key always gives the same Matrix txn id.

Synapse deduplicates a repeated send with the same txn id from the same
device, so a post retried after a crash appears once.
"""

from __future__ import annotations

import hashlib
import uuid


def txn_id(key: str | None, part: str = "") -> str:
    """A deterministic txn id for `key` (plus an optional sub-part), or a random one."""
    if key is None:
        return uuid.uuid4().hex
    digest = hashlib.sha256(f"{key}\x00{part}".encode() if part else key.encode())
    return "ra" + digest.hexdigest()[:32]
