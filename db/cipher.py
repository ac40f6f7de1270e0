"""Encryption of the SQLite file at rest, with SQLCipher (the optional ``sqlcipher3`` package).

Plain SQLite stays the default. An encrypted database is an ordinary caremgr SQLite file encrypted by
SQLCipher; it is recognised by its first 16 bytes not being SQLite's header (SQLCipher stores a random
salt there). Every page, the WAL file and the backups made from it are encrypted with the same key.

The key (a passphrase, "khóa cơ sở dữ liệu") comes from, in order: the ``key`` given to
``db.connection.open_database``, the environment variable CAREMGR_DB_KEY, a key remembered on this PC
(``db-key`` in the user's data folder, JSON {absolute path: key}, mode 0600).

Converting a file (``encrypt_file``, ``decrypt_file``) writes the new file next to the old one with
``sqlcipher_export``, checks it (integrity, same rows), keeps a backup of the old one in the backups
folder, then renames it over the old one; nothing is changed when a step fails. ``change_key`` uses
``PRAGMA rekey``. No program may have the database open meanwhile (close caremgr on every PC first).
Messages for people are worded in ``caremgr.errors``; nothing here imports caremgr.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
from pathlib import Path

from db.errors import DatabaseLocked, EncryptionError

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_ENV = "CAREMGR_DB_KEY"
KEY_FILE_NAME = "db-key"
MIN_KEY_LENGTH = 12

_driver = None


def available() -> bool:
    """sqlcipher3 can be imported on this machine."""
    try:
        driver()
    except EncryptionError:
        return False
    return True


def driver():
    """The sqlcipher3 DB-API module (its log lines on stderr silenced: a wrong key is reported by us)."""
    global _driver
    if _driver is None:
        try:
            from sqlcipher3 import dbapi2
        except ImportError as exc:
            raise EncryptionError("no_sqlcipher", str(exc)) from exc
        with contextlib.suppress(Exception):
            quiet = dbapi2.connect(":memory:")
            quiet.execute("PRAGMA cipher_log_level = NONE")
            quiet.close()
        _driver = dbapi2
    return _driver


def database_errors() -> tuple[type[BaseException], ...]:
    """The DB-API error classes of both drivers (sqlcipher3 has its own hierarchy)."""
    try:
        return (sqlite3.DatabaseError, driver().DatabaseError)
    except EncryptionError:
        return (sqlite3.DatabaseError,)


def is_encrypted(path: str | os.PathLike) -> bool:
    """The file exists and its first 16 bytes are not "SQLite format 3\\0" (an empty or missing file is a
    new plain database)."""
    try:
        with open(Path(path).expanduser(), "rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return False
    return len(head) == len(SQLITE_HEADER) and head != SQLITE_HEADER


def check_key_rule(key: str | None) -> str:
    """The key a database is encrypted with: at least MIN_KEY_LENGTH characters."""
    if not key or len(key) < MIN_KEY_LENGTH:
        raise EncryptionError("key_too_short", min_length=MIN_KEY_LENGTH)
    return key


def _literal(key: str) -> str:
    return "'" + key.replace("'", "''") + "'"


def connect(path: str | os.PathLike, key: str, *, readonly: bool = False, timeout: float = 15):
    """A sqlcipher3 connection to an encrypted file, the key checked (DatabaseLocked "wrong_key")."""
    sc = driver()
    path = Path(path).expanduser()
    if readonly:
        conn = sc.connect(f"file:{path.resolve().as_posix()}?mode=ro", uri=True, timeout=timeout)
    else:
        conn = sc.connect(str(path), timeout=timeout)
    try:
        conn.execute(f"PRAGMA key = {_literal(key)}")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sc.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise DatabaseLocked(str(path), "wrong_key") from exc
        raise
    return conn


def key_works(path: str | os.PathLike, key: str | None) -> bool:
    """``key`` opens the encrypted file at ``path``."""
    if not key:
        return False
    try:
        connect(path, key, readonly=True).close()
    except DatabaseLocked:
        return False
    return True


def database_key(database) -> str | None:
    """The key of an open peewee database when it is a SQLCipher one, else None."""
    if database is None or not available():
        return None
    from playhouse.sqlcipher_ext import SqlCipherDatabase

    if isinstance(database, SqlCipherDatabase):
        return database.connect_params.get("passphrase") or None
    return None


def database_for(path: str | os.PathLike, key: str | None, *, pragmas: dict, timeout: float):
    """The peewee database (not yet connected) for an encrypted file; DatabaseLocked when sqlcipher3 is
    missing or no key is found (the key's correctness is checked on connecting)."""
    if not available():
        raise DatabaseLocked(str(path), "no_sqlcipher")
    found = find_key(path, key)
    if not found:
        raise DatabaseLocked(str(path), "no_key")
    from playhouse.sqlcipher_ext import SqlCipherDatabase

    return SqlCipherDatabase(str(path), passphrase=found, pragmas=pragmas, timeout=timeout)


# --- where the key comes from ---------------------------------------------------------------------

def key_file_path() -> Path:
    from db.connection import default_data_dir

    return default_data_dir() / KEY_FILE_NAME


def _normalised(path: str | os.PathLike) -> str:
    return str(Path(path).expanduser().resolve())


def _remembered() -> dict:
    try:
        data = json.loads(key_file_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_remembered(data: dict) -> Path:
    target = key_file_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=".db-key-", dir=target.parent)  # created with mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(name, 0o600)
        os.replace(name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
        raise
    return target


def remembered_key(path: str | os.PathLike) -> str | None:
    """The key remembered on this PC for the database file at ``path``."""
    value = _remembered().get(_normalised(path))
    return value if isinstance(value, str) and value else None


def remember_key(path: str | os.PathLike, key: str) -> Path:
    """Remembers ``key`` for the file at ``path`` on this PC (the key file is readable by this user only)."""
    data = _remembered()
    data[_normalised(path)] = key
    return _write_remembered(data)


def forget_key(path: str | os.PathLike) -> bool:
    """Removes the key remembered for ``path``; whether there was one."""
    data = _remembered()
    if data.pop(_normalised(path), None) is None:
        return False
    _write_remembered(data)
    return True


def find_key(path: str | os.PathLike, key: str | None = None) -> str | None:
    """``key``, else CAREMGR_DB_KEY, else the key remembered on this PC for ``path``."""
    return key or os.environ.get(KEY_ENV) or remembered_key(path)


# --- converting a file ----------------------------------------------------------------------------

def export(source: str | os.PathLike, dest: str | os.PathLike, *, source_key: str | None = None,
           dest_key: str | None = None) -> None:
    """Copies every table, index and row of ``source`` into the new file ``dest`` with sqlcipher_export
    (a key: encrypted; None: plain), and the user_version."""
    sc = driver()
    conn = connect(source, source_key) if source_key else sc.connect(str(source), timeout=15)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS converted KEY ?", (str(dest), dest_key or ""))
        conn.execute("SELECT sqlcipher_export('converted')")
        conn.execute(f"PRAGMA converted.user_version = {int(user_version)}")
        conn.execute("DETACH DATABASE converted")
    finally:
        conn.close()


def _open_any(path, key: str | None, *, readonly: bool = True):
    if key:
        return connect(path, key, readonly=readonly)
    if readonly:
        return sqlite3.connect(f"file:{Path(path).resolve().as_posix()}?mode=ro", uri=True)
    return sqlite3.connect(str(path), timeout=15)


def _fingerprint(path, key: str | None) -> tuple[str, dict[str, int], int]:
    """(integrity_check result, rows per table, user_version) of a file."""
    conn = _open_any(path, key)
    try:
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        return check, counts, conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()


def _convert(path: str | os.PathLike, *, old_key: str | None, new_key: str | None, reason: str,
             folder=None) -> Path:
    from db import backup as raw

    path = Path(path).expanduser()
    if not path.is_file():
        raise EncryptionError("missing", str(path))
    driver()
    try:
        before = _fingerprint(path, old_key)
    except DatabaseLocked:
        raise
    except database_errors() as exc:
        raise EncryptionError("not_sqlite", str(exc)) from exc
    if before[0] != "ok":
        raise EncryptionError("integrity", f"{path}: {before[0]}")
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".converting", dir=path.parent)
    os.close(fd)
    os.remove(name)  # sqlcipher_export wants a new, empty database
    converted = Path(name)
    try:
        export(path, converted, source_key=old_key, dest_key=new_key)
        after = _fingerprint(converted, new_key)
        if after != before:
            raise EncryptionError("integrity", f"converted copy differs: {after[0]}")
        # The old file goes to the backups folder first. A plain file's copy is encrypted (AES-GCM)
        # with the new key as its backup passphrase, so encrypting leaves no plain copy behind.
        copy = raw.file_copy(path, reason, folder=folder, key=old_key,
                             passphrase=new_key if old_key is None else None)
        with contextlib.suppress(OSError):
            os.chmod(converted, path.stat().st_mode & 0o777)
        os.replace(converted, path)
        raw.remove_sqlite_sidecars(path)
    finally:
        for leftover in (converted, *(Path(f"{converted}{s}") for s in ("-wal", "-shm", "-journal"))):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return copy


def encrypt_file(path: str | os.PathLike, key: str, *, folder=None) -> Path:
    """Encrypts the plain database file at ``path`` with ``key``; returns the backup made of the plain file
    (encrypted with ``key`` as backup passphrase). The program must not have the file open."""
    check_key_rule(key)
    if is_encrypted(path):
        raise EncryptionError("already_encrypted", str(path))
    copy = _convert(path, old_key=None, new_key=key, reason="before-encrypt", folder=folder)
    if remembered_key(path) is not None:
        remember_key(path, key)
    return copy


def decrypt_file(path: str | os.PathLike, key: str, *, folder=None) -> Path:
    """Turns the encrypted file at ``path`` back into a plain SQLite file; returns the backup of the
    encrypted file. A key remembered for it on this PC is forgotten."""
    if not is_encrypted(path):
        raise EncryptionError("not_encrypted", str(path))
    copy = _convert(path, old_key=key, new_key=None, reason="before-decrypt", folder=folder)
    forget_key(path)
    return copy


def change_key(path: str | os.PathLike, old: str, new: str) -> None:
    """Re-encrypts the file at ``path`` with ``new`` (PRAGMA rekey, one transaction)."""
    check_key_rule(new)
    if not is_encrypted(path):
        raise EncryptionError("not_encrypted", str(path))
    conn = connect(path, old)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute(f"PRAGMA rekey = {_literal(new)}")
        check = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if check != "ok":
        raise EncryptionError("integrity", f"{path}: {check}")
    if remembered_key(path) is not None:
        remember_key(path, new)
