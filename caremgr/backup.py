"""Backups and restore of the centre's database.

A backup is made on the first start of each day, before every schema migration, before a restore and
whenever an administrator asks; files go to the folder set in "backup.folder" (e.g. a USB stick),
default a "backups" folder next to the SQLite file. Daily backups are rotated (7 daily, 4 weekly,
12 monthly); manual, before-migration and before-restore backups are kept until removed by hand.
A passphrase, when given, encrypts the file (AES-GCM) and is never stored. The backup of an encrypted
database (``db.cipher``) is itself encrypted with the database key, passphrase or not.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from peewee import PostgresqlDatabase

from caremgr import __version__, audit, settings
from caremgr.auth import SYSTEM, Actor, require
from caremgr.errors import CaremgrError
from caremgr.i18n import _
from db import backup as raw
from db import cipher
from db.connection import close_database, current_database, open_database
from db.migrations import CURRENT_VERSION, schema_version

KEEP_DAILY, KEEP_WEEKLY, KEEP_MONTHLY = 7, 4, 12
ROTATED_REASONS = ("daily",)
PASSPHRASE_ENV = "CAREMGR_BACKUP_PASSPHRASE"
_NAME = re.compile(r"^caremgr-(\d{8})-(\d{6})-([a-z-]+?)(?:-\d+)?\.cmbak$")


class BackupError(CaremgrError):
    """A backup could not be made or a file cannot be restored; the message says why."""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created_at: datetime
    size: int  # bytes of the backup file
    encrypted: bool
    schema_version: int | None
    counts: dict = field(default_factory=dict)  # residents, staff, users, health_checks, ...
    reason: str = "manual"  # manual | daily | before-migration | before-restore
    kind: str = "sqlite"  # sqlite | postgresql
    app_version: str = ""
    db_encrypted: bool = False  # the database inside is encrypted with the database key (SQLCipher)

    @property
    def created_label(self) -> str:
        return self.created_at.strftime("%d/%m/%Y %H:%M:%S")


@dataclass(frozen=True)
class RestoreResult:
    restored_from: BackupInfo
    safety_copy: Path


# --- where the database and the backups are ---------------------------------------------------------

def _current():
    """("sqlite", path) or ("postgresql", url with password) of the open database."""
    database = current_database()
    if isinstance(database, PostgresqlDatabase):
        from urllib.parse import quote

        p = database.connect_params
        user = quote(p.get("user") or "", safe="")
        password = quote(p.get("password") or "", safe="")
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        return "postgresql", f"postgresql://{auth}{p.get('host') or 'localhost'}:{p.get('port') or 5432}/" \
                             f"{database.database}"
    return "sqlite", str(Path(database.database).resolve())


def default_folder() -> Path:
    kind, where = _current()
    if kind == "sqlite":
        return raw.default_folder_for(where)
    from db.connection import default_data_dir

    return default_data_dir() / "backups"


def backup_folder() -> Path:
    """The folder set in "backup.folder", else the default one."""
    chosen = (settings.get("backup.folder") or "").strip()
    return Path(chosen).expanduser() if chosen else default_folder()


def _ensure_folder(folder: Path, chosen: bool) -> None:
    if folder.is_dir():
        return
    if chosen and not folder.parent.is_dir():
        raise BackupError(_("Thư mục sao lưu {folder} không tồn tại (ổ USB chưa cắm?).").format(folder=folder))
    try:
        folder.mkdir(parents=not chosen, exist_ok=True)
    except OSError as exc:
        raise BackupError(_("Không tạo được thư mục sao lưu {folder}: {error}").format(
            folder=folder, error=exc.strerror or exc)) from exc


def _live_counts() -> dict[str, int]:
    database = current_database()
    return {name: database.execute_sql(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
            for name, table in raw.COUNTED_TABLES.items() if database.table_exists(table)}


def _tool_message(exc) -> str:
    if isinstance(exc, raw.ToolMissing):
        return _("Không tìm thấy chương trình {tool} của PostgreSQL trên máy này: hãy cài gói công cụ "
                 "PostgreSQL (postgresql-client) rồi thử lại.").format(tool=exc.tool)
    return _("{tool} báo lỗi: {error}").format(tool=exc.tool, error=exc.stderr.strip()[-300:])


def _file_message(exc: raw.BackupFileError, path) -> str:
    messages = {
        "not_backup": _("Tệp {file} không phải bản sao lưu của caremgr."),
        "unreadable": _("Không đọc được tệp {file}."),
        "damaged": _("Tệp sao lưu {file} bị hỏng (mã kiểm tra không khớp); không dùng được."),
        "passphrase_needed": _("Tệp sao lưu {file} được mã hóa: cần nhập mật khẩu sao lưu."),
        "wrong_passphrase": _("Mật khẩu sao lưu không đúng (hoặc tệp {file} đã bị sửa)."),
        "integrity": _("Cơ sở dữ liệu trong tệp {file} bị hỏng (kiểm tra toàn vẹn không đạt)."),
        "no_crypto": _("Máy này thiếu thư viện mã hóa (cryptography) để đọc hoặc tạo bản sao lưu mã hóa."),
    }
    return messages.get(exc.code, messages["not_backup"]).format(file=Path(path).name)


def _too_new(found: int) -> BackupError:
    return BackupError(_("Bản sao lưu thuộc phiên bản cơ sở dữ liệu mới hơn ({found}) so với chương trình "
                         "({ours}). Hãy cài phiên bản caremgr mới hơn rồi khôi phục.").format(
        found=found, ours=CURRENT_VERSION))


def _current_key() -> str | None:
    """The key of the open database when it is an encrypted SQLite file."""
    try:
        return cipher.database_key(current_database())
    except RuntimeError:  # no database open
        return None


def _payload_key(payload: Path, key: str | None, path) -> str:
    """The database key that opens an encrypted payload: ``key``, the open database's, CAREMGR_DB_KEY."""
    if not cipher.available():
        raise BackupError(_("Bản sao lưu {file} chứa cơ sở dữ liệu được mã hóa nhưng máy này chưa cài thành "
                            "phần mã hóa (sqlcipher3).").format(file=Path(path).name))
    for candidate in dict.fromkeys((key, _current_key(), os.environ.get(cipher.KEY_ENV))):
        if candidate and cipher.key_works(payload, candidate):
            return candidate
    raise BackupError(_("Bản sao lưu {file} chứa cơ sở dữ liệu được mã hóa: cần đúng khóa cơ sở dữ liệu "
                        "(khóa đang dùng, hoặc biến môi trường CAREMGR_DB_KEY).").format(file=Path(path).name))


