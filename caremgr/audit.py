"""The audit trail: who changed what, when, with old and new values.

Entries form a hash chain (each carries the hash of the one before), so an entry altered or
deleted directly in the database file breaks the chain and ``verify_chain`` finds it.
"""

from __future__ import annotations

import contextvars
import json
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import PostgresqlDatabase

from caremgr.errors import NotFound, ValidationError
from caremgr.i18n import N_, _
from caremgr.sheets import write_xlsx
from db import prepared
from db.audit_chain import GENESIS, entry_hash
from db.audit_chain import plain as _plain
from db.connection import current_database, write_transaction
from db.models import AuditLog, Resident

# Never copied into the audit trail, even as "changed".
SECRET_FIELDS = {"password_hash"}
_PG_CHAIN_LOCK = 7_310_442  # advisory-lock key that serialises appends to the chain


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


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


def _last_hash_query(limit: int):
    return AuditLog.select(AuditLog.entry_hash).order_by(AuditLog.id.desc()).limit(limit)


# The chain's last hash, kept while one long unit of work holds the write lock (an import: SQLite's
# BEGIN IMMEDIATE, PostgreSQL's advisory lock from its first entry to its commit), so that no other
# writer can append meanwhile. ``forget_chain_head`` must be called when a savepoint holding entries
# is rolled back.
_HEAD: contextvars.ContextVar[dict | None] = contextvars.ContextVar("caremgr_audit_head", default=None)


@contextmanager
def chain_head_kept():
    token = _HEAD.set({})
    try:
        yield
    finally:
        _HEAD.reset(token)


def forget_chain_head() -> None:
    head = _HEAD.get()
    if head is not None:
        head.clear()


def record(actor, action: str, entity: str, entity_id=None, *, resident_id: int | None = None,
           summary: str = "", changes: dict | None = None) -> AuditLog:
    """Appends one entry; call it inside the same transaction as the change it describes."""
    username = actor.username if actor is not None else "system"
    database = current_database()
    # Inside the change's transaction (the usual case) no savepoint of its own is needed: the two
    # statements below either both happen or the caller's transaction (or savepoint) is undone.
    with nullcontext() if database.in_transaction() else write_transaction():
        if isinstance(database, PostgresqlDatabase):
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_CHAIN_LOCK,))
        # The text of these two statements is built once (db.prepared): an import writes thousands.
        head = _HEAD.get()
        if head and database.in_transaction():
            prev = head["hash"]
        else:
            last = prepared.rows("audit.last_hash", [AuditLog.entry_hash], _last_hash_query, 1)
            prev = last[0][0] if last and last[0][0] else GENESIS
        at = _now()
        entity_id = None if entity_id is None else str(entity_id)
        summary = (summary or "")[:300]
        digest = entry_hash(prev, at, username, action, entity, entity_id, resident_id, summary, changes)
        if head is not None:
            head["hash"] = digest
        return prepared.insert(
            AuditLog,
            at=at, username=username, action=action, entity=entity, entity_id=entity_id,
            resident_id=resident_id, summary=summary, changes=changes, prev_hash=prev, entry_hash=digest,
        )


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first entry that does not fit, or None
    reason: str = ""  # "missing" (an entry before this one was deleted or reordered) | "altered"
    at: datetime | None = None  # the date and time the first bad entry claims

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    @property
    def message(self) -> str:
        """One Vietnamese sentence for the administrator, naming the first bad entry."""
        if self.ok:
            return _("Nhật ký nguyên vẹn: đã kiểm tra {n} dòng.").format(n=self.checked)
        when = self.at.strftime("%d/%m/%Y %H:%M:%S") if isinstance(self.at, datetime) else "?"
        if self.reason == "missing":
            return _("Nhật ký bị can thiệp: có dòng bị xóa hoặc đảo thứ tự ngay trước dòng số {id} "
                     "(ghi lúc {at}).").format(id=self.broken_at, at=when)
        return _("Nhật ký bị can thiệp: dòng số {id} (ghi lúc {at}) đã bị sửa.").format(
            id=self.broken_at, at=when)


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime) or value is None:
        return value
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def verify_chain() -> ChainReport:
    """Walks the trail in id order. An altered field changes the entry's hash; a deleted (or moved)
    entry leaves the next one pointing at a hash that is no longer just before it."""
    prev = GENESIS
    count = 0
    for row in AuditLog.select().order_by(AuditLog.id).iterator():
        count += 1
        if row.prev_hash != prev:
            return ChainReport(count, row.id, "missing", _as_datetime(row.at))
        expected = entry_hash(prev, row.at, row.username, row.action, row.entity, row.entity_id,
                              row.resident_id, row.summary, row.changes)
        if row.entry_hash != expected:
            return ChainReport(count, row.id, "altered", _as_datetime(row.at))
        prev = row.entry_hash
    return ChainReport(count, None)


def verify(actor) -> ChainReport:
    """``verify_chain`` for a person allowed to read the trail (permission "audit.view")."""
    from caremgr.auth import require

    require(actor, "audit.view")
    return verify_chain()


