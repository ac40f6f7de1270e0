"""The hash that links each audit entry to the one before it (tamper evidence).

Kept in the storage layer because a migration must be able to chain entries that already exist.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime

GENESIS = "0" * 64


def plain(value):
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def entry_hash(prev_hash: str, at, username, action, entity, entity_id, resident_id, summary, changes) -> str:
    payload = json.dumps(
        [prev_hash, plain(at), username, action, entity, entity_id, resident_id, summary, changes],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