def _info(path: Path, header: dict, counts: dict | None = None) -> BackupInfo:
    return BackupInfo(path=Path(path), created_at=datetime.fromisoformat(header["created_at"]),
                      size=Path(path).stat().st_size, encrypted=bool(header.get("encrypted")),
                      schema_version=header.get("schema_version"),
                      counts=dict(counts if counts is not None else header.get("counts") or {}),
                      reason=header.get("reason", ""), kind=header.get("kind", "sqlite"),
                      app_version=header.get("app_version", ""), db_encrypted=bool(header.get("db_encrypted")))


# --- making backups ---------------------------------------------------------------------------------

def _write_backup(folder: Path, reason: str, passphrase: str | None) -> BackupInfo:
    kind, where = _current()
    now = datetime.now().replace(microsecond=0)
    dest = raw.backup_file_name(now, reason, folder)
    raw.remove_leftovers(folder)
    fd, payload = tempfile.mkstemp(prefix=".payload-", dir=folder)
    os.close(fd)
    key = _current_key() if kind == "sqlite" else None
    try:
        try:
            if kind == "sqlite":  # an encrypted database's copy stays encrypted with the same key
                raw.backup_sqlite(where, payload, key=key)
                counts, version = raw.counts_of(payload, key=key), raw.schema_version_of(payload, key=key)
            else:
                counts, version = _live_counts(), schema_version(current_database())
                raw.pg_dump(where, payload)
        except (raw.ToolMissing, raw.ToolFailed) as exc:
            raise BackupError(_tool_message(exc)) from exc
        try:
            header = raw.write_container(payload, dest, kind=kind, schema_version=version, counts=counts,
                                         reason=reason, app_version=__version__, passphrase=passphrase,
                                         created_at=now, db_encrypted=bool(key))
        except raw.BackupFileError as exc:
            raise BackupError(_file_message(exc, dest)) from exc
        except OSError as exc:
            raise BackupError(_("Không ghi được bản sao lưu vào {folder}: {error}").format(
                folder=folder, error=exc.strerror or exc)) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(payload)
    return _info(dest, header)


