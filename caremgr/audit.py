"""The audit trail: who changed what, when, with old and new values.

Entries form a hash chain (each carries the hash of the one before), so an entry altered or
deleted directly in the database file breaks the chain and ``verify_chain`` finds it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import PostgresqlDatabase

from db.audit_chain import GENESIS, entry_hash
from db.audit_chain import plain as _plain
from db.connection import current_database, write_transaction
from db.models import AuditLog

# Never copied into the audit trail, even as "changed".
SECRET_FIELDS = {"password_hash"}
_PG_CHAIN_LOCK = 7_310_442  # advisory-lock key that serialises appends to the chain


def snapshot(instance) -> dict:
    """The stored values of a model row as plain JSON-able data, secrets left out."""
    data = {}
    for name in instance._meta.fields:
        if name in SECRET_FIELDS or name in ("created_at", "updated_at"):
            continue
        data[name] = _plain(instance.__data__.get(name))
    return data


def diff(old: dict | None, new: dict | None) -> dict:
    """``{field: [old, new]}`` for every field whose value differs."""
    old, new = old or {}, new or {}
    changes = {}
    for key in sorted(set(old) | set(new)):
        if key in SECRET_FIELDS:
            continue
        before, after = _plain(old.get(key)), _plain(new.get(key))
        if before != after:
            changes[key] = [before, after]
    return changes


def record(actor, action: str, entity: str, entity_id=None, *, resident_id: int | None = None,
           summary: str = "", changes: dict | None = None) -> AuditLog:
    """Appends one entry; call it inside the same transaction as the change it describes."""
    username = actor.username if actor is not None else "system"
    with write_transaction():
        database = current_database()
        if isinstance(database, PostgresqlDatabase):
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_CHAIN_LOCK,))
        last = AuditLog.select(AuditLog.entry_hash).order_by(AuditLog.id.desc()).first()
        prev = last.entry_hash if last and last.entry_hash else GENESIS
        at = datetime.now().replace(microsecond=0)
        entity_id = None if entity_id is None else str(entity_id)
        summary = (summary or "")[:300]
        digest = entry_hash(prev, at, username, action, entity, entity_id, resident_id, summary, changes)
        return AuditLog.create(
            at=at, username=username, action=action, entity=entity, entity_id=entity_id,
            resident_id=resident_id, summary=summary, changes=changes, prev_hash=prev, entry_hash=digest,
        )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first entry that does not fit, or None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    prev = GENESIS
    count = 0
    for row in AuditLog.select().order_by(AuditLog.id).iterator():
        count += 1
        if row.prev_hash != prev:
            return ChainReport(count, row.id, "missing or reordered entry before this one")
        expected = entry_hash(prev, row.at, row.username, row.action, row.entity, row.entity_id,
                              row.resident_id, row.summary, row.changes)
        if row.entry_hash != expected:
            return ChainReport(count, row.id, "entry altered")
        prev = row.entry_hash
    return ChainReport(count, None)


def entries(*, entity: str | None = None, entity_id=None, username: str | None = None, limit: int = 200):
    query = AuditLog.select().order_by(AuditLog.id.desc())
    if entity:
        query = query.where(AuditLog.entity == entity)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == str(entity_id))
    if username:
        query = query.where(AuditLog.username == username)
    return list(query.limit(limit))
