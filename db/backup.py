"""Backup files at the storage level: online SQLite copies, checks, pg_dump/pg_restore, the container.

A backup file (``.cmbak``) is one JSON header line followed by the payload: the SQLite database file,
or a ``pg_dump -Fc`` archive. The payload of an encrypted database (``db.cipher``) is a SQLCipher copy
with the same key (header "db_encrypted": true), so it never holds plain data. With a passphrase the
payload is AES-GCM encrypted with a key from scrypt(passphrase, salt). The header carries the sha256 of
the payload bytes as stored, so a damaged file is found without the passphrase. Policy (folders,
rotation, permissions, messages) lives in ``caremgr.backup``; nothing here imports caremgr.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from db import cipher
from db.errors import DatabaseLocked

MAGIC = "caremgr-backup"
FORMAT = 1
SUFFIX = ".cmbak"
CHUNK = 1 << 20
SCRYPT = {"n": 2**15, "r": 8, "p": 1}

# name in counts -> table
COUNTED_TABLES = {
    "residents": "resident",
    "staff": "staff",
    "users": "app_user",
    "health_checks": "health_check",
    "insurance_cards": "insurance_card",
    "rehab_plans": "rehab_plan",
    "training_courses": "training_course",
    "audit_entries": "audit_log",
}


class BackupFileError(Exception):
    """The file is not a usable backup. ``code`` says why (the caller words the message):
    not_backup, damaged, passphrase_needed, wrong_passphrase, not_sqlite, integrity, no_crypto."""

    def __init__(self, code: str, detail: str = ""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


class ToolMissing(Exception):
    """pg_dump / pg_restore is not installed on this machine."""

    def __init__(self, tool: str):
        self.tool = tool
        super().__init__(f"{tool} not found")


class ToolFailed(Exception):
    def __init__(self, tool: str, stderr: str):
        self.tool = tool
        self.stderr = stderr
        super().__init__(f"{tool} failed: {stderr.strip()[-500:]}")


# --- SQLite ------------------------------------------------------------------------------------

def backup_sqlite(conn_or_path, dest_path: str | os.PathLike, *, key: str | None = None) -> Path:
    """An online copy of a SQLite database (``sqlite3.Connection.backup``): other connections keep
    reading and writing meanwhile (WAL). The copy is a single self-contained file (rollback journal).
    With ``key`` (an encrypted file) the copy is made by SQLCipher and encrypted with the same key."""
    dest = Path(dest_path)
    if key and not isinstance(conn_or_path, sqlite3.Connection) and cipher.is_encrypted(conn_or_path):
        source = cipher.connect(conn_or_path, key)
        try:
            target = cipher.driver().connect(str(dest))
            try:
                target.execute(f"PRAGMA key = {cipher._literal(key)}")
                source.backup(target)
                target.execute("PRAGMA journal_mode=DELETE")
                target.commit()
            finally:
                target.close()
        finally:
            source.close()
        return dest
    if isinstance(conn_or_path, sqlite3.Connection):
        source, own = conn_or_path, False
    else:
        source, own = sqlite3.connect(str(conn_or_path), timeout=15), True
    try:
        target = sqlite3.connect(str(dest))
        try:
            source.backup(target)
            target.execute("PRAGMA journal_mode=DELETE")
            target.commit()
        finally:
            target.close()
    finally:
        if own:
            source.close()
    return dest


def _connect_readonly(path, key: str | None = None):
    """A read-only connection: stdlib sqlite3, or sqlcipher3 with ``key`` for an encrypted file."""
    if key and cipher.is_encrypted(path):
        return cipher.connect(path, key, readonly=True)
    return sqlite3.connect(f"file:{Path(path).resolve().as_posix()}?mode=ro", uri=True)


def integrity_ok(path: str | os.PathLike, *, key: str | None = None) -> bool:
    """``PRAGMA integrity_check`` says "ok" (False for a file that is not a SQLite database, or an
    encrypted one without its key)."""
    try:
        conn = _connect_readonly(path, key)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except (*cipher.database_errors(), DatabaseLocked):
        return False
    return [tuple(r) for r in rows] == [("ok",)]


def schema_version_of(path: str | os.PathLike, *, key: str | None = None) -> int | None:
    """The caremgr schema version stored in a SQLite file; None when it has no caremgr schema."""
    try:
        conn = _connect_readonly(path, key)
        try:
            return conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        finally:
            conn.close()
    except (*cipher.database_errors(), DatabaseLocked):
        return None


def counts_of(path: str | os.PathLike, *, key: str | None = None) -> dict[str, int]:
    conn = _connect_readonly(path, key)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {name: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for name, table in COUNTED_TABLES.items() if table in tables}
    finally:
        conn.close()


def setting_of(path: str | os.PathLike, key: str, *, db_key: str | None = None):
    """A setting's stored value read straight from a SQLite file (None when absent or unreadable)."""
    try:
        conn = _connect_readonly(path, db_key)
        try:
            row = conn.execute("SELECT value FROM setting WHERE key = ? ORDER BY effective_from DESC",
                               (key,)).fetchone()
        finally:
            conn.close()
        return json.loads(row[0]) if row and row[0] is not None else None
    except (*cipher.database_errors(), DatabaseLocked, ValueError):
        return None