def make_backup(actor: Actor, *, folder=None, passphrase: str | None = None, reason: str = "manual") -> BackupInfo:
    """A backup of the open database (online: others keep working) into ``folder`` (default: the
    "backup.folder" setting). Encrypted when a passphrase is given."""
    require(actor, "backup.run")
    target = Path(folder).expanduser() if folder else backup_folder()
    _ensure_folder(target, chosen=bool(folder) or bool((settings.get("backup.folder") or "").strip()))
    info = _write_backup(target, reason, passphrase or None)
    audit.record(actor, "backup", "database",
                 summary=f"backup {reason}: {info.path}", changes={"counts": [None, info.counts]})
    return info


def before_migration_backup(path, old: int, new: int, *, key: str | None = None) -> BackupInfo:
    """The before_upgrade hook for a SQLite file (db.connection.open_database installs the same copy
    by default): a backup of the file as it is, schema ``old``, before it becomes ``new``. An encrypted
    file needs its ``key`` (else CAREMGR_DB_KEY or the key remembered on this PC)."""
    made = raw.before_migration_copy(path, old, new, key=key)
    header, _offset = raw.read_header(made)
    return _info(made, header)


def _parse_name(name: str):
    m = _NAME.match(name)
    if not m:
        return None
    try:
        when = datetime.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    except ValueError:
        return None
    return when, m.group(3)