def entries(*, entity: str | None = None, entity_id=None, username: str | None = None, limit: int = 200):
    query = AuditLog.select().order_by(AuditLog.id.desc())
    if entity:
        query = query.where(AuditLog.entity == entity)
    if entity_id is not None:
        query = query.where(AuditLog.entity_id == str(entity_id))
    if username:
        query = query.where(AuditLog.username == username)
    return list(query.limit(limit))


# --- the viewer ----------------------------------------------------------------------------------

VIEW_THROTTLE = timedelta(minutes=10)  # at most one "view" entry per user per resident in this time


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    username: str
    action: str
    entity: str
    entity_id: str | None
    resident_id: int | None
    resident_code: str | None
    summary: str
    changes: dict | None


def _day(value, field: str, label: str) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    from caremgr.dates import parse_date

    try:
        return parse_date(value)
    except ValueError as exc:
        raise ValidationError(f"{label}: {str(exc)[:1].lower()}{str(exc)[1:]}", field) from None


def _resident_by_code(code: str) -> int:
    resident = Resident.get_or_none(Resident.code == code.strip().upper())
    if resident is None:
        raise ValidationError(_("Mã đối tượng: không có đối tượng {code}.").format(code=code.strip()),
                              "resident_code")
    return resident.id


def search(actor, *, username: str | None = None, resident_id: int | None = None,
           resident_code: str | None = None, date_from=None, date_to=None, action: str | None = None,
           entity: str | None = None, limit: int | None = 500) -> list[AuditRow]:
    """Entries matching every filter given, newest first. Dates ("dd/mm/yyyy" or ``date``) include
    the whole day at both ends; ``limit=None`` returns all."""
    from caremgr.auth import require

    require(actor, "audit.view")
    start = _day(date_from, "date_from", _("Từ ngày"))
    end = _day(date_to, "date_to", _("Đến ngày"))
    if start and end and end < start:
        raise ValidationError(_("Đến ngày: không được trước từ ngày."), "date_to")
    query = AuditLog.select().order_by(AuditLog.id.desc())
    if username and username.strip():
        query = query.where(AuditLog.username == username.strip().lower())
    if resident_code and resident_code.strip():
        query = query.where(AuditLog.resident_id == _resident_by_code(resident_code))
    if resident_id is not None:
        query = query.where(AuditLog.resident_id == int(resident_id))
    if start:
        query = query.where(AuditLog.at >= datetime.combine(start, time.min))
    if end:
        query = query.where(AuditLog.at < datetime.combine(end + timedelta(days=1), time.min))
    if action:
        query = query.where(AuditLog.action == action)
    if entity:
        query = query.where(AuditLog.entity == entity)
    if limit is not None:
        query = query.limit(limit)
    entries = list(query)
    ids = {e.resident_id for e in entries if e.resident_id is not None}
    codes = {r.id: r.code for r in Resident.select(Resident.id, Resident.code).where(Resident.id.in_(ids))} \
        if ids else {}
    return [AuditRow(id=e.id, at=e.at, username=e.username, action=e.action, entity=e.entity,
                     entity_id=e.entity_id, resident_id=e.resident_id, resident_code=codes.get(e.resident_id),
                     summary=e.summary, changes=e.changes) for e in entries]


EXPORT_HEADERS = (N_("Số"), N_("Thời điểm"), N_("Người dùng"), N_("Thao tác"), N_("Loại bản ghi"),
                  N_("Mã bản ghi"), N_("Mã đối tượng"), N_("Nội dung"), N_("Thay đổi"))


def export_xlsx(actor, path, **filters) -> int:
    """The entries ``search`` finds (all of them unless ``limit`` is given) as an .xlsx; cells that
    look like formulas are kept as text. Returns the number of rows written."""
    filters.setdefault("limit", None)
    rows = search(actor, **filters)
    write_xlsx(path, [_(h) for h in EXPORT_HEADERS], (
        [r.id, r.at.strftime("%d/%m/%Y %H:%M:%S"), r.username, r.action, r.entity, r.entity_id or "",
         r.resident_code or "", r.summary or "",
         json.dumps(r.changes, ensure_ascii=False, sort_keys=True) if r.changes else ""]
        for r in rows), sheet_title=_("Nhật ký"))
    return len(rows)


def record_view(actor, resident_id: int) -> bool:
    """Logs that ``actor`` opened a resident's record (action "view", entity "resident"). At most one
    entry per user per resident every 10 minutes; returns whether an entry was written."""
    from caremgr.auth import require

    require(actor, "residents.view")
    resident = Resident.get_or_none(Resident.id == resident_id)
    if resident is None:
        raise NotFound(_("Không tìm thấy hồ sơ đối tượng."))
    with write_transaction():
        since = _now() - VIEW_THROTTLE
        recent = (AuditLog.select(AuditLog.id)
                  .where((AuditLog.username == actor.username) & (AuditLog.action == "view")
                         & (AuditLog.entity == "resident") & (AuditLog.resident_id == resident.id)
                         & (AuditLog.at > since))
                  .exists())
        if recent:
            return False
        record(actor, "view", "resident", resident.id, resident_id=resident.id,
               summary=f"opened record {resident.code}")
        return True