def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def remove_sqlite_sidecars(path: str | os.PathLike) -> None:
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(f"{path}{suffix}")


# --- PostgreSQL ---------------------------------------------------------------------------------

def find_pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        candidate = Path(bindir, name)
        if candidate.exists():
            return str(candidate)
    return None


def _pg_call(tool: str, url: str, args: list[str]) -> None:
    exe = find_pg_tool(tool)
    if exe is None:
        raise ToolMissing(tool)
    parts = urlparse(url)
    env = dict(os.environ)
    if parts.password:
        from urllib.parse import unquote

        env["PGPASSWORD"] = unquote(parts.password)
    netloc = parts.hostname or "localhost"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    clean = urlunparse(parts._replace(netloc=netloc, scheme="postgresql"))
    result = subprocess.run([exe, *args, f"--dbname={clean}"], capture_output=True, text=True, env=env)
    if result.returncode != 0:
        raise ToolFailed(tool, result.stderr)


def pg_dump(url: str, dest_path: str | os.PathLike) -> Path:
    """``pg_dump -Fc`` of the database at ``url`` into ``dest_path``."""
    _pg_call("pg_dump", url, ["-Fc", "--no-owner", "--no-privileges", "-f", str(dest_path)])
    return Path(dest_path)


def pg_restore(url: str, archive_path: str | os.PathLike) -> None:
    """``pg_restore --clean`` of an archive into the database at ``url``, in one transaction."""
    _pg_call("pg_restore", url, ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                                 "--single-transaction", "--exit-on-error", str(archive_path)])


# --- the container ------------------------------------------------------------------------------

def _aad(header: dict) -> bytes:
    return f"{MAGIC}|{header['kind']}|{header['schema_version']}|{header['created_at']}".encode()


def _cipher_key(passphrase: str, salt: bytes, params: dict) -> bytes:
    try:
        from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
    except ImportError as exc:
        raise BackupFileError("no_crypto", str(exc)) from exc
    return Scrypt(salt=salt, length=32, n=params["n"], r=params["r"], p=params["p"]).derive(passphrase.encode())