def plan_rotation(names, today: date) -> tuple[list[str], list[str]]:
    """(kept, removed) among daily backup file names: the newest file of each of the 7 most recent days,
    4 most recent ISO weeks and 12 most recent months that have one. Other files and files dated after
    ``today`` are always kept."""
    dated = []
    kept: set[str] = set()
    for name in names:
        parsed = _parse_name(name)
        if parsed is None or parsed[1] not in ROTATED_REASONS:
            continue
        if parsed[0].date() > today:
            kept.add(name)
        else:
            dated.append((parsed[0], name))
    dated.sort(reverse=True)
    for key, limit in ((lambda d: d.date(), KEEP_DAILY),
                       (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
                       (lambda d: (d.year, d.month), KEEP_MONTHLY)):
        seen = []
        for when, name in dated:
            k = key(when)
            if k in seen:
                continue
            if len(seen) == limit:
                break
            seen.append(k)
            kept.add(name)  # the newest of its period (sorted newest first)
    removed = [name for _when, name in dated if name not in kept]
    return sorted(kept), sorted(removed)


def rotate(folder, today: date | None = None) -> list[Path]:
    """Deletes the daily backups the rotation no longer keeps; returns the removed paths."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    _kept, removed = plan_rotation([p.name for p in folder.iterdir() if p.is_file()], today or date.today())
    gone = []
    for name in removed:
        with contextlib.suppress(FileNotFoundError):
            (folder / name).unlink()
            gone.append(folder / name)
    return gone


def daily_backup_if_due(actor: Actor | None = None, today: date | None = None) -> BackupInfo | None:
    """On the first start of a day (no daily backup from today in the folder yet): a backup, then the
    rotation. None when one exists already or "backup.daily" is off."""
    if not settings.get("backup.daily"):
        return None
    today = today or date.today()
    folder = backup_folder()
    if folder.is_dir():
        stamp = f"caremgr-{today:%Y%m%d}-"
        if any(p.name.startswith(stamp) and (_parse_name(p.name) or (0, ""))[1] == "daily"
               for p in folder.iterdir()):
            return None
    who = actor if actor is not None and actor.can("backup.run") else SYSTEM
    info = make_backup(who, reason="daily")
    rotate(folder, today)
    return info


# --- checking and restoring --------------------------------------------------------------------------

def _checked_payload(path, passphrase: str | None, workdir,
                     key: str | None = None) -> tuple[dict, Path, dict, str | None]:
    """Checks a backup file and extracts its payload into ``workdir``: (header, payload, counts, the
    database key when the payload is an encrypted database)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Không tìm thấy tệp {file}.").format(file=path))
    try:
        header, _offset = raw.read_header(path)
        found = header.get("schema_version")
        if isinstance(found, int) and found > CURRENT_VERSION:
            raise _too_new(found)
        payload = Path(workdir) / "payload"
        raw.extract_payload(path, payload, passphrase=passphrase)
    except raw.BackupFileError as exc:
        raise BackupError(_file_message(exc, path)) from exc
    counts = header.get("counts") or {}
    db_key = None
    if header.get("kind", "sqlite") == "sqlite":
        if header.get("db_encrypted") or cipher.is_encrypted(payload):
            db_key = _payload_key(payload, key, path)
        if not raw.integrity_ok(payload, key=db_key):
            raise BackupError(_file_message(raw.BackupFileError("integrity"), path))
        found = raw.schema_version_of(payload, key=db_key)
        if found is None:
            raise BackupError(_file_message(raw.BackupFileError("not_backup"), path))
        if found > CURRENT_VERSION:
            raise _too_new(found)
        header = {**header, "schema_version": found, "db_encrypted": bool(db_key)}
        counts = raw.counts_of(payload, key=db_key)
    return header, payload, counts, db_key


def inspect_backup(path, passphrase: str | None = None, *, key: str | None = None) -> BackupInfo:
    """Checks a backup file (magic, checksum, passphrase, integrity, schema version) and says what is
    in it; BackupError with the reason otherwise. An encrypted database inside is opened with ``key``,
    the open database's key or CAREMGR_DB_KEY."""
    with tempfile.TemporaryDirectory(prefix="caremgr-inspect-") as work:
        header, _payload, counts, _key = _checked_payload(path, passphrase, work, key)
        return _info(Path(path), header, counts)


def _keep_live_key(payload: Path, payload_key: str | None, live_key: str | None, work) -> Path:
    """An encrypted live database stays encrypted with its own key whatever the backup held."""
    if live_key is None or payload_key == live_key:
        return payload
    if payload_key is None:  # a backup from before the database was encrypted
        encrypted = Path(work) / "payload-encrypted"
        cipher.export(payload, encrypted, dest_key=live_key)
        return encrypted
    cipher.change_key(payload, payload_key, live_key)
    return payload


def restore_backup(actor: Actor, path, *, passphrase: str | None = None, key: str | None = None) -> RestoreResult:
    """Replaces the open database with a backup, after checking it and making a safety copy
    (a "before-restore" backup) of the current data. The database is open again afterwards,
    upgraded when the backup came from an older version. An encrypted database in the backup is opened
    with ``key``, the open database's key or CAREMGR_DB_KEY; an encrypted database stays encrypted
    with the key it has now (a plain database restored from an encrypted backup gets the backup's key)."""
    require(actor, "backup.restore")
    kind, where = _current()
    workdir = Path(where).parent if kind == "sqlite" else None
    with tempfile.TemporaryDirectory(prefix=".caremgr-restore-", dir=workdir) as work:
        header, payload, counts, payload_key = _checked_payload(path, passphrase, work, key)
        if header.get("kind", "sqlite") != kind:
            raise BackupError(_("Bản sao lưu {file} là của cơ sở dữ liệu {theirs}, không khôi phục được vào "
                                "cơ sở dữ liệu {ours}.").format(file=Path(path).name,
                                                                 theirs=header.get("kind"), ours=kind))
        info = _info(Path(path), header, counts)
        if kind == "postgresql" and raw.find_pg_tool("pg_restore") is None:
            raise BackupError(_tool_message(raw.ToolMissing("pg_restore")))
        safety = make_backup(actor, reason="before-restore")
        live_key = _current_key() if kind == "sqlite" else None
        reopen_key = live_key or payload_key
        close_database()
        try:
            if kind == "sqlite":
                payload = _keep_live_key(payload, payload_key, live_key, work)
                staged = Path(where).with_name(Path(where).name + ".restoring")
                os.replace(payload, staged)
                os.replace(staged, where)
                raw.remove_sqlite_sidecars(where)
            else:
                try:
                    raw.pg_restore(where, payload)
                except (raw.ToolMissing, raw.ToolFailed) as exc:
                    raise BackupError(_tool_message(exc)) from exc
        finally:
            open_database(where, key=reopen_key)
    audit.record(actor, "restore", "database",
                 summary=f"restore {Path(path).name} ({info.created_at.isoformat()}); "
                         f"safety copy {safety.path.name}",
                 changes={"counts": [None, info.counts]})
    return RestoreResult(restored_from=info, safety_copy=safety.path)
