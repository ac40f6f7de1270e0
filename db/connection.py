"""Opening a centre's database: a SQLite file (default) or a PostgreSQL server (several PCs)."""

from __future__ import annotations

import contextlib
import contextvars
import os
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from peewee import Database, DatabaseError, OperationalError, PostgresqlDatabase, SqliteDatabase

from db import cipher
from db.errors import DatabaseBusy, DatabaseLocked
from db.models import database_proxy

ENV_VAR = "CAREMGR_DB"
APP_NAME = "caremgr"

# WAL lets a reader (a report) run while a nurse saves; the busy timeout makes a second writer wait
# instead of failing with "database is locked". CAREMGR_SQLITE_BUSY_MS shortens it for the tests that
# prove the retry below.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": int(os.environ.get("CAREMGR_SQLITE_BUSY_MS", "15000")),
    "synchronous": "normal",
    "cache_size": -32000,
}


@dataclass(frozen=True)
class Target:
    kind: str  # "sqlite" or "postgresql"
    location: str  # file path, or URL without password

    @property
    def is_sqlite(self) -> bool:
        return self.kind == "sqlite"


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_sqlite_path() -> Path:
    return default_data_dir() / "caremgr.sqlite"


def resolve_target(target: str | os.PathLike | None = None) -> str:
    """``--db`` wins, then ``CAREMGR_DB``, then the file in the user's data folder."""
    if target:
        return str(target)
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return env
    return str(default_sqlite_path())


def is_postgres_url(target: str) -> bool:
    return target.startswith(("postgresql://", "postgres://"))


def describe(target: str) -> Target:
    if is_postgres_url(target):
        parts = urlparse(target)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
        return Target("postgresql", f"postgresql://{parts.username or ''}@{host}{port}{parts.path}")
    return Target("sqlite", str(Path(target).expanduser()))


def make_database(target: str, key: str | None = None) -> Database:
    """A peewee database for the target, not yet connected. An encrypted SQLite file (``db.cipher``)
    gets a SQLCipher database with ``key`` (else CAREMGR_DB_KEY, else the key remembered on this PC)."""
    if is_postgres_url(target):
        parts = urlparse(target)
        return PostgresqlDatabase(
            parts.path.lstrip("/"),
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            host=parts.hostname or "localhost",
            port=parts.port or 5432,
        )
    path = Path(target).expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    if cipher.is_encrypted(path):  # a SqlCipherDatabase is a SqliteDatabase: write_transaction applies
        return cipher.database_for(path, key, pragmas=SQLITE_PRAGMAS,
                                   timeout=SQLITE_PRAGMAS["busy_timeout"] / 1000)
    return SqliteDatabase(str(path), pragmas=SQLITE_PRAGMAS, timeout=SQLITE_PRAGMAS["busy_timeout"] / 1000)


_DEFAULT = object()


def open_database(target: str | os.PathLike | None = None, *, upgrade: bool = True,
                  before_upgrade=_DEFAULT, key: str | None = None) -> Database:
    """Binds the models to the chosen database and brings its schema up to date.

    Upgrading runs in one transaction: an interrupted upgrade leaves the old schema as it was.
    Before an existing SQLite file is upgraded, a backup of it is written (``db.backup``), unless
    ``before_upgrade`` gives another hook ``(old, new)`` or None.
    An encrypted SQLite file needs its ``key`` (or CAREMGR_DB_KEY, or a key remembered on this PC);
    ``db.errors.DatabaseLocked`` says when none is found, it is wrong or sqlcipher3 is missing.
    """
    from db import migrations

    resolved = resolve_target(target)
    database = make_database(resolved, key=key)
    database_proxy.initialize(database)
    try:
        database.connect(reuse_if_open=True)
    except DatabaseError as exc:
        if cipher.database_key(database) is not None and "not a database" in str(exc):
            raise DatabaseLocked(resolved, "wrong_key") from exc
        raise
    if upgrade:
        if before_upgrade is _DEFAULT:
            before_upgrade = None
            if not is_postgres_url(resolved):
                from db.backup import before_migration_copy

                def before_upgrade(old: int, new: int, path=resolved, opened=database) -> None:
                    before_migration_copy(path, old, new, key=cipher.database_key(opened))
        migrations.upgrade(database, before_upgrade=before_upgrade)
    return database


def close_database() -> None:
    database = database_proxy.obj
    if database is not None and not database.is_closed():
        database.close()


def current_database() -> Database:
    database = database_proxy.obj
    if database is None:
        raise RuntimeError("no database is open")
    return database


# How long a save waits in all for another PC's unit of work (an import of a large list holds the write
# lock until it commits) before the user is told the database is busy. Each attempt already waits
# the busy timeout inside SQLite.
WRITE_WAIT_SECONDS = float(os.environ.get("CAREMGR_WRITE_WAIT_SECONDS", "180"))


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "database is locked" in text or "database is busy" in text


class _ImmediateTransaction:
    """BEGIN IMMEDIATE, tried again while another connection holds the write lock.

    Retrying is safe only here, before the unit of work has done anything: once the lock is held,
    nothing inside the transaction can meet "database is locked" again (WAL readers never block it).
    """

    def __init__(self, database: SqliteDatabase):
        self.database = database
        self._helper = None

    def __enter__(self):
        deadline = time.monotonic() + WRITE_WAIT_SECONDS
        pause = 0.02
        while True:
            helper = self.database.atomic(lock_type="IMMEDIATE")
            try:
                entered = helper.__enter__()
            except OperationalError as exc:
                if not _is_lock_error(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise DatabaseBusy(WRITE_WAIT_SECONDS) from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
                continue
            self._helper = helper
            return entered

    def __exit__(self, exc_type, exc_val, exc_tb):
        return self._helper.__exit__(exc_type, exc_val, exc_tb)


_JOINED = contextvars.ContextVar("caremgr_joined_savepoint", default=False)


@contextlib.contextmanager
def one_savepoint():
    """A savepoint whose nested write_transaction() calls join it instead of opening their own.

    For a loop of small units (one row of an import) where this savepoint already undoes everything
    of the unit on any error: the services' own savepoints would only repeat that, at two SQL
    statements each.
    """
    with write_transaction():
        token = _JOINED.set(True)
        try:
            yield
        finally:
            _JOINED.reset(token)


def write_transaction():
    """A transaction for a unit of work that writes.

    SQLite: BEGIN IMMEDIATE takes the write lock up front, so a second writer waits (busy timeout,
    then retries up to WRITE_WAIT_SECONDS) instead of failing half-way with "database is locked" when
    it upgrades a read lock. Nested calls become savepoints.
    """
    database = current_database()
    if _JOINED.get() and database.in_transaction():
        return contextlib.nullcontext()
    if isinstance(database, SqliteDatabase) and not database.in_transaction():
        return _ImmediateTransaction(database)
    return database.atomic()