def write_container(payload_path: str | os.PathLike, dest_path: str | os.PathLike, *, kind: str,
                    schema_version: int | None, counts: dict, reason: str, app_version: str = "",
                    passphrase: str | None = None, created_at: datetime | None = None,
                    db_encrypted: bool = False) -> dict:
    """Writes ``dest_path`` (atomically: a temporary file then rename). Returns the header.
    ``db_encrypted``: the payload is a SQLCipher database (readable only with the database key)."""
    created = (created_at or datetime.now()).replace(microsecond=0)
    header = {"magic": MAGIC, "format": FORMAT, "app_version": app_version, "kind": kind,
              "schema_version": schema_version, "created_at": created.isoformat(), "reason": reason,
              "counts": counts, "encrypted": bool(passphrase)}
    if db_encrypted:
        header["db_encrypted"] = True
    dest = Path(dest_path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, body_name = tempfile.mkstemp(prefix=".payload-", dir=dest.parent)
    part = dest.with_name(dest.name + ".part")
    try:
        digest = hashlib.sha256()
        with os.fdopen(fd, "wb") as body, open(payload_path, "rb") as src:
            encryptor = None
            if passphrase:
                from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

                salt, nonce = os.urandom(16), os.urandom(12)
                key = _cipher_key(passphrase, salt, SCRYPT)
                encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
                encryptor.authenticate_additional_data(_aad(header))
                header.update(cipher="AES-256-GCM", kdf="scrypt", kdf_params=SCRYPT, salt=salt.hex(),
                              nonce=nonce.hex())
            for chunk in iter(lambda: src.read(CHUNK), b""):
                out = encryptor.update(chunk) if encryptor else chunk
                digest.update(out)
                body.write(out)
            if encryptor:
                out = encryptor.finalize()
                digest.update(out)
                body.write(out)
                header["tag"] = encryptor.tag.hex()
        header["payload_size"] = os.path.getsize(body_name)
        header["sha256"] = digest.hexdigest()
        with open(part, "wb") as out_file, open(body_name, "rb") as body:
            out_file.write(json.dumps(header, ensure_ascii=False, sort_keys=True).encode() + b"\n")
            shutil.copyfileobj(body, out_file, CHUNK)
            out_file.flush()
            os.fsync(out_file.fileno())
        os.replace(part, dest)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(body_name)
        with contextlib.suppress(FileNotFoundError):
            os.remove(part)
    return header


def read_header(path: str | os.PathLike) -> tuple[dict, int]:
    """The header and the offset where the payload starts; BackupFileError("not_backup") otherwise."""
    try:
        with open(path, "rb") as f:
            line = f.readline(64 * 1024)
    except OSError as exc:
        raise BackupFileError("unreadable", str(exc)) from exc
    try:
        header = json.loads(line.decode())
    except (UnicodeDecodeError, ValueError):
        raise BackupFileError("not_backup") from None
    if not isinstance(header, dict) or header.get("magic") != MAGIC or not line.endswith(b"\n"):
        raise BackupFileError("not_backup")
    return header, len(line)


def verify_checksum(path: str | os.PathLike, header: dict, offset: int) -> None:
    digest = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        f.seek(offset)
        for chunk in iter(lambda: f.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    if size != header.get("payload_size") or digest.hexdigest() != header.get("sha256"):
        raise BackupFileError("damaged")


def extract_payload(path: str | os.PathLike, dest_path: str | os.PathLike, *,
                    passphrase: str | None = None) -> dict:
    """Checks the checksum and writes the (decrypted) payload to ``dest_path``. Returns the header."""
    header, offset = read_header(path)
    verify_checksum(path, header, offset)
    decryptor = None
    if header.get("encrypted"):
        if not passphrase:
            raise BackupFileError("passphrase_needed")
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

        key = _cipher_key(passphrase, bytes.fromhex(header["salt"]), header.get("kdf_params", SCRYPT))
        decryptor = Cipher(algorithms.AES(key), modes.GCM(bytes.fromhex(header["nonce"]),
                                                          bytes.fromhex(header["tag"]))).decryptor()
        decryptor.authenticate_additional_data(_aad(header))
    try:
        with open(path, "rb") as src, open(dest_path, "wb") as out:
            src.seek(offset)
            for chunk in iter(lambda: src.read(CHUNK), b""):
                out.write(decryptor.update(chunk) if decryptor else chunk)
            if decryptor:
                from cryptography.exceptions import InvalidTag

                try:
                    out.write(decryptor.finalize())
                except InvalidTag:
                    raise BackupFileError("wrong_passphrase") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(dest_path)
        raise
    return header


# --- before a migration -------------------------------------------------------------------------

BackupHook = Callable[[int, int], None]


def app_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("caremgr")
    except metadata.PackageNotFoundError:
        return ""


def default_folder_for(sqlite_path: str | os.PathLike) -> Path:
    return Path(sqlite_path).expanduser().resolve().parent / "backups"


def backup_file_name(when: datetime, reason: str, folder: Path) -> Path:
    stem = f"caremgr-{when:%Y%m%d-%H%M%S}-{reason}"
    path = folder / f"{stem}{SUFFIX}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{SUFFIX}"
        n += 1
    return path


LEFTOVER_PATTERNS = (".payload-*", ".copy-*.sqlite", f"*{SUFFIX}.part")


def remove_leftovers(folder: str | os.PathLike, older_than: float = 3600) -> list[Path]:
    """Deletes the temporary files of a backup that was cut off (power cut, killed program).

    Only files older than ``older_than`` seconds: a backup another PC is writing into the same
    folder right now keeps its files."""
    removed = []
    limit = time.time() - older_than
    for pattern in LEFTOVER_PATTERNS:
        for path in Path(folder).glob(pattern):
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mtime < limit:
                    path.unlink()
                    removed.append(path)
    return removed


def before_migration_copy(sqlite_path: str | os.PathLike, old: int, new: int,
                          folder: str | os.PathLike | None = None, *, key: str | None = None) -> Path:
    """The backup taken just before an existing SQLite database is upgraded from ``old`` to ``new``:
    into ``folder``, else the folder set in the file's "backup.folder" setting, else "backups" next
    to the file. No backup passphrase (none is ever stored); an encrypted database's copy stays
    encrypted with its key (``key``, else CAREMGR_DB_KEY or the key remembered on this PC)."""
    if key is None and cipher.is_encrypted(sqlite_path):
        key = cipher.find_key(sqlite_path)
    return file_copy(sqlite_path, "before-migration", schema_version=old, folder=folder, key=key)


def file_copy(sqlite_path: str | os.PathLike, reason: str, *, schema_version: int | None = None,
              folder: str | os.PathLike | None = None, key: str | None = None,
              passphrase: str | None = None) -> Path:
    """A backup file of a SQLite database file as it is now, named for ``reason``, into ``folder`` (as
    ``before_migration_copy`` chooses it). ``key``: the file is encrypted (its copy stays so);
    ``passphrase``: the container is encrypted too."""
    source = Path(sqlite_path).expanduser()
    if key and not cipher.is_encrypted(source):
        key = None
    chosen = folder or setting_of(source, "backup.folder", db_key=key) or default_folder_for(source)
    target_folder = Path(chosen).expanduser()
    try:
        target_folder.mkdir(parents=True, exist_ok=True)
    except OSError:  # the chosen folder (a USB stick) is not there: the copy goes next to the file
        target_folder = default_folder_for(source)
        target_folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(target_folder)
    now = datetime.now().replace(microsecond=0)
    dest = backup_file_name(now, reason, target_folder)
    fd, raw = tempfile.mkstemp(prefix=".copy-", suffix=".sqlite", dir=target_folder)
    os.close(fd)
    try:
        backup_sqlite(source, raw, key=key)
        version = schema_version if schema_version is not None else schema_version_of(raw, key=key)
        write_container(raw, dest, kind="sqlite", schema_version=version, counts=counts_of(raw, key=key),
                        reason=reason, app_version=app_version(), created_at=now, passphrase=passphrase,
                        db_encrypted=bool(key))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(raw)
    return dest
